import { describe, expect, it } from 'vitest';
import { chunkRange, MIN_CHUNK_SIZE_BYTES as MIN_CHUNK } from '../content/chunking';
import { contentIdOf } from '../content/manifest';
import { ShoalError } from '../protocol/errors';
import {
  BLOCK_BYTES,
  BLOCK_HEADER_BYTES,
  decodeHaveBitfield,
  encodeBlockFrame,
  type Manifest,
} from '../protocol/peer-messages';
import type { ChunkStore } from './chunk-store';
import { MemoryChunkStore } from './memory-chunk-store';
import { MemoryNetwork, type LinkConditions } from './memory-transport';
import { RefusedByPeerError } from './outgoing-requests';
import { PeerLink } from './peer-link';
import type { ChunkRepairer, ServeEvent } from './serve-queue';
import { shareFile } from './share-file';
import { memorySource, randomBytes, rejectionOf, sha256Of, waitUntil } from './test-fixtures';
import { SEND_HIGH_WATER_BYTES } from './transfer-policy';

/** Ana asks, Ben holds the files and serves them. */
interface PairOptions {
  conditions?: LinkConditions;
  requestTimeoutMs?: number;
  repairChunk?: ChunkRepairer;
}

function linkedPair(options: PairOptions = {}) {
  const network = new MemoryNetwork({ defaultConditions: options.conditions });
  const [atAna, atBen] = network.createPair('ana', 'ben');
  const benStore = new MemoryChunkStore();
  const served: ServeEvent[] = [];
  const ana = new PeerLink(atAna, { store: new MemoryChunkStore(), requestTimeoutMs: options.requestTimeoutMs });
  const onServe = (event: ServeEvent) => served.push(event);
  const ben = new PeerLink(atBen, { store: benStore, onServe, repairChunk: options.repairChunk });
  return { network, atAna, atBen, ana, ben, benStore, served };
}

