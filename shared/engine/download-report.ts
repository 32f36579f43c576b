/** What a download tells its listeners: its state, its progress, and why it waits or failed. */
import { ShoalError } from '../protocol/errors';
import type { HolderFailure } from './holder-failures';
import type { FetchingPeer } from './peer-paths';

export type { FetchingPeer } from './peer-paths';

/**
 * connecting: getting the manifest; downloading: fetching chunks; paused: by the user;
 * waiting: no holder can send what is missing now (see `waitingReason`), it goes on by itself;
 * completed, failed, cancelled: final.
 */
export type DownloadState = 'connecting' | 'downloading' | 'paused' | 'waiting' | 'completed' | 'failed' | 'cancelled';

export interface DownloadProgress {
  /** Bytes of verified, stored chunks: never goes back. */
  bytesDone: number;
  totalBytes: number;
  /** Averaged over the last few seconds. */
  speedBytesPerSec: number;
  /** Undefined while nothing is arriving. */
  etaSeconds: number | undefined;
  /** Holders we are connected to and fetching from. */
  activePeers: number;
  /** Those holders (as many as `activePeers`), in the order their links opened, each with how it is
   * connected: direct or relayed and the round trip, read when the link opens and every few seconds
   * (PATH_REFRESH_INTERVAL_MS); `path` is undefined until known or where the transport cannot tell. */
  peers: FetchingPeer[];
}

export interface DownloadSnapshot {
  state: DownloadState;
  progress: DownloadProgress;
  error: ShoalError | undefined;
  /** While 'waiting': why, in words a person can act on (code NO_HOLDER, or the tracker's error). */
  waitingReason: ShoalError | undefined;
  /** Holders that failed, and why; `isDropped` marks those dropped for bad data ("ben sent corrupt data"). */
  peerFailures: HolderFailure[];
}

/** The error a cancelled download ends with, wherever the cancel caught it. */
export function cancelledError(fileName: string): ShoalError {
  return new ShoalError('CANCELLED', `The download of '${fileName}' was cancelled`);
}
