/** A token bucket: a burst of `capacity` requests, then `refillPerSecond` on average. */
import type { BucketPolicy } from './config';

export class TokenBucket {
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    private readonly policy: BucketPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = policy.capacity;
    this.refilledAtMs = now();
  }

  /** Takes one token if there is one; false means "over budget", and nothing is taken. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely: forgetting it would change nothing. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.policy.capacity;
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsedSeconds = Math.max(0, nowMs - this.refilledAtMs) / 1000;
    this.tokens = Math.min(this.policy.capacity, this.tokens + elapsedSeconds * this.policy.refillPerSecond);
    this.refilledAtMs = nowMs;
  }
}