/** A file of one big chunk, which a shared file of this size (MIN_CHUNK_SIZE_BYTES chunks) would not have. */
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
    const bytes = randomBytes(2 * MIN_CHUNK + MIN_CHUNK / 2);
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
    const { ana, atAna, atBen, benStore, served } = linkedPair({ conditions: { bytesPerSecond: 16 * 1024 * 1024 } });
    const { contentId } = await storeOneChunkFile(benStore, randomBytes(16 * 1024 * 1024));
    let receivedBytes = 0;
    atAna.onFrame((frame) => {
      if (typeof frame !== 'string') receivedBytes += frame.byteLength;
    });
    const request = ana.requestChunk(contentId, 0, 16 * 1024 * 1024);
    await waitUntil(() => atBen.peakBufferedBytes > 0, 'ben started sending');
    ana.cancel(contentId);
    expect(codeOf(await rejectionOf(request))).toBe('CANCELLED');
    await waitUntil(() => atBen.bufferedAmountBytes() === 0, "ben's send buffer emptied");
    expect(served.some((event) => event.type === 'chunk-served')).toBe(false);
    // What was queued in the send buffer still arrives; nothing after it.
    expect(receivedBytes).toBeLessThan(SEND_HIGH_WATER_BYTES + 2 * 1024 * 1024);
    expect((await ana.requestManifest(contentId)).size).toBe(16 * 1024 * 1024);
  });

  it('reassembles chunks in the buffers it is given, and gives back the buffer of a request that fails', async () => {
    const { ana, atBen, network, benStore } = linkedPair({ conditions: { bytesPerSecond: 4 * 1024 * 1024 } });
    const bytes = randomBytes(4 * 1024 * 1024);
    const { contentId } = await storeOneChunkFile(benStore, bytes);
    const taken: Uint8Array[] = [];
    const given: Uint8Array[] = [];
    const buffers = {
      take: (lengthBytes: number) => {
        const buffer = new Uint8Array(lengthBytes);
        taken.push(buffer);
        return buffer;
      },
      give: (buffer: Uint8Array) => given.push(buffer),
    };
    const chunk = await ana.requestChunk(contentId, 0, bytes.byteLength, buffers);
    expect(chunk).toBe(taken[0]);
    expect(await sha256Of(chunk)).toBe(await sha256Of(bytes));
    expect(given).toHaveLength(0); // whoever got the chunk hands its buffer back

    const failing = ana.requestChunk(contentId, 0, bytes.byteLength, buffers);
    await waitUntil(() => taken.length === 2, 'the second answer started arriving');
    await waitUntil(() => atBen.peakBufferedBytes > 0, 'ben is sending');
    network.killChannelsBetween('ana', 'ben');
    expect(codeOf(await rejectionOf(failing))).toBe('PEER_UNREACHABLE');
    // Identity, not contents: comparing 4 MiB element by element would take the test's whole time.
    expect(given).toHaveLength(1);
    expect(given[0]).toBe(taken[1]);
  });

  it('tells which chunks of a file it holds, and FILE_NOT_FOUND for a file it does not hold', async () => {
    const { ana, benStore } = linkedPair();
    const record = await shareFile(memorySource('partial.bin', randomBytes(MIN_CHUNK * 3)), benStore);
    const partialId = await sha256Of(randomBytes(16));
    await benStore.putFile({ ...record, contentId: partialId });
    for (const index of [0, 2]) {
      await benStore.putChunk(partialId, index, (await benStore.getChunk(record.contentId, index)) ?? new Uint8Array());
    }

    expect(decodeHaveBitfield(await ana.requestHave(record.contentId), 3)).toEqual([0, 1, 2]);
    expect(decodeHaveBitfield(await ana.requestHave(partialId), 3)).toEqual([0, 2]);
    const error = await rejectionOf(ana.requestHave(await sha256Of(randomBytes(16))));
    expect(error).toBeInstanceOf(RefusedByPeerError);
    expect(codeOf(error)).toBe('FILE_NOT_FOUND');
  });

  it('tells a peer that asked about a file of each chunk it stores afterwards, and nobody else of other files', async () => {
    const { ana, ben, benStore } = linkedPair();
    const record = await shareFile(memorySource('growing.bin', randomBytes(1000)), benStore);
    const otherId = await sha256Of(randomBytes(16));
    const heard: [string, number][] = [];
    ana.onHaveChunk((contentId, index) => heard.push([contentId, index]));
    await ana.requestHave(record.contentId);

    ben.announceChunk(otherId, 1); // ana never asked about this file
    ben.announceChunk(record.contentId, 7);
    await waitUntil(() => heard.length > 0, 'ana heard of a chunk');
    await ana.requestManifest(record.contentId); // anything else in flight has arrived by now
    expect(heard).toEqual([[record.contentId, 7]]);
  });

  it('repairs a damaged stored chunk from the original file and serves it', async () => {
    const bytes = randomBytes(5000);
    const repairs: number[] = [];
    const { ana, benStore, served } = linkedPair({
      repairChunk: async (_contentId, index) => {
        repairs.push(index);
        return bytes.slice();
      },
    });
    const record = await shareFile(memorySource('data.bin', bytes), benStore);
    await benStore.putChunk(record.contentId, 0, randomBytes(5000));

    const chunk = await ana.requestChunk(record.contentId, 0, 5000);

    expect(await sha256Of(chunk)).toBe(record.manifest.chunkHashes[0]);
    expect(repairs).toEqual([0]);
    const stored = (await benStore.getChunk(record.contentId, 0)) ?? new Uint8Array();
    expect(await sha256Of(stored)).toBe(record.manifest.chunkHashes[0]);
    expect(served.at(-1)).toMatchObject({ type: 'chunk-served', index: 0 });
  });

  it('refuses with CHUNK_CORRUPT when the repair returns wrong bytes too', async () => {
    const { ana, benStore } = linkedPair({ repairChunk: async () => randomBytes(5000) });
    const record = await shareFile(memorySource('data.bin', randomBytes(5000)), benStore);
    await benStore.putChunk(record.contentId, 0, randomBytes(5000));
    expect(codeOf(await rejectionOf(ana.requestChunk(record.contentId, 0, 5000)))).toBe('CHUNK_CORRUPT');
  });
});
