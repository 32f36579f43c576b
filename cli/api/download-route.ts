/**
 * GET /download?id=... or ?filename=...: streams a file as an attachment. A file this peer does not
 * hold is fetched from the swarm first (the request waits for it). Every chunk is verified against
 * the manifest as it is streamed, so a file changed on disk is cut off rather than sent wrong.
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { chunkCount } from '../../shared/content/chunking';
import { isChunkIntact, type FileRecord } from '../../shared/engine';
import { ShoalError } from '../../shared/protocol/errors';
import { contentIdSchema, fileNameSchema } from '../../shared/protocol/tracker-messages';
import type { FsChunkStore } from '../node/fs-chunk-store';
import type { NodePeer } from '../node/node-peer';
import { apiErrorSchema } from './api-errors';
import type { ApiApp, ApiContext } from './api-context';
import { attachmentDisposition } from './content-disposition';

const downloadQuerySchema = z
  .object({
    id: contentIdSchema.optional().describe('content id of the file'),
    filename: fileNameSchema.optional().describe('exact name of the file'),
  })
  .refine((query) => (query.id === undefined) !== (query.filename === undefined), {
    message: 'Give either id or filename (one of them)',
  });

export function registerDownloadRoute(app: ApiApp, { peer }: ApiContext): void {
  app.get(
    '/download',
    {
      schema: {
        summary: 'Download a file by content id or name',
        description: 'Streams the file as an attachment, fetching it from the peers that hold it first if this peer does not.',
        querystring: downloadQuerySchema,
        produces: ['application/octet-stream', 'application/json'],
        response: {
          200: { description: 'the file', content: { 'application/octet-stream': { schema: z.file() } } },
          400: apiErrorSchema,
          404: apiErrorSchema,
          503: apiErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const contentId = await heldOrFetched(peer, request.query);
      const record = await peer.store.getFile(contentId);
      if (record === undefined) throw new ShoalError('FILE_NOT_FOUND', 'The file is no longer held by this peer', { contentId });
      const chunks = verifiedChunks(peer.store, record);
      // Read the first chunk before answering: a file that changed gets a clean error, not a cut stream.
      const first = await chunks.next();
      return reply
        .header('content-type', record.mimeType)
        .header('content-length', String(record.manifest.size))
        .header('content-disposition', attachmentDisposition(record.name))
        .header('x-content-id', record.contentId)
        // Streams are sent as they are; the 200 schema only documents the body.
        .send(Readable.from(prepend(first, chunks), { objectMode: false }) as never);
    },
  );
}

/** The content id of the requested file once this peer holds it complete. */
async function heldOrFetched(peer: NodePeer, query: { id?: string; filename?: string }): Promise<string> {
  if (query.id !== undefined && peer.store.pathOf(query.id) !== undefined) return query.id;
  if (query.filename !== undefined) {
    const held = (await peer.store.listFiles()).find(
      (record) => record.name === query.filename && peer.store.pathOf(record.contentId) !== undefined,
    );
    if (held !== undefined) return held.contentId;
  }
  const file = await peer.resolve(query.id ?? query.filename ?? '');
  if (peer.store.pathOf(file.contentId) !== undefined) return file.contentId;
  // Answer 503 as soon as no holder can send the file; the download goes on and shows in /transfers.
  await peer.download(file).doneOrStuck();
  return file.contentId;
}

async function* verifiedChunks(store: FsChunkStore, record: FileRecord): AsyncGenerator<Uint8Array> {
  const count = chunkCount(record.manifest.size, record.manifest.chunkSizeBytes);
  for (let index = 0; index < count; index += 1) {
    const bytes = await store.getChunk(record.contentId, index);
    if (bytes === undefined || !(await isChunkIntact(record.manifest, index, bytes))) {
      throw new ShoalError('FILE_NOT_FOUND', `'${record.name}' changed or vanished on disk; it is no longer shared`, {
        contentId: record.contentId,
        fileName: record.name,
      });
    }
    yield bytes;
  }
}

async function* prepend(
  first: IteratorResult<Uint8Array>,
  rest: AsyncGenerator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (first.done === true) return;
  yield first.value;
  yield* rest;
}
