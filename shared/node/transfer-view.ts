/** One transfer as a UI row, `shoal get`'s progress or the REST API's `GET /transfers` shows it. */
import type { DownloadSnapshot, DownloadState, FetchingPeer } from '../engine';

export interface TransferView {
  contentId: string;
  name: string;
  mimeType: string;
  /** Bytes: as announced until the verified manifest says. */
  size: number;
  state: DownloadState;
  bytesDone: number;
  speedBytesPerSec: number;
  etaSeconds: number | undefined;
  /** Holders we are fetching from right now. */
  activePeers: number;
  /** Those holders and how each is connected; once completed, the last ones known, so a finished
   * transfer still says how the file came. */
  connections: FetchingPeer[];
  /** Why it failed. */
  error: string | undefined;
  /** While waiting: why no holder can send the file now. */
  waitingReason: string | undefined;
  /** All of it in words for a person: why it failed or waits, holders that could not be reached
   * while others send, peers dropped for corrupt data. */
  note: string | undefined;
  /** Where the finished file is, where the host can say (Node: its path). */
  path: string | undefined;
}

export function transferViewOf(
  file: { contentId: string; name: string; mimeType: string },
  snapshot: DownloadSnapshot,
  lastConnections: FetchingPeer[],
  path: string | undefined,
): TransferView {
  const { progress } = snapshot;
  return {
    contentId: file.contentId,
    name: file.name,
    mimeType: file.mimeType,
    size: progress.totalBytes,
    state: snapshot.state,
    bytesDone: progress.bytesDone,
    speedBytesPerSec: progress.speedBytesPerSec,
    etaSeconds: progress.etaSeconds,
    activePeers: progress.activePeers,
    connections: snapshot.state === 'completed' ? lastConnections : progress.peers,
    error: snapshot.error?.message,
    waitingReason: snapshot.waitingReason?.message,
    note: noteOf(snapshot),
    path,
  };
}

function noteOf(snapshot: DownloadSnapshot): string | undefined {
  const dropped = snapshot.peerFailures
    .filter((failure) => failure.isDropped)
    .map((failure) => `${failure.name} sent corrupt data and was dropped`);
  const reason = snapshot.error?.message ?? snapshot.waitingReason?.message;
  // While others send the file, a holder we cannot reach is still worth a word (the waiting reason
  // already names it when nobody can send).
  const unreachable =
    snapshot.waitingReason === undefined
      ? snapshot.peerFailures.filter((failure) => failure.code === 'PEER_UNREACHABLE').map((failure) => failure.message)
      : [];
  return [reason, ...unreachable, ...dropped].filter((part) => part !== undefined).join(' · ') || undefined;
}
