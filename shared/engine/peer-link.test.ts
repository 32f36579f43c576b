import { describe, expect, it } from 'vitest';
import { chunkRange } from '../content/chunking';
import { contentIdOf } from '../content/manifest';
import { ShoalError } from '../protocol/errors';
import { BLOCK_BYTES, BLOCK_HEADER_BYTES, encodeBlockFrame, type Manifest } from '../protocol/peer-messages';
import type { ChunkStore } from './chunk-store';
import { MemoryChunkStore } from './memory-chunk-store';
import { MemoryNetwork, type LinkConditions } from './memory-transport';
import { PeerLink } from './peer-link';
import type { ServeEvent } from './serve-queue';
import { shareFile } from './share-file';
import { memorySource, randomBytes, rejectionOf, sha256Of, waitUntil } from './test-fixtures';
import { SEND_HIGH_WATER_BYTES } from './transfer-policy';

/** Ana asks, Ben holds the files and serves them. */
function linkedPair(options: { conditions?: LinkConditions; requestTimeoutMs?: number } = {}) {
  const network = new MemoryNetwork({ defaultConditions: options.conditions });
  const [atAna, atBen] = network.createPair('ana', 'ben');
  const benStore = new MemoryChunkStore();
  const served: ServeEvent[] = [];
  const ana = new PeerLink(atAna, { store: new MemoryChunkStore(), requestTimeoutMs: options.requestTimeoutMs });
  const ben = new PeerLink(atBen, { store: benStore, onServe: (event) => served.push(event) });
  return { network, atAna, atBen, ana, ben, benStore, served };
}

/** A file of one big chunk, which a shared file (256 KiB chunks) would not have. */
async function storeOneChunkFile(store: ChunkStore, bytes: Uint8Array): Promise<{ contentId: string; manifest: Manifest }> {
  const manifest: Manifest = { size: bytes.byteLength, chunkSizeBytes: bytes.byteLength, chunkHashes: [await sha256Of(bytes)] };
  const contentId = await contentIdOf(manifest);
  await store.putFile({ contentId, name: 'big.bin', mimeType: 'application/octet-stream', manifest, addedAtMs: 0 });
  await store.putChunk(contentId, 0, bytes);
  return { contentId, manifest };
}

function codeOf(error: unknown): string | undefined {
  return error instanceof ShoalError ? error.code : undefined;
}

