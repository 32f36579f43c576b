/**
 * Per-IP rate limit on the REST API (not the web app's files): one token bucket per client address,
 * checked before anything else looks at the request, answered with 429 RATE_LIMITED. /metrics keeps
 * its own set of buckets of the same kind (metrics-route.ts).
 */
import { ShoalError } from '../shared/protocol';
import { REST_RATE_LIMIT_MAX_ADDRESSES } from './config';
import type { BucketPolicy } from './config';
import { isApiPath } from './static-site';
import { TokenBucket } from './token-bucket';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

/**
 * A token bucket per client address: the returned function takes a token for `address` or throws
 * RATE_LIMITED. Once REST_RATE_LIMIT_MAX_ADDRESSES addresses are known, idle (full) buckets go, so
 * a flood of addresses cannot grow it without bound.
 */
export function rateLimitByAddress(policy: BucketPolicy): (address: string) => void {
  const buckets = new Map<string, TokenBucket>();
  return (address) => {
    let bucket = buckets.get(address);
    if (bucket === undefined) {
      if (buckets.size >= REST_RATE_LIMIT_MAX_ADDRESSES) {
        for (const [known, idle] of buckets) if (idle.isFull()) buckets.delete(known);
      }
      bucket = new TokenBucket(policy);
      buckets.set(address, bucket);
    }
    if (!bucket.tryTake()) throw new ShoalError('RATE_LIMITED', 'Too many requests — wait a moment');
  };
}

export function limitRestRequests(app: ZodFastify, policy: BucketPolicy): void {
  const admitByAddress = rateLimitByAddress(policy);
  app.addHook('onRequest', async (request) => {
    if (isApiPath(request.url.split('?')[0] ?? '')) admitByAddress(request.ip);
  });
}
