/**
 * How far one download has got: bytes verified and stored, its speed and time left, and the
 * holders it fetches from. The download feeds it; listeners read its report.
 */
import type { DownloadProgress, DownloadState } from './download-report';
import type { FetchingPeer } from './peer-paths';
import { SpeedMeter } from './speed-meter';

export class DownloadProgressMeter {
  private bytesDone = 0;
  private peers: FetchingPeer[] = [];
  /** Measures from the moment chunks are fetched; undefined before. */
  private speed: SpeedMeter | undefined;

  /** `totalBytes` as announced until the verified manifest says otherwise. */
  constructor(private totalBytes: number) {}

  get hasData(): boolean {
    return this.bytesDone > 0;
  }

  /** The manifest is in: its size is final, and what the store already holds counts as done. */
  settleSize(totalBytes: number, missingBytes: number): void {
    this.totalBytes = totalBytes;
    this.bytesDone = totalBytes - missingBytes;
  }

  startMeasuring(nowMs: number): void {
    this.speed = new SpeedMeter(nowMs);
  }

  chunkStored(bytes: number, nowMs: number): void {
    this.bytesDone += bytes;
    this.speed?.record(bytes, nowMs);
  }

  /** The holders fetched from now (empty once the download has ended). */
  setPeers(peers: FetchingPeer[]): void {
    this.peers = peers;
  }

  report(state: DownloadState, nowMs: number): DownloadProgress {
    const isMoving = state === 'downloading' && this.speed !== undefined;
    const remainingBytes = this.totalBytes - this.bytesDone;
    return {
      bytesDone: this.bytesDone,
      totalBytes: this.totalBytes,
      speedBytesPerSec: isMoving ? (this.speed?.bytesPerSecond(nowMs) ?? 0) : 0,
      etaSeconds: state === 'completed' ? 0 : isMoving ? this.speed?.etaSeconds(remainingBytes, nowMs) : undefined,
      activePeers: this.peers.length,
      peers: this.peers.map((peer) => ({ ...peer, path: peer.path && { ...peer.path } })),
    };
  }
}
