/**
 * The tracker's read-only REST API under /api: health, online peers, and file search, with its
 * OpenAPI document at /api/openapi.json and interactive docs at /api/docs.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { registerApiDocs } from '../shared/fastify/api-docs';
import { errorReplySchema } from '../shared/fastify/error-replies';
import type { ZodFastify } from '../shared/fastify/zod-fastify';
import {
  QUERY_MAX_CHARS,
  SEARCH_MAX_LIMIT,
  fileResultOf,
  fileResultSchema,
  holderSchema,
  peerSummarySchema,
} from '../shared/protocol';
import { clampLimit } from './search';
import type { TrackerStore } from './store/tracker-store';

/** Where the tracker's REST API lives; its docs are under it too. */
export const API_PREFIX = '/api';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

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

export const restFileSchema = fileResultSchema.extend({
  peers: z
    .array(holderSchema)
    .meta({ deprecated: true, description: 'Deprecated: the same as holders, kept for one release; read holders instead' }),
});

export const filesResponseSchema = z.object({
  files: z.array(restFileSchema),
  total: z.number().int().min(0),
});

export interface RestApiOptions {
  store: TrackerStore;
  startedAtMs: number;
}

/** Registers the docs first, so they see every route registered after them (the admin API's too). */
export async function registerRestApi(app: ZodFastify, { store, startedAtMs }: RestApiOptions): Promise<void> {
  await registerApiDocs(app, {
    prefix: API_PREFIX,
    title: 'Shoal tracker API',
    version: packageJson.version,
    description:
      'Read what the tracker knows: its health, the peers online and the files they share. ' +
      'On a network with a key, every call needs it in the X-Shoal-Network-Key header (the docs do not).',
  });

  app.get('/api/health', { schema: { summary: 'Is the tracker up? Peer and file counts', response: { 200: healthResponseSchema } } }, async () => {
    const stats = await store.stats();
    return {
      status: 'ok' as const,
      peers: stats.peers,
      files: stats.files,
      uptimeSeconds: Math.floor((Date.now() - startedAtMs) / 1000),
    };
  });

  app.get('/api/peers', { schema: { summary: 'The peers online', response: { 200: peersResponseSchema } } }, async () => {
    return { peers: await store.listPeers() };
  });

  app.get(
    '/api/files',
    {
      schema: {
        summary: 'Search the files shared on the network',
        description:
          'Files whose names have all the words of q (blank: every file), one entry per content id with the peers holding it. ' +
          '`peers` is a deprecated copy of `holders`, kept for one release.',
        querystring: filesQuerySchema,
        response: { 200: filesResponseSchema, 400: errorReplySchema },
      },
    },
    async (request) => {
      const { q, limit, offset } = request.query;
      const page = await store.search({ query: q, limit: clampLimit(limit), offset });
      return {
        total: page.total,
        files: page.results.map((file) => {
          const result = fileResultOf(file);
          return { ...result, peers: result.holders };
        }),
      };
    },
  );
}
