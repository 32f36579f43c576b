import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/content/sha256';
import type { FileRecord } from '../../shared/engine';
import { ServedChunks, type OriginalFiles } from '../../shared/engine/served-chunks';
import { recordingLog, storeFileInChunks } from '../../shared/engine/serving-fixtures';
import { randomBytes } from '../../shared/engine/test-fixtures';
import { originalFileOf } from './browser-file-source';
import { IdbChunkStore } from './idb-chunk-store';

const CHUNK_BYTES = 256 * 1024;
const FILE_BYTES = 4 * CHUNK_BYTES;

let storeCount = 0;

/** A file stored in this page's IndexedDB (databases of its own), served by a ServedChunks. */
async function storedAndServed(bytes: Uint8Array, originals?: (record: FileRecord) => OriginalFiles) {
  const store = new IdbChunkStore(`served-${Date.now()}-${storeCount++}`);
  const record = await storeFileInChunks(store, 'song.ogg', bytes, CHUNK_BYTES);
  const log = recordingLog();
  const served = new ServedChunks(store, { originals: originals?.(record), log });
  return { store, record, served, log };
}

/** What serving would send for each chunk: the hash of its bytes, or why nothing goes. */
async function servedHashes(served: ServedChunks, record: FileRecord): Promise<string[]> {
  const hashes: string[] = [];
  for (let index = 0; index < record.manifest.chunkHashes.length; index += 1) {
    const answer = await served.read(record.contentId, record.manifest, index);
    hashes.push(answer.kind === 'chunk' ? await sha256Hex(answer.bytes) : answer.kind);
  }
  return hashes;
}

describe('serving in the browser: from the picked File, else IndexedDB, always verified', () => {
  it('serves a picked File from the File itself, hashing each chunk once and reading nothing back from IndexedDB', async () => {
    const bytes = randomBytes(FILE_BYTES);
    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'song.ogg');
    const { record, served } = await storedAndServed(bytes, ({ contentId }) => (id) => (id === contentId ? originalFileOf(file) : undefined));

    expect(await servedHashes(served, record)).toEqual(record.manifest.chunkHashes);
    expect(await servedHashes(served, record)).toEqual(record.manifest.chunkHashes);

    expect(served.counters).toEqual({ chunksRead: 8, hashedBytes: FILE_BYTES, storeReadBytes: 0, originalReadBytes: 2 * FILE_BYTES });
  });

  it('never serves a File whose bytes differ from the shared ones: the stored copy goes instead', async () => {
    const bytes = randomBytes(FILE_BYTES);
    const changed = bytes.slice();
    changed.set(randomBytes(100), 2 * CHUNK_BYTES + 7); // chunk 2 is not what was shared
    const file = new File([changed as Uint8Array<ArrayBuffer>], 'song.ogg');
    const { record, served, log } = await storedAndServed(bytes, () => () => originalFileOf(file));

    expect(await servedHashes(served, record)).toEqual(record.manifest.chunkHashes);
    expect(await servedHashes(served, record)).toEqual(record.manifest.chunkHashes);

    expect(log.warnings).toHaveLength(1);
    expect(served.counters.storeReadBytes).toBeGreaterThan(0);
  });

  it('hashes a chunk served from IndexedDB once, and never sends it after its stored copy is damaged', async () => {
    const { store, record, served } = await storedAndServed(randomBytes(FILE_BYTES));
    expect(await servedHashes(served, record)).toEqual(record.manifest.chunkHashes);
    expect(await servedHashes(served, record)).toEqual(record.manifest.chunkHashes);
    expect(served.counters.hashedBytes).toBe(FILE_BYTES);

    await store.putChunk(record.contentId, 2, randomBytes(CHUNK_BYTES)); // the copy in IndexedDB changes

    const [first, second, , fourth] = record.manifest.chunkHashes;
    expect(await servedHashes(served, record)).toEqual([first, second, 'corrupt', fourth]);
  });
});
