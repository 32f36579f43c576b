/**
 * Per-IP rate limit on the REST API (not the web app's files): one token bucket per client address,
 * checked before anything else looks at the request, answered with 429 RATE_LIMITED.
 */
import { ShoalError } from '../shared/protocol';
import { REST_RATE_LIMIT_MAX_ADDRESSES } from './config';
import type { BucketPolicy } from './config';
import { isApiPath } from './static-site';
import { TokenBucket } from './token-bucket';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

export function limitRestRequests(app: ZodFastify, policy: BucketPolicy): void {
  const buckets = new Map<string, TokenBucket>();

  function bucketOf(address: string): TokenBucket {
    let bucket = buckets.get(address);
    if (bucket === undefined) {
      if (buckets.size >= REST_RATE_LIMIT_MAX_ADDRESSES) {
        for (const [known, idle] of buckets) if (idle.isFull()) buckets.delete(known);
      }
      bucket = new TokenBucket(policy);
      buckets.set(address, bucket);
    }
    return bucket;
  }

  app.addHook('onRequest', async (request) => {
    if (!isApiPath(request.url.split('?')[0] ?? '')) return;
    if (!bucketOf(request.ip).tryTake()) throw new ShoalError('RATE_LIMITED', 'Too many requests — wait a moment');
  });
}
