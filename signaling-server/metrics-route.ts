/**
 * `GET /metrics` for Prometheus. Open when the operator set no admin token; with SHOAL_ADMIN_TOKEN
 * it takes the same `Authorization: Bearer <token>` as the admin API. Outside /api, so the network
 * key and the API's rate limit do not apply; it has its own per-address limit instead, so the
 * admin token cannot be guessed here faster than through the admin API.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ShoalError } from '../shared/protocol';
import { REST_RATE_LIMIT, REST_RATE_LIMIT_MAX_ADDRESSES } from './config';
import type { TrackerMetrics } from './metrics';
import { secretsMatch } from './secret-compare';
import { TokenBucket } from './token-bucket';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  metrics: TrackerMetrics;
  /** SHOAL_ADMIN_TOKEN; undefined leaves /metrics open. */
  adminToken: string | undefined;
}

export function registerMetricsRoute(app: ZodFastify, { metrics, adminToken }: MetricsRouteOptions): void {
  const buckets = new Map<string, TokenBucket>();

  function admitByAddress(address: string): void {
    let bucket = buckets.get(address);
    if (bucket === undefined) {
      if (buckets.size >= REST_RATE_LIMIT_MAX_ADDRESSES) {
        for (const [known, idle] of buckets) if (idle.isFull()) buckets.delete(known);
      }
      bucket = new TokenBucket(REST_RATE_LIMIT);
      buckets.set(address, bucket);
    }
    if (!bucket.tryTake()) throw new ShoalError('RATE_LIMITED', 'Too many requests — wait a moment');
  }

  async function requireAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    admitByAddress(request.ip);
    if (adminToken === undefined) return;
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (match?.[1] !== undefined && secretsMatch(adminToken, match[1])) return;
    reply.header('www-authenticate', 'Bearer realm="shoal-admin"');
    throw new ShoalError(
      'UNAUTHORIZED',
      match?.[1] === undefined ? 'Metrics need the admin token: send "Authorization: Bearer <SHOAL_ADMIN_TOKEN>"' : 'The admin token is wrong',
    );
  }

  app.get(METRICS_PATH, { onRequest: requireAccess }, async (_request, reply) => {
    const text = await metrics.scrape();
    return reply.type(metrics.contentType).send(text);
  });

  // REST calls refused by the API's own per-address limit (rest-rate-limit.ts) count here too.
  app.addHook('onResponse', async (_request, reply) => {
    if (reply.statusCode === 429) metrics.rateLimited('rest');
  });
}
