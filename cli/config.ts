/** The CLI's defaults and policy numbers, each with the reason for its value. */
import { homedir } from 'node:os';
import path from 'node:path';

/** The tracker `npm start` runs on this machine. */
export const DEFAULT_TRACKER_URL = 'http://localhost:8080';

/** The REST API listens on loopback only unless told otherwise: it can read and write files. */
export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 8000;

export function defaultDataDir(): string {
  return path.join(homedir(), '.shoal');
}

/** A tracker on this machine or the LAN answers in milliseconds; after this long a person wants to
 * hear that it is down rather than watch a silent command. */
export const TRACKER_CONNECT_TIMEOUT_MS = 5_000;

/** Shared files are checked this often for being changed or deleted, so a stale file is withdrawn
 * within seconds; a stat per file is cheap even for thousands of files. */
export const LIBRARY_CHECK_INTERVAL_MS = 5_000;

/** Progress lines when output is not a terminal (logs, CI): often enough to see movement, rare
 * enough that a long download does not flood the log. */
export const PLAIN_PROGRESS_INTERVAL_MS = 1_000;

/** Shutdown withdraws files and leaves the tracker; a tracker that does not answer must not hold
 * Ctrl-C hostage. */
export const SHUTDOWN_GRACE_MS = 3_000;

/** Uploads through `POST /share`: enough files for a folder's worth, each as big as a disk allows
 * in practice; the files are streamed to disk, never held in memory. */
export const UPLOAD_FILES_MAX = 100;
export const UPLOAD_FILE_MAX_BYTES = 64 * 1024 ** 3;

/** Where uploads and REST-triggered downloads go, inside the data dir. */
export const SHARED_DIR_NAME = 'shared';
export const DOWNLOADS_DIR_NAME = 'downloads';
