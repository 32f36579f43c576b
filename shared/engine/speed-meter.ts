/** Throughput over a sliding time window, and the time left at that pace. Pure: callers pass the clock. */
import { SPEED_WINDOW_MS } from './transfer-policy';

/** Below this much elapsed time a rate is mostly noise (one chunk landing in 2 ms reads as GB/s). */
const MIN_ELAPSED_MS = 250;

interface Sample {
  atMs: number;
  bytes: number;
}

export class SpeedMeter {
  private readonly samples: Sample[] = [];
  private head = 0;
  private bytesInWindow = 0;

  /** `startedAtMs`: when measuring began, so the first seconds are not averaged over a full window. */
  constructor(
    private readonly startedAtMs: number,
    private readonly windowMs: number = SPEED_WINDOW_MS,
  ) {}

  record(bytes: number, atMs: number): void {
    this.samples.push({ atMs, bytes });
    this.bytesInWindow += bytes;
    this.prune(atMs);
  }

  bytesPerSecond(atMs: number): number {
    this.prune(atMs);
    const elapsedMs = Math.max(MIN_ELAPSED_MS, Math.min(this.windowMs, atMs - this.startedAtMs));
    return (this.bytesInWindow * 1000) / elapsedMs;
  }

  /** Whole seconds until `remainingBytes` arrive at the current pace; undefined while nothing moves. */
  etaSeconds(remainingBytes: number, atMs: number): number | undefined {
    if (remainingBytes <= 0) return 0;
    const speed = this.bytesPerSecond(atMs);
    return speed > 0 ? Math.ceil(remainingBytes / speed) : undefined;
  }

  private prune(atMs: number): void {
    const oldestKeptMs = atMs - this.windowMs;
    while (this.head < this.samples.length) {
      const sample = this.samples[this.head];
      if (sample === undefined || sample.atMs > oldestKeptMs) break;
      this.bytesInWindow -= sample.bytes;
      this.head += 1;
    }
    // Compact now and then instead of shifting on every sample.
    if (this.head > 64 && this.head * 2 > this.samples.length) {
      this.samples.splice(0, this.head);
      this.head = 0;
    }
  }
}
