/**
 * Per-connection request budgets: each request event draws from its category's token bucket, and
 * one over budget is refused with RATE_LIMITED before it is even parsed, so it changes nothing.
 */
import { ShoalError } from '../shared/protocol';
import type { RateLimitPolicy } from './config';
import type { RequestEvent } from './socket-requests';
import { TokenBucket } from './token-bucket';

type Category = keyof RateLimitPolicy;

const categoryOf: Record<RequestEvent, Category> = {
  challenge: 'join',
  join: 'join',
  search: 'search',
  announce: 'share',
  withdraw: 'share',
  holders: 'holders',
  signal: 'signal',
  'ice-servers': 'iceServers',
};

const refusalOf: Record<Category, string> = {
  join: 'Too many join attempts — wait a moment',
  search: 'Too many searches — wait a moment',
  share: 'Too many share changes — wait a moment',
  holders: 'Too many holder lookups — wait a moment',
  signal: 'Too many signals — wait a moment',
  iceServers: 'Too many ICE server renewals — wait a moment',
};

export class RequestLimits {
  private readonly buckets = new Map<Category, TokenBucket>();

  constructor(
    private readonly policy: RateLimitPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws RATE_LIMITED when this connection has used up its budget for the event's category. */
  admit(event: RequestEvent): void {
    const category = categoryOf[event];
    let bucket = this.buckets.get(category);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.policy[category], this.now);
      this.buckets.set(category, bucket);
    }
    if (!bucket.tryTake()) throw new ShoalError('RATE_LIMITED', refusalOf[category]);
  }
}
