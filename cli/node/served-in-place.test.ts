import { randomBytes } from 'node:crypto';
import { rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_CHUNK_SIZE_BYTES as CHUNK } from '../../shared/content/chunking';
import { sha256Hex } from '../../shared/content/sha256';
import { ServedChunks } from '../../shared/engine/served-chunks';
import { recordingLog } from '../../shared/engine/serving-fixtures';
import { tempDir } from '../test-support/temp-dir';
import { FsChunkStore } from './fs-chunk-store';

/** A whole second, so the modification time set back is exactly the one recorded at sharing. */
const WHEN = new Date(1_700_000_000_000);

const openStores: FsChunkStore[] = [];
afterEach(async () => {
  await Promise.all(openStores.splice(0).map((store) => store.close()));
});

async function sharedInPlace(sizeBytes: number) {
  const filesDir = await tempDir();
  const store = await FsChunkStore.open({ dataDir: await tempDir(), downloadDir: await tempDir() });
  openStores.push(store);
  const filePath = path.join(filesDir, 'notes.bin');
  await writeFile(filePath, randomBytes(sizeBytes));
  await utimes(filePath, WHEN, WHEN);
  const record = await store.addFileInPlace(filePath);
  return { store, record, filePath, filesDir };
}

describe('serving a file shared in place (the CLI)', () => {
  it('hashes a chunk once while the file is unchanged, and never serves other bytes put in its place', async () => {
    const sizeBytes = 2 * CHUNK + 1000;
    const { store, record, filePath, filesDir } = await sharedInPlace(sizeBytes);
    const served = new ServedChunks(store, { log: recordingLog() });
    for (let turn = 0; turn < 3; turn += 1) {
      const answer = await served.read(record.contentId, record.manifest, 1);
      expect(answer.kind === 'chunk' ? await sha256Hex(answer.bytes) : answer.kind).toBe(record.manifest.chunkHashes[1]);
    }
    expect(served.counters.hashedBytes).toBe(CHUNK);

    // Another file of the same size saved over it (as editors save), its modification time set back:
    // the store's own check (size and mtime) still passes, so only the chunk's version can tell.
    const replacement = path.join(filesDir, 'notes.bin.new');
    await writeFile(replacement, randomBytes(sizeBytes));
    await utimes(replacement, WHEN, WHEN);
    await rename(replacement, filePath);
    expect(await store.getChunk(record.contentId, 1)).toBeDefined();

    expect((await served.read(record.contentId, record.manifest, 1)).kind).toBe('corrupt');
  });
});
