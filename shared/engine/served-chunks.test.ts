import { describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import type { ChunkStore, FileRecord } from './chunk-store';
import { MemoryChunkStore } from './memory-chunk-store';
import { MemoryNetwork } from './memory-transport';
import { PeerLink } from './peer-link';
import { ServedChunks, type ChunkRepairer, type OriginalFiles } from './served-chunks';
import { chunksOf, memoryOriginal, recordingLog, storeFileInChunks } from './serving-fixtures';
import { randomBytes, rejectionOf, sha256Of } from './test-fixtures';

const CHUNK_BYTES = 256 * 1024;
const FILE_BYTES = 4 * CHUNK_BYTES; // 1 MiB, so the counters read as bytes per served MiB

interface SeederOptions {
  store?: ChunkStore;
  originals?: OriginalFiles;
  repairChunk?: ChunkRepairer;
}

/** Ana asks, Ben serves from `store` through one ServedChunks, whose counters the test reads. */
function seederAndLeecher(options: SeederOptions = {}) {
  const [atAna, atBen] = new MemoryNetwork().createPair('ana', 'ben');
  const store = options.store ?? new MemoryChunkStore();
  const log = recordingLog();
  const servedChunks = new ServedChunks(store, { originals: options.originals, repairChunk: options.repairChunk, log });
  const ana = new PeerLink(atAna, { store: new MemoryChunkStore() });
  new PeerLink(atBen, { store, servedChunks });
  return { ana, store, servedChunks, log };
}

/** Every chunk of the file from `ana`, checked against the manifest. */
async function fetchWholeFile(ana: PeerLink, record: FileRecord): Promise<void> {
  const { chunkHashes, chunkSizeBytes, size } = record.manifest;
  for (const [index, hash] of chunkHashes.entries()) {
    const length = Math.min(chunkSizeBytes, size - index * chunkSizeBytes);
    expect(await sha256Of(await ana.requestChunk(record.contentId, index, length))).toBe(hash);
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof ShoalError ? error.code : undefined;
}

/** The ChunkStore interface of a memory store and nothing more: no chunk versions (a store that cannot tell). */
function withoutVersions(store: MemoryChunkStore): ChunkStore {
  return {
    putFile: (record) => store.putFile(record),
    getFile: (contentId) => store.getFile(contentId),
    listFiles: () => store.listFiles(),
    deleteFile: (contentId) => store.deleteFile(contentId),
    putChunk: (contentId, index, bytes) => store.putChunk(contentId, index, bytes),
    getChunk: (contentId, index) => store.getChunk(contentId, index),
    listChunkIndices: (contentId) => store.listChunkIndices(contentId),
  } as ChunkStore; // what the interface requires besides these is not used by serving
}

/** A memory store that counts how often a file's record is read back. */
class CountingStore extends MemoryChunkStore {
  getFileCalls = 0;

  override async getFile(contentId: string): Promise<FileRecord | undefined> {
    this.getFileCalls += 1;
    return super.getFile(contentId);
  }
}

describe('ServedChunks: each served chunk verified, hashed once per version of its copy', () => {
  it('hashes a chunk it serves once while the stored copy is unchanged: 1 MiB hashed for 3 MiB served', async () => {
    const { ana, store, servedChunks } = seederAndLeecher();
    const record = await storeFileInChunks(store, 'song.ogg', randomBytes(FILE_BYTES), CHUNK_BYTES);

    for (let turn = 0; turn < 3; turn += 1) await fetchWholeFile(ana, record);

    expect(servedChunks.counters).toEqual({
      chunksRead: 12,
      hashedBytes: FILE_BYTES,
      storeReadBytes: 3 * FILE_BYTES,
      originalReadBytes: 0,
    });
  });

  it('hashes every served chunk when the store cannot tell its versions (what serving cost before the cache)', async () => {
    const memory = new MemoryChunkStore();
    const { ana, servedChunks } = seederAndLeecher({ store: withoutVersions(memory) });
    const record = await storeFileInChunks(memory, 'song.ogg', randomBytes(FILE_BYTES), CHUNK_BYTES);

    for (let turn = 0; turn < 3; turn += 1) await fetchWholeFile(ana, record);

    expect(servedChunks.counters.hashedBytes).toBe(3 * FILE_BYTES);
  });

  it('never sends a chunk whose stored copy was damaged after it was verified', async () => {
    const { ana, store } = seederAndLeecher();
    const record = await storeFileInChunks(store, 'report.pdf', randomBytes(FILE_BYTES), CHUNK_BYTES);
    await fetchWholeFile(ana, record); // every chunk verified once, and remembered

    // The stored copy of chunk 2 changes underneath serving: the store keeps whatever it is given.
    await store.putChunk(record.contentId, 2, randomBytes(CHUNK_BYTES));

    const refusal = await rejectionOf(ana.requestChunk(record.contentId, 2, CHUNK_BYTES));
    expect(codeOf(refusal)).toBe('CHUNK_CORRUPT');
    // The other chunks are still served from the cache's knowledge, and right.
    expect(await sha256Of(await ana.requestChunk(record.contentId, 1, CHUNK_BYTES))).toBe(record.manifest.chunkHashes[1]);
  });

  it('repairs a chunk damaged after it was verified from the original, and serves the good copy', async () => {
    const bytes = randomBytes(FILE_BYTES);
    const good = chunksOf(bytes, CHUNK_BYTES);
    const { ana, store, servedChunks } = seederAndLeecher({ repairChunk: async (_id, index) => good[index]?.slice() });
    const record = await storeFileInChunks(store, 'report.pdf', bytes, CHUNK_BYTES);
    await fetchWholeFile(ana, record);

    await store.putChunk(record.contentId, 3, randomBytes(CHUNK_BYTES));
    const chunk = await ana.requestChunk(record.contentId, 3, CHUNK_BYTES);

    expect(await sha256Of(chunk)).toBe(record.manifest.chunkHashes[3]);
    expect(await sha256Of((await store.getChunk(record.contentId, 3)) ?? new Uint8Array())).toBe(record.manifest.chunkHashes[3]);
    // Hashed: the four chunks once, the damaged copy, the repaired one; nothing more.
    expect(servedChunks.counters.hashedBytes).toBe(FILE_BYTES + 2 * CHUNK_BYTES);
  });

  it('reads the record of a file it serves from the store once, not for every chunk, and again for a manifest request', async () => {
    const store = new CountingStore();
    const { ana } = seederAndLeecher({ store });
    const record = await storeFileInChunks(store, 'song.ogg', randomBytes(FILE_BYTES), CHUNK_BYTES);

    for (let turn = 0; turn < 3; turn += 1) await fetchWholeFile(ana, record);
    expect(store.getFileCalls).toBe(1);
    expect(await ana.requestManifest(record.contentId)).toEqual(record.manifest);
    expect(store.getFileCalls).toBe(2);
  });

  it('refuses the chunks of a file deleted from the store after it served them', async () => {
    const { ana, store } = seederAndLeecher();
    const record = await storeFileInChunks(store, 'song.ogg', randomBytes(FILE_BYTES), CHUNK_BYTES);
    await fetchWholeFile(ana, record);

    await store.deleteFile(record.contentId);

    for (const index of [0, 1]) expect(codeOf(await rejectionOf(ana.requestChunk(record.contentId, index, CHUNK_BYTES)))).toBe('FILE_NOT_FOUND');
    expect(codeOf(await rejectionOf(ana.requestManifest(record.contentId)))).toBe('FILE_NOT_FOUND');
  });

  it('serves a file from its original without reading the store back, hashing each chunk once', async () => {
    const bytes = randomBytes(FILE_BYTES);
    const store = new MemoryChunkStore();
    const record = await storeFileInChunks(store, 'movie.mkv', bytes, CHUNK_BYTES);
    const original = memoryOriginal(bytes, 'picked 1');
    const { ana, servedChunks } = seederAndLeecher({ store, originals: (id) => (id === record.contentId ? original : undefined) });

    for (let turn = 0; turn < 3; turn += 1) await fetchWholeFile(ana, record);

    expect(servedChunks.counters).toEqual({
      chunksRead: 12,
      hashedBytes: FILE_BYTES,
      storeReadBytes: 0,
      originalReadBytes: 3 * FILE_BYTES,
    });
  });

  it('never serves an original whose bytes differ from the shared ones: the stored copy goes instead', async () => {
    const bytes = randomBytes(FILE_BYTES);
    const store = new MemoryChunkStore();
    const record = await storeFileInChunks(store, 'movie.mkv', bytes, CHUNK_BYTES);
    const changed = bytes.slice();
    changed.set([(changed[CHUNK_BYTES + 5] ?? 0) ^ 0xff], CHUNK_BYTES + 5); // chunk 1 differs on disk now
    const original = memoryOriginal(changed, 'picked 1');
    const { ana, servedChunks, log } = seederAndLeecher({ store, originals: () => original });

    await fetchWholeFile(ana, record);
    await fetchWholeFile(ana, record);

    expect(log.warnings).toEqual([`the original of ${record.contentId} changed since it was shared; serving the stored copy`]);
    // Chunk 0 came from the original; from chunk 1 on, the original is set aside for the store.
    expect(servedChunks.counters.originalReadBytes).toBe(2 * CHUNK_BYTES);
  });

  it('checks an original again when its version changes, and never sends what no longer matches', async () => {
    const bytes = randomBytes(FILE_BYTES);
    const store = new MemoryChunkStore();
    const record = await storeFileInChunks(store, 'movie.mkv', bytes, CHUNK_BYTES);
    let original = memoryOriginal(bytes, 'picked 1');
    const { ana } = seederAndLeecher({ store, originals: () => original });
    await fetchWholeFile(ana, record);

    original = memoryOriginal(randomBytes(FILE_BYTES), 'picked 2'); // the same file picked again, changed since
    await fetchWholeFile(ana, record);
  });

  it('serves the stored copy when the original can no longer be read', async () => {
    const store = new MemoryChunkStore();
    const record = await storeFileInChunks(store, 'movie.mkv', randomBytes(FILE_BYTES), CHUNK_BYTES);
    const unreadable = { version: 'picked 1', readSlice: () => Promise.reject(new DOMException('changed', 'NotReadableError')) };
    const { ana, log } = seederAndLeecher({ store, originals: () => unreadable });

    await fetchWholeFile(ana, record);

    expect(log.warnings).toEqual([`the original of ${record.contentId} can no longer be read; serving the stored copy`]);
  });
});
