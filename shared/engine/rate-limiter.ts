/**
 * A token bucket that bounds bytes per second, for upload and download limits. 0 means unlimited;
 * the rate can change at any time and waiting callers follow at once. A take may overdraw the
 * bucket (a whole chunk request at once) and the next caller waits until the debt is repaid, so over
 * any interval of T seconds at most rate × T + one burst + one take pass. The burst (what a quiet
 * spell saves up) is RATE_LIMIT_BURST_MS of the rate but never more than a chunk, so however high
 * the limit, a transfer starting after a pause runs at most a chunk ahead of it.
 */
import { MIN_CHUNK_SIZE_BYTES } from '../content/chunking';
import { ShoalError } from '../protocol/errors';
import { realClock, type Clock } from './clock';
import { RATE_LIMIT_BURST_MS } from './transfer-policy';

/** A limited bucket holds at least this much, so a very low limit still lets a small frame through. */
const BURST_MIN_BYTES = 1024;

/** And at most one chunk: the burst is there to absorb late timer wake-ups while bytes flow, and
 * RATE_LIMIT_BURST_MS of a very high limit would let several chunks through at once. */
const BURST_MAX_BYTES = MIN_CHUNK_SIZE_BYTES;

interface Waiter {
  bytes: number;
  resolve: () => void;
}

export class RateLimiter {
  private rate: number;
  private tokens: number;
  private refilledAtMs: number;
  private readonly waiters: Waiter[] = [];
  private cancelTimer: (() => void) | undefined;

  constructor(
    bytesPerSecond = 0,
    private readonly clock: Clock = realClock,
  ) {
    this.rate = checkedRate(bytesPerSecond);
    this.refilledAtMs = clock.now();
    this.tokens = this.burstBytes();
  }

  /** The limit in bytes per second; 0 when unlimited. */
  get bytesPerSecond(): number {
    return this.rate;
  }

  get isLimited(): boolean {
    return this.rate > 0;
  }

  /** Changes the limit (0 = unlimited); throws BAD_REQUEST for a negative or non-finite number. */
  setBytesPerSecond(bytesPerSecond: number): void {
    const rate = checkedRate(bytesPerSecond);
    this.refill();
    this.rate = rate;
    this.tokens = Math.min(this.tokens, this.burstBytes());
    this.pump();
  }

  /** Takes `bytes` now if the bucket is not in debt and nobody is waiting; false otherwise. */
  tryTake(bytes: number): boolean {
    if (this.rate === 0) return true;
    if (this.waiters.length > 0) return false;
    this.refill();
    if (this.tokens <= 0) return false;
    this.tokens -= bytes;
    return true;
  }

  /** Resolves once `bytes` may pass; callers are served in order. */
  take(bytes: number): Promise<void> {
    if (this.tryTake(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ bytes, resolve });
      this.pump();
    });
  }

  /** Resolves when a `tryTake` would succeed (as far as this limiter knows), taking nothing. */
  whenAvailable(): Promise<void> {
    return this.take(0);
  }

  private pump(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.refill();
    while (this.waiters.length > 0 && (this.rate === 0 || this.tokens > 0)) {
      const waiter = this.waiters.shift();
      if (this.rate > 0) this.tokens -= waiter?.bytes ?? 0;
      waiter?.resolve();
    }
    if (this.waiters.length === 0 || this.rate === 0) return;
    // Wake when the bucket holds at least one byte again.
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.pump();
    }, waitMs);
  }

  private refill(): void {
    const nowMs = this.clock.now();
    if (this.rate > 0) {
      const earned = ((nowMs - this.refilledAtMs) * this.rate) / 1000;
      this.tokens = Math.min(this.burstBytes(), this.tokens + earned);
    }
    this.refilledAtMs = nowMs;
  }

  /** The most a quiet spell saves up at the current rate. */
  burstBytes(): number {
    return Math.max(BURST_MIN_BYTES, Math.min(BURST_MAX_BYTES, (this.rate * RATE_LIMIT_BURST_MS) / 1000));
  }
}

function checkedRate(bytesPerSecond: number): number {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) {
    throw new ShoalError('BAD_REQUEST', `A rate limit is a number of bytes per second, 0 or more (got ${bytesPerSecond})`);
  }
  return bytesPerSecond;
}