describe('PeerLink', () => {
  it('fetches a manifest and every chunk, several in flight, byte for byte', async () => {
    const { ana, benStore, served } = linkedPair();
    const bytes = randomBytes(700 * 1024);
    const record = await shareFile(memorySource('photo.jpg', bytes), benStore);

    expect(await ana.requestManifest(record.contentId)).toEqual(record.manifest);
    const { size, chunkSizeBytes, chunkHashes } = record.manifest;
    const chunks = await Promise.all(
      chunkHashes.map((_, index) => {
        const { start, end } = chunkRange(size, chunkSizeBytes, index);
        return ana.requestChunk(record.contentId, index, end - start);
      }),
    );
    expect(await Promise.all(chunks.map(sha256Of))).toEqual(chunkHashes);
    const servedIndices = served.flatMap((event) => (event.type === 'chunk-served' ? [event.index] : []));
    expect(servedIndices).toEqual([0, 1, 2]);
    expect(served[0]).toMatchObject({ type: 'manifest-served', peerId: 'ana', fileName: 'photo.jpg' });
  });

  it('answers FILE_NOT_FOUND for a file it does not hold', async () => {
    const { ana, served } = linkedPair();
    const unknownId = await sha256Of(randomBytes(16));
    expect(codeOf(await rejectionOf(ana.requestManifest(unknownId)))).toBe('FILE_NOT_FOUND');
    expect(codeOf(await rejectionOf(ana.requestChunk(unknownId, 0, 10)))).toBe('FILE_NOT_FOUND');
    expect(served.map((event) => event.type)).toEqual(['request-refused', 'request-refused']);
  });

  it('ignores malformed frames in both directions and keeps working', async () => {
    const { atAna, atBen, ana, benStore } = linkedPair();
    const record = await shareFile(memorySource('notes.txt', randomBytes(1000)), benStore);
    for (const garbage of [
      'not json',
      '{"t":"manifest","requestId":-1}',
      '{"t":"chunk-request","requestId":1,"contentId":"nope","index":0}',
      JSON.stringify({ t: 'error', requestId: 1, code: 'NOT_A_CODE', message: 'x' }),
      'x'.repeat(200 * 1024),
    ]) {
      atAna.send(garbage);
      atBen.send(garbage);
    }
    atBen.send(new Uint8Array([1, 2, 3]));
    atBen.send(new Uint8Array(BLOCK_HEADER_BYTES + BLOCK_BYTES + 1));
    atBen.send(encodeBlockFrame(424242, 0, randomBytes(100)));
    const chunk = await ana.requestChunk(record.contentId, 0, 1000);
    expect(await sha256Of(chunk)).toBe(record.manifest.chunkHashes[0]);
  });

  it('refuses to send a stored chunk that does not match the manifest (CHUNK_CORRUPT)', async () => {
    const { ana, benStore } = linkedPair();
    const record = await shareFile(memorySource('data.bin', randomBytes(5000)), benStore);
    await benStore.putChunk(record.contentId, 0, randomBytes(5000));
    const error = await rejectionOf(ana.requestChunk(record.contentId, 0, 5000));
    expect(codeOf(error)).toBe('CHUNK_CORRUPT');
  });

  it('rejects a chunk that overflows the expected length', async () => {
    const { ana, benStore } = linkedPair();
    const record = await shareFile(memorySource('data.bin', randomBytes(5000)), benStore);
    const error = await rejectionOf(ana.requestChunk(record.contentId, 0, 4000));
    expect(codeOf(error)).toBe('CHUNK_CORRUPT');
    expect((error as Error).message).toContain('more bytes than the chunk holds');
  });

  it('never lets the send buffer grow past the high-water mark plus one block', async () => {
    const { ana, atBen, benStore } = linkedPair({ conditions: { bytesPerSecond: 40 * 1024 * 1024 } });
    const bytes = randomBytes(4 * 1024 * 1024);
    const { contentId } = await storeOneChunkFile(benStore, bytes);
    const chunk = await ana.requestChunk(contentId, 0, bytes.byteLength);
    expect(await sha256Of(chunk)).toBe(await sha256Of(bytes));
    expect(atBen.peakBufferedBytes).toBeGreaterThanOrEqual(SEND_HIGH_WATER_BYTES);
    expect(atBen.peakBufferedBytes).toBeLessThanOrEqual(SEND_HIGH_WATER_BYTES + BLOCK_HEADER_BYTES + BLOCK_BYTES);
  });

  it('fails with TIMEOUT when the peer stops answering', async () => {
    const { ana, network, benStore } = linkedPair({ requestTimeoutMs: 100 });
    const record = await shareFile(memorySource('data.bin', randomBytes(5000)), benStore);
    network.stall('ben');
    const startedMs = Date.now();
    const error = await rejectionOf(ana.requestChunk(record.contentId, 0, 5000));
    expect(codeOf(error)).toBe('TIMEOUT');
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(95);
    network.stall('ben', false);
    expect((await ana.requestChunk(record.contentId, 0, 5000)).byteLength).toBe(5000);
  });

  it('fails with PEER_UNREACHABLE when the channel closes mid-request', async () => {
    const { ana, atBen, network, benStore } = linkedPair({ conditions: { bytesPerSecond: 4 * 1024 * 1024 } });
    const { contentId } = await storeOneChunkFile(benStore, randomBytes(4 * 1024 * 1024));
    const request = ana.requestChunk(contentId, 0, 4 * 1024 * 1024);
    await waitUntil(() => atBen.peakBufferedBytes > 0, 'ben started sending');
    network.killChannelsBetween('ana', 'ben');
    expect(codeOf(await rejectionOf(request))).toBe('PEER_UNREACHABLE');
    expect(ana.isOpen).toBe(false);
    expect(codeOf(await rejectionOf(ana.requestManifest(contentId)))).toBe('PEER_UNREACHABLE');
  });

  it('cancels a request: it rejects with CANCELLED and the peer stops sending it', async () => {
    const { ana, atAna, atBen, benStore, served } = linkedPair({ conditions: { bytesPerSecond: 8 * 1024 * 1024 } });
    const { contentId } = await storeOneChunkFile(benStore, randomBytes(8 * 1024 * 1024));
    let receivedBytes = 0;
    atAna.onFrame((frame) => {
      if (typeof frame !== 'string') receivedBytes += frame.byteLength;
    });
    const request = ana.requestChunk(contentId, 0, 8 * 1024 * 1024);
    await waitUntil(() => atBen.peakBufferedBytes > 0, 'ben started sending');
    ana.cancel(contentId);
    expect(codeOf(await rejectionOf(request))).toBe('CANCELLED');
    await waitUntil(() => atBen.bufferedAmountBytes() === 0, "ben's send buffer emptied");
    expect(served.some((event) => event.type === 'chunk-served')).toBe(false);
    expect(receivedBytes).toBeLessThan(4 * 1024 * 1024);
    expect((await ana.requestManifest(contentId)).size).toBe(8 * 1024 * 1024);
  });
});
