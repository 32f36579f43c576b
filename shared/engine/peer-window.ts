/**
 * How many chunk requests one peer may have outstanding. The window follows the peer's measured
 * throughput (PEER_WINDOW_TARGET_MS of it), so a fast or distant peer gets enough requests to
 * cover the round trip and a slow one holds few chunks that others could fetch sooner. A timeout
 * halves it. Bounded in bytes and in chunks, and never below PIPELINE_DEPTH_MIN chunks.
 */
import { SpeedMeter } from './speed-meter';
import {
  PEER_SPEED_WINDOW_MS,
  PEER_WINDOW_INITIAL_BYTES,
  PEER_WINDOW_MAX_BYTES,
  PEER_WINDOW_MIN_BYTES,
  PEER_WINDOW_TARGET_MS,
  PIPELINE_DEPTH_MAX,
  PIPELINE_DEPTH_MIN,
} from './transfer-policy';

export class PeerWindow {
  private readonly speed: SpeedMeter;
  private hasMeasured = false;
  /** Halved by a timeout; measurements raise it again. */
  private ceilingBytes = PEER_WINDOW_MAX_BYTES;

  constructor(
    private readonly chunkSizeBytes: number,
    private readonly startedAtMs: number,
  ) {
    this.speed = new SpeedMeter(startedAtMs, PEER_SPEED_WINDOW_MS);
  }

  /** Chunk bytes received from the peer. */
  record(bytes: number, atMs: number): void {
    this.speed.record(bytes, atMs);
    this.hasMeasured = true;
    this.ceilingBytes = Math.min(PEER_WINDOW_MAX_BYTES, this.ceilingBytes * 2);
  }

  /** The peer stopped answering for a while: be more careful with it. */
  shrink(): void {
    this.ceilingBytes = Math.max(PEER_WINDOW_MIN_BYTES, this.ceilingBytes / 2);
  }

  limitBytes(atMs: number): number {
    const bySpeed = (this.speed.bytesPerSecond(atMs) * PEER_WINDOW_TARGET_MS) / 1000;
    // Until a whole speed window has passed the meter under-reads, so do not go below the start.
    const isYoung = !this.hasMeasured || atMs - this.startedAtMs < PEER_SPEED_WINDOW_MS;
    const wanted = isYoung ? Math.max(PEER_WINDOW_INITIAL_BYTES, bySpeed) : bySpeed;
    return Math.min(this.ceilingBytes, Math.max(PEER_WINDOW_MIN_BYTES, wanted));
  }

  /** Chunks the peer may have in flight now. */
  limitChunks(atMs: number): number {
    const chunks = Math.floor(this.limitBytes(atMs) / this.chunkSizeBytes);
    return Math.max(PIPELINE_DEPTH_MIN, Math.min(PIPELINE_DEPTH_MAX, chunks));
  }
}
