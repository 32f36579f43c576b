/** The tracker's read-only REST API under /api: health, online peers, and file search. */
import { z } from 'zod';
import {
  QUERY_MAX_CHARS,
  SEARCH_MAX_LIMIT,
  contentIdSchema,
  holderSchema,
  peerSummarySchema,
} from '../shared/protocol';
import { restErrorSchema } from './rest-errors';
import { clampLimit } from './search';
import type { TrackerStore } from './store/tracker-store';
import type { ZodFastify } from './zod-fastify';

function wholeNumberParam(name: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));
}

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  peers: z.number().int().min(0),
  files: z.number().int().min(0),
  uptimeSeconds: z.number().int().min(0),
});

export const peersResponseSchema = z.object({ peers: z.array(peerSummarySchema) });

export const filesQuerySchema = z.object({
  q: z.string().max(QUERY_MAX_CHARS, `q has at most ${QUERY_MAX_CHARS} characters`).default(''),
  limit: wholeNumberParam('limit', 1, SEARCH_MAX_LIMIT).optional(),
  offset: wholeNumberParam('offset', 0, Number.MAX_SAFE_INTEGER).default(0),
});

export const restFileSchema = z.object({
  id: contentIdSchema,
  name: z.string(),
  size: z.number().int().min(0),
  mimeType: z.string(),
  peers: z.array(holderSchema),
});

export const filesResponseSchema = z.object({
  files: z.array(restFileSchema),
  total: z.number().int().min(0),
});

export interface RestApiOptions {
  store: TrackerStore;
  startedAtMs: number;
}

export function registerRestApi(app: ZodFastify, { store, startedAtMs }: RestApiOptions): void {
  app.get('/api/health', { schema: { response: { 200: healthResponseSchema } } }, async () => {
    const stats = await store.stats();
    return {
      status: 'ok' as const,
      peers: stats.peers,
      files: stats.files,
      uptimeSeconds: Math.floor((Date.now() - startedAtMs) / 1000),
    };
  });

  app.get('/api/peers', { schema: { response: { 200: peersResponseSchema } } }, async () => {
    return { peers: await store.listPeers() };
  });

  app.get(
    '/api/files',
    { schema: { querystring: filesQuerySchema, response: { 200: filesResponseSchema, 400: restErrorSchema } } },
    async (request) => {
      const { q, limit, offset } = request.query;
      const page = await store.search({ query: q, limit: clampLimit(limit), offset });
      return {
        total: page.total,
        files: page.results.map((file) => ({
          id: file.contentId,
          name: file.name,
          size: file.size,
          mimeType: file.mimeType,
          peers: file.holders,
        })),
      };
    },
  );
}
