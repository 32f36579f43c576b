/** POST /search (the network's files), GET /peers, GET /transfers, GET /health. */
import { z } from 'zod';
import { fileResultOf, fileResultSchema } from '../../shared/protocol/file-result';
import { QUERY_MAX_CHARS } from '../../shared/protocol/limits';
import { peerViewSchema, peerView } from '../output/views';
import { apiErrorSchema } from './api-errors';
import type { ApiApp, ApiContext } from './api-context';

const connectionViewSchema = z.object({
  peerId: z.string(),
  name: z.string(),
  path: z.enum(['direct', 'relayed']).nullable().describe('direct, or through a TURN relay; null until known'),
  rttMs: z.number().nullable().describe('round-trip time of the connection; null until measured'),
});

const transferViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().min(0),
  state: z.string().describe('connecting, downloading, paused, waiting (for a holder), completed, failed or cancelled'),
  bytesDone: z.number().int().min(0),
  speedBytesPerSec: z.number().min(0),
  etaSeconds: z.number().nullable().describe('null while unknown'),
  peers: z.number().int().min(0).describe('holders being fetched from right now'),
  connections: z.array(connectionViewSchema).describe('those holders (the last ones, once it ended) and how each is connected'),
  error: z.string().nullable().describe('why it failed'),
  waitingReason: z.string().nullable().describe('while waiting: why no holder can send it now'),
  path: z.string().nullable().describe('where the file was saved, once completed'),
});

export function registerSearchRoutes(app: ApiApp, { peer }: ApiContext): void {
  app.post(
    '/search',
    {
      schema: {
        summary: 'Search the files shared on the network',
        body: z
          .object({
            keyword: z.string().max(QUERY_MAX_CHARS).default('').describe('words that must all appear in the name; blank lists every file'),
          })
          .default({ keyword: '' }),
        response: { 200: z.object({ total: z.number().int().min(0), files: z.array(fileResultSchema) }), 400: apiErrorSchema },
      },
    },
    async (request) => {
      const results = await peer.search(request.body.keyword);
      return { total: results.length, files: results.map(fileResultOf) };
    },
  );

  app.get(
    '/peers',
    { schema: { summary: 'The other peers online', response: { 200: z.object({ peers: z.array(peerViewSchema) }) } } },
    async () => ({ peers: (await peer.peers()).map(peerView) }),
  );

  app.get(
    '/transfers',
    { schema: { summary: 'Downloads: progress, speed and peers of each', response: { 200: z.object({ transfers: z.array(transferViewSchema) }) } } },
    async () => ({
      transfers: peer.transfers.list().map((transfer) => ({
        id: transfer.contentId,
        name: transfer.name,
        size: transfer.sizeBytes,
        state: transfer.state,
        bytesDone: transfer.bytesDone,
        speedBytesPerSec: transfer.speedBytesPerSec,
        etaSeconds: transfer.etaSeconds ?? null,
        peers: transfer.peers,
        connections: transfer.connections.map(({ peerId, name, path }) => ({
          peerId,
          name,
          path: path?.kind ?? null,
          rttMs: path?.rttMs === undefined ? null : Math.round(path.rttMs),
        })),
        error: transfer.error ?? null,
        waitingReason: transfer.waitingReason ?? null,
        path: transfer.path ?? null,
      })),
    }),
  );

  app.get(
    '/health',
    {
      schema: {
        summary: 'Is this peer up and online?',
        response: {
          200: z.object({
            status: z.literal('ok'),
            online: z.boolean().describe('joined to the tracker right now'),
            peer: z.object({ id: z.string(), name: z.string(), fingerprint: z.string() }).nullable(),
            tracker: z.string(),
            shares: z.number().int().min(0),
            activeTransfers: z.number().int().min(0),
          }),
        },
      },
    },
    async () => {
      const me = peer.me;
      return {
        status: 'ok' as const,
        online: peer.session.isOnline,
        peer: me === undefined ? null : { id: me.id, name: me.name, fingerprint: me.fingerprint },
        tracker: peer.trackerUrl,
        shares: (await peer.library.list()).length,
        activeTransfers: peer.transfers.list().filter((transfer) => !['completed', 'failed', 'cancelled'].includes(transfer.state)).length,
      };
    },
  );
}
