/**
 * `GET /metrics` for Prometheus. Open when the operator set no admin token; with SHOAL_ADMIN_TOKEN
 * it takes the same `Authorization: Bearer <token>` as the admin API. Outside /api, so the network
 * key and the API's rate limit do not apply; it has its own per-address limit instead, so the
 * admin token cannot be guessed here faster than through the admin API.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireBearerToken } from './bearer-token';
import { REST_RATE_LIMIT } from './config';
import type { TrackerMetrics } from './metrics';
import { rateLimitByAddress } from './rest-rate-limit';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  metrics: TrackerMetrics;
  /** SHOAL_ADMIN_TOKEN; undefined leaves /metrics open. */
  adminToken: string | undefined;
}

export function registerMetricsRoute(app: ZodFastify, { metrics, adminToken }: MetricsRouteOptions): void {
  const admitByAddress = rateLimitByAddress(REST_RATE_LIMIT);
  const requireToken =
    adminToken === undefined
      ? undefined
      : requireBearerToken(adminToken, 'Metrics need the admin token: send "Authorization: Bearer <SHOAL_ADMIN_TOKEN>"');

  async function requireAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    admitByAddress(request.ip);
    await requireToken?.(request, reply);
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
