/**
 * "Save to folder…": writes a downloaded folder into a directory the person picked (File System
 * Access API) as "<folder name>/<path>", one file after the other, creating its subdirectories.
 * Each file is written chunk by chunk from the stored chunk Blobs, so no file (let alone the
 * folder) is ever held in memory whole. Failures become a FolderWriteError that says what to do.
 */
import type { FileRecord } from '../../shared/engine';
import type { FolderManifest } from '../../shared/protocol/folder-manifest';

/** What writing needs of the store: the records and each chunk as a Blob (IdbChunkStore). */
export interface StoredChunkBlobs {
  getFile(contentId: string): Promise<FileRecord | undefined>;
  getChunkBlob(contentId: string, index: number): Promise<Blob | undefined>;
}

export interface FolderWriteProgress {
  filesWritten: number;
  fileCount: number;
  bytesWritten: number;
  totalBytes: number;
}

/** Why a write failed, for a caller that reacts differently to each (the UI shows the message). */
export type FolderWriteFailure = 'permission' | 'name' | 'space' | 'missing' | 'other';

export class FolderWriteError extends Error {
  constructor(
    message: string,
    readonly failure: FolderWriteFailure,
  ) {
    super(message);
    this.name = 'FolderWriteError';
  }
}

/** A name already taken in the chosen directory gets " (1)", " (2)"…, as the CLI does on disk. */
const FREE_NAME_TRIES = 100;

/** Writes every file of `manifest` under a new directory in `parent`; resolves with that directory's name. */
export async function writeFolderInto(
  store: StoredChunkBlobs,
  manifest: FolderManifest,
  parent: FileSystemDirectoryHandle,
  onProgress?: (progress: FolderWriteProgress) => void,
): Promise<string> {
  const progress: FolderWriteProgress = {
    filesWritten: 0,
    fileCount: manifest.entries.length,
    bytesWritten: 0,
    totalBytes: manifest.entries.reduce((sum, entry) => sum + entry.size, 0),
  };
  const rootName = await freeDirectoryName(parent, manifest.name);
  const root = await step(manifest.name, rootName, () => parent.getDirectoryHandle(rootName, { create: true }));
  onProgress?.({ ...progress });
  // Directories made so far, by their path inside the folder: each is asked for once.
  const directories = new Map<string, FileSystemDirectoryHandle>([['', root]]);
  for (const entry of manifest.entries) {
    const segments = entry.path.split('/');
    const fileName = segments.pop() ?? entry.path;
    let directory = root;
    let directoryPath = '';
    for (const segment of segments) {
      directoryPath = directoryPath === '' ? segment : `${directoryPath}/${segment}`;
      const known = directories.get(directoryPath);
      const parentDirectory = directory;
      directory = known ?? (await step(entry.path, segment, () => parentDirectory.getDirectoryHandle(segment, { create: true })));
      directories.set(directoryPath, directory);
    }
    const target = directory;
    const handle = await step(entry.path, fileName, () => target.getFileHandle(fileName, { create: true }));
    await writeFile(store, entry.contentId, entry.path, handle, (bytes) => {
      progress.bytesWritten += bytes;
      onProgress?.({ ...progress });
    });
    progress.filesWritten += 1;
    onProgress?.({ ...progress });
  }
  return rootName;
}

/** One file, chunk Blob by chunk Blob; an unfinished file is discarded (the browser writes to a
 * swap file and moves it into place only on close). */
async function writeFile(
  store: StoredChunkBlobs,
  contentId: string,
  path: string,
  handle: FileSystemFileHandle,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const record = await store.getFile(contentId);
  if (record === undefined) throw missing(path);
  const writable = await step(path, handle.name, () => handle.createWritable());
  try {
    for (let index = 0; index < record.manifest.chunkHashes.length; index += 1) {
      const chunk = await store.getChunkBlob(contentId, index);
      if (chunk === undefined) throw missing(path);
      await step(path, handle.name, () => writable.write(chunk));
      onBytes(chunk.size);
    }
    await step(path, handle.name, () => writable.close());
  } catch (error) {
    await writable.abort().catch(() => undefined);
    throw error;
  }
}

async function freeDirectoryName(parent: FileSystemDirectoryHandle, name: string): Promise<string> {
  for (let attempt = 0; attempt < FREE_NAME_TRIES; attempt += 1) {
    const candidate = attempt === 0 ? name : `${name} (${attempt})`;
    if (!(await isTaken(parent, candidate))) return candidate;
  }
  throw new FolderWriteError(`The folder you chose already holds '${name}' and ${FREE_NAME_TRIES - 1} numbered copies; choose another folder.`, 'other');
}

async function isTaken(parent: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await parent.getDirectoryHandle(name);
    return true;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return false;
    // A file of that name (TypeMismatchError) takes the name too.
    if (error instanceof DOMException && error.name === 'TypeMismatchError') return true;
    throw failureOf(error, name, name);
  }
}

/** Runs one File System Access call; its failure becomes a FolderWriteError naming the path. */
async function step<T>(path: string, segment: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw failureOf(error, path, segment);
  }
}

function missing(path: string): FolderWriteError {
  return new FolderWriteError(`'${path}' is missing from this browser's storage; download the folder again.`, 'missing');
}

/** What the browser's error means for the person: Chromium throws a TypeError ("Name is not
 * allowed.") for a name it refuses, NotAllowedError/SecurityError when write permission is denied. */
export function failureOf(error: unknown, path: string, segment: string): FolderWriteError {
  if (error instanceof FolderWriteError) return error;
  if (error instanceof TypeError) {
    return new FolderWriteError(
      `This browser does not allow the name '${segment}' on disk, so '${path}' could not be saved. Save the folder as a ZIP (Download) instead.`,
      'name',
    );
  }
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'NoModificationAllowedError') {
    return new FolderWriteError(
      `Shoal may not write into the folder you chose (permission denied at '${path}'). Choose another folder, or allow editing when the browser asks.`,
      'permission',
    );
  }
  if (name === 'QuotaExceededError') return new FolderWriteError(`The disk is full: '${path}' could not be saved.`, 'space');
  const detail = error instanceof Error ? error.message : String(error);
  return new FolderWriteError(`Could not save '${path}': ${detail}`, 'other');
}
