/**
 * The behaviour every ChunkStore must show, written once: what the engine and both hosts rely on
 * when they store records and chunks, serve them, resume downloads and forget files. An
 * implementation's test file calls `describeChunkStoreContract('IdbChunkStore', harness)` and must
 * pass all of it (the memory store in Node, the file-system store in Node on a temporary folder,
 * the IndexedDB store in Chromium). Runs in Node and in the browser: no Node or DOM API here.
 */
import { describe, expect, it } from 'vitest';
import { chunkCount, chunkRange, MIN_CHUNK_SIZE_BYTES } from '../content/chunking';
import { contentIdOf } from '../content/manifest';
import { sha256Hex } from '../content/sha256';
import { ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import type { ChunkStore, FileRecord, StagedChunks } from './chunk-store';

export interface ChunkStoreHarness {
  /** A new, empty store of its own. */
  makeStore(): Promise<ChunkStore>;
  /** The same storage opened anew, as after a reload or a restart; only for stores that keep what they hold. */
  reopen?(store: ChunkStore): Promise<ChunkStore>;
  /**
   * Whether a chunk may be stored before its file's record. The memory and IndexedDB stores allow it
   * (sharing a file stores its chunks first and the record last); the file-system store places chunks
   * by the record's manifest and refuses with FILE_NOT_FOUND instead (it shares files in place).
   */
  acceptsChunksBeforeRecord: boolean;
}

/** A file made up for a test: its record and its chunks, real bytes hashed into a real manifest. */
interface TestFile {
  record: FileRecord;
  chunks: Uint8Array[];
}

/** Small chunks keep the suite fast; stores must not depend on the chunk-size policy (one case uses it). */
const SMALL_CHUNK_BYTES = 1000;

async function makeTestFile(
  name: string,
  sizeBytes: number,
  options: { chunkSizeBytes?: number; addedAtMs?: number } = {},
): Promise<TestFile> {
  const chunkSizeBytes = options.chunkSizeBytes ?? SMALL_CHUNK_BYTES;
  const bytes = randomBytes(sizeBytes);
  const chunks: Uint8Array[] = [];
  for (let index = 0; index < chunkCount(sizeBytes, chunkSizeBytes); index += 1) {
    const { start, end } = chunkRange(sizeBytes, chunkSizeBytes, index);
    chunks.push(bytes.slice(start, end));
  }
  const manifest: Manifest = { size: sizeBytes, chunkSizeBytes, chunkHashes: await Promise.all(chunks.map(sha256Hex)) };
  const record: FileRecord = {
    contentId: await contentIdOf(manifest),
    name,
    mimeType: 'application/octet-stream',
    manifest,
    addedAtMs: options.addedAtMs ?? 1_000,
  };
  return { record, chunks };
}

function randomBytes(sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  // getRandomValues fills at most 64 KiB per call.
  for (let start = 0; start < sizeBytes; start += 65_536) crypto.getRandomValues(bytes.subarray(start, start + 65_536));
  return bytes;
}

function chunkOf(file: TestFile, index: number): Uint8Array {
  const chunk = file.chunks[index];
  if (chunk === undefined) throw new Error(`The test file has no chunk ${index}`);
  return chunk;
}

async function putAllChunks(store: ChunkStore, file: TestFile): Promise<void> {
  for (const [index, chunk] of file.chunks.entries()) await store.putChunk(file.record.contentId, index, chunk);
}

async function stageAllChunks(staged: StagedChunks, file: TestFile): Promise<void> {
  for (const [index, chunk] of file.chunks.entries()) await staged.putChunk(index, chunk);
}

/** Compares bytes by hash and length, so a failure prints two short strings, not two arrays. */
async function expectSameBytes(actual: Uint8Array | undefined, expected: Uint8Array): Promise<void> {
  expect(actual).toBeInstanceOf(Uint8Array);
  const got = actual as Uint8Array;
  expect({ length: got.byteLength, sha256: await sha256Hex(got) }).toEqual({
    length: expected.byteLength,
    sha256: await sha256Hex(expected),
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

export function describeChunkStoreContract(name: string, harness: ChunkStoreHarness): void {
  describe(`${name} (ChunkStore contract)`, () => {
    describe('file records', () => {
      it('starts empty and answers "nothing" for a file it never held', async () => {
        const store = await harness.makeStore();
        const unknown = await makeTestFile('unknown.bin', 2_500);
        expect(await store.listFiles()).toEqual([]);
        expect(await store.getFile(unknown.record.contentId)).toBeUndefined();
        expect(await store.listChunkIndices(unknown.record.contentId)).toEqual([]);
        expect(await store.getChunk(unknown.record.contentId, 0)).toBeUndefined();
      });

      it('gives back the record it was given, field for field', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('report.pdf', 3_500, { addedAtMs: 1_234 });
        const record = { ...file.record, mimeType: 'application/pdf' };
        await store.putFile(record);
        expect(await store.getFile(record.contentId)).toEqual(record);
        expect(await store.listFiles()).toEqual([record]);
      });

      it('keeps its own copy of a record: changing the given or the returned one changes nothing stored', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('notes.txt', 2_500);
        const given = structuredClone(file.record);
        await store.putFile(given);
        given.name = 'changed by the caller.txt';
        given.manifest.chunkHashes[0] = '0'.repeat(64);
        const returned = await store.getFile(file.record.contentId);
        expect(returned).toEqual(file.record);
        returned!.name = 'changed by a reader.txt';
        returned!.manifest.chunkHashes.pop();
        expect(await store.getFile(file.record.contentId)).toEqual(file.record);
      });

      it('replaces a record put again under the same content id (name, type and time), keeping one entry and its chunks', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('draft.txt', 2_500, { addedAtMs: 1_000 });
        await store.putFile(file.record);
        await store.putChunk(file.record.contentId, 1, chunkOf(file, 1));
        const renamed: FileRecord = { ...file.record, name: 'final.txt', mimeType: 'text/plain', addedAtMs: 2_000 };
        await store.putFile(renamed);
        expect(await store.getFile(file.record.contentId)).toEqual(renamed);
        expect(await store.listFiles()).toEqual([renamed]);
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([1]);
      });

      it('keeps one entry when the same new record is put twice at once, and stores its chunks', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('twice.bin', 2_500);
        await Promise.all([store.putFile(file.record), store.putFile(file.record)]);
        expect(await store.listFiles()).toEqual([file.record]);
        await putAllChunks(store, file);
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([0, 1, 2]);
        for (const index of [0, 1, 2]) await expectSameBytes(await store.getChunk(file.record.contentId, index), chunkOf(file, index));
      });

      it('lists files oldest first by when they were added, whatever the order they were put in', async () => {
        const store = await harness.makeStore();
        const newest = await makeTestFile('c.bin', 100, { addedAtMs: 3_000 });
        const oldest = await makeTestFile('a.bin', 100, { addedAtMs: 1_000 });
        const middle = await makeTestFile('b.bin', 100, { addedAtMs: 2_000 });
        for (const file of [newest, oldest, middle]) await store.putFile(file.record);
        expect((await store.listFiles()).map((record) => record.name)).toEqual(['a.bin', 'b.bin', 'c.bin']);
      });

      it('holds an empty file: a record with no chunks', async () => {
        const store = await harness.makeStore();
        const empty = await makeTestFile('empty.txt', 0);
        expect(empty.record.manifest.chunkHashes).toEqual([]);
        await store.putFile(empty.record);
        expect(await store.getFile(empty.record.contentId)).toEqual(empty.record);
        expect(await store.listChunkIndices(empty.record.contentId)).toEqual([]);
      });
    });

    describe('chunks', () => {
      it('gives back each chunk byte for byte, the short last one at its own length', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('video.mp4', 3_456);
        await store.putFile(file.record);
        await putAllChunks(store, file);
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([0, 1, 2, 3]);
        for (const index of [0, 1, 2, 3]) await expectSameBytes(await store.getChunk(file.record.contentId, index), chunkOf(file, index));
        expect((await store.getChunk(file.record.contentId, 3))?.byteLength).toBe(456);
      });

      it('holds chunks of the real chunk size (1 MiB) as well', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('big.bin', 2 * MIN_CHUNK_SIZE_BYTES + 12_345, { chunkSizeBytes: MIN_CHUNK_SIZE_BYTES });
        await store.putFile(file.record);
        await putAllChunks(store, file);
        for (const index of [0, 1, 2]) await expectSameBytes(await store.getChunk(file.record.contentId, index), chunkOf(file, index));
      });

      it('lists the indices it holds in ascending numeric order, and answers "nothing" for the others', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('many.bin', 11_500);
        await store.putFile(file.record);
        for (const index of [10, 2, 0, 11]) await store.putChunk(file.record.contentId, index, chunkOf(file, index));
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([0, 2, 10, 11]);
        expect(await store.getChunk(file.record.contentId, 1)).toBeUndefined();
        expect(await store.getChunk(file.record.contentId, 9)).toBeUndefined();
      });

      it('copies what it is given: the caller may reuse its buffer as soon as the put settles', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('pooled.bin', 2_000);
        await store.putFile(file.record);
        // The engine reads chunks into pooled buffers: a view at an offset into a larger one.
        const pooled = new Uint8Array(SMALL_CHUNK_BYTES + 64);
        const view = pooled.subarray(32, 32 + SMALL_CHUNK_BYTES);
        view.set(chunkOf(file, 0));
        await store.putChunk(file.record.contentId, 0, view);
        pooled.fill(0xee);
        await expectSameBytes(await store.getChunk(file.record.contentId, 0), chunkOf(file, 0));
      });

      it('replaces a chunk put again (a damaged copy repaired from the original)', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('repaired.bin', 2_500);
        await store.putFile(file.record);
        const damaged = chunkOf(file, 1).slice();
        damaged[7] = (damaged[7] ?? 0) ^ 0xff;
        await store.putChunk(file.record.contentId, 1, damaged);
        await store.putChunk(file.record.contentId, 1, chunkOf(file, 1));
        await expectSameBytes(await store.getChunk(file.record.contentId, 1), chunkOf(file, 1));
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([1]);
      });

      it('keeps the version of a chunk while nothing changes it, and gives it a new one when it is put again or its file deleted', async () => {
        const store = await harness.makeStore();
        // Serving hashes a chunk once per version (ChunkStore.chunkVersion); a store may not tell.
        if (store.chunkVersion === undefined) return;
        const file = await makeTestFile('versioned.bin', 2_500);
        const versionOf = (index: number) => store.chunkVersion?.(file.record.contentId, index);
        await store.putFile(file.record);
        await putAllChunks(store, file);
        const first = await versionOf(1);
        expect(first).toBeDefined();
        await store.getChunk(file.record.contentId, 1);
        expect(await versionOf(1)).toBe(first);

        const damaged = chunkOf(file, 1).slice();
        damaged[3] = (damaged[3] ?? 0) ^ 0xff;
        await store.putChunk(file.record.contentId, 1, damaged);
        const second = await versionOf(1);
        expect(second).not.toBe(first);

        await store.deleteFile(file.record.contentId);
        await store.putFile(file.record);
        await putAllChunks(store, file);
        expect([first, second]).not.toContain(await versionOf(1));
      });

      it('stores chunks put all at once, as several peers deliver them', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('swarm.bin', 16_200);
        await store.putFile(file.record);
        await Promise.all(file.chunks.map((chunk, index) => store.putChunk(file.record.contentId, index, chunk)));
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([...file.chunks.keys()]);
        const stored = await Promise.all(file.chunks.map((_, index) => store.getChunk(file.record.contentId, index)));
        for (const [index, bytes] of stored.entries()) await expectSameBytes(bytes, chunkOf(file, index));
      });

      it('keeps the chunks of different files apart', async () => {
        const store = await harness.makeStore();
        const first = await makeTestFile('first.bin', 2_000);
        const second = await makeTestFile('second.bin', 3_000);
        await store.putFile(first.record);
        await store.putFile(second.record);
        await store.putChunk(first.record.contentId, 0, chunkOf(first, 0));
        await store.putChunk(second.record.contentId, 0, chunkOf(second, 0));
        await store.putChunk(second.record.contentId, 2, chunkOf(second, 2));
        await expectSameBytes(await store.getChunk(first.record.contentId, 0), chunkOf(first, 0));
        await expectSameBytes(await store.getChunk(second.record.contentId, 0), chunkOf(second, 0));
        expect(await store.listChunkIndices(first.record.contentId)).toEqual([0]);
        expect(await store.listChunkIndices(second.record.contentId)).toEqual([0, 2]);
      });

      if (harness.acceptsChunksBeforeRecord) {
        it('takes chunks before the record (as sharing does), and forgets such orphans on delete', async () => {
          const store = await harness.makeStore();
          const shared = await makeTestFile('shared.bin', 2_500);
          await putAllChunks(store, shared);
          await store.putFile(shared.record);
          expect(await store.listChunkIndices(shared.record.contentId)).toEqual([0, 1, 2]);
          await expectSameBytes(await store.getChunk(shared.record.contentId, 2), chunkOf(shared, 2));

          // A share that failed half-way deletes the chunks it stored, though no record was ever put.
          const abandoned = await makeTestFile('abandoned.bin', 2_500);
          await store.putChunk(abandoned.record.contentId, 0, chunkOf(abandoned, 0));
          await store.deleteFile(abandoned.record.contentId);
          expect(await store.listChunkIndices(abandoned.record.contentId)).toEqual([]);
          expect(await store.getChunk(abandoned.record.contentId, 0)).toBeUndefined();
        });
      } else {
        it('refuses a chunk of a file it has no record of with FILE_NOT_FOUND, and stores nothing', async () => {
          const store = await harness.makeStore();
          const file = await makeTestFile('unrecorded.bin', 2_500);
          const error = await rejectionOf(store.putChunk(file.record.contentId, 0, chunkOf(file, 0)));
          expect(error).toBeInstanceOf(ShoalError);
          expect((error as ShoalError).code).toBe('FILE_NOT_FOUND');
          await store.putFile(file.record);
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([]);
        });
      }
    });

    if (harness.acceptsChunksBeforeRecord) {
      describe('staging the chunks of a file being shared', () => {
        it('keeps staged chunks out of sight until commit makes them the file\'s, byte for byte', async () => {
          const store = await harness.makeStore();
          const file = await makeTestFile('staged.bin', 2_500);
          const staged = await store.stageChunks();
          await stageAllChunks(staged, file);
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([]);
          expect(await store.getChunk(file.record.contentId, 0)).toBeUndefined();
          expect(await store.listFiles()).toEqual([]);
          await staged.commit(file.record.contentId);
          await store.putFile(file.record);
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([0, 1, 2]);
          for (const index of [0, 1, 2]) await expectSameBytes(await store.getChunk(file.record.contentId, index), chunkOf(file, index));
        });

        it('copies what it is given to stage: the caller may reuse its buffer as soon as the put settles', async () => {
          const store = await harness.makeStore();
          const file = await makeTestFile('pooled-stage.bin', 1_000);
          const staged = await store.stageChunks();
          const pooled = new Uint8Array(SMALL_CHUNK_BYTES + 64);
          const view = pooled.subarray(16, 16 + SMALL_CHUNK_BYTES);
          view.set(chunkOf(file, 0));
          await staged.putChunk(0, view);
          pooled.fill(0xee);
          await staged.commit(file.record.contentId);
          await expectSameBytes(await store.getChunk(file.record.contentId, 0), chunkOf(file, 0));
        });

        it('replaces on commit the chunks held for the file (a download in progress), which then goes on and is deleted whole', async () => {
          const store = await harness.makeStore();
          const file = await makeTestFile('downloading.bin', 3_500);
          await store.putFile(file.record);
          const damaged = chunkOf(file, 1).slice();
          damaged[3] = (damaged[3] ?? 0) ^ 0xff;
          await store.putChunk(file.record.contentId, 1, damaged);
          const staged = await store.stageChunks();
          for (const index of [0, 1, 2]) await staged.putChunk(index, chunkOf(file, index));
          await staged.commit(file.record.contentId);
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([0, 1, 2]);
          await expectSameBytes(await store.getChunk(file.record.contentId, 1), chunkOf(file, 1));
          // The download's next chunk lands beside the committed ones.
          await store.putChunk(file.record.contentId, 3, chunkOf(file, 3));
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([0, 1, 2, 3]);
          await expectSameBytes(await store.getChunk(file.record.contentId, 3), chunkOf(file, 3));
          await store.deleteFile(file.record.contentId);
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([]);
          expect(await store.getChunk(file.record.contentId, 0)).toBeUndefined();
        });

        it('replaces a committed file\'s chunks when the same content id is committed again (shared twice)', async () => {
          const store = await harness.makeStore();
          const file = await makeTestFile('twice-shared.bin', 2_500);
          const first = await store.stageChunks();
          await stageAllChunks(first, file);
          await first.commit(file.record.contentId);
          const second = await store.stageChunks();
          await second.putChunk(0, chunkOf(file, 0));
          await second.commit(file.record.contentId);
          expect(await store.listChunkIndices(file.record.contentId)).toEqual([0]);
          await expectSameBytes(await store.getChunk(file.record.contentId, 0), chunkOf(file, 0));
        });

        it('keeps stagings running at once apart, and forgets a discarded one', async () => {
          const store = await harness.makeStore();
          const kept = await makeTestFile('kept-stage.bin', 2_500);
          const dropped = await makeTestFile('dropped-stage.bin', 2_500);
          const [keptStaging, droppedStaging] = await Promise.all([store.stageChunks(), store.stageChunks()]);
          await Promise.all([stageAllChunks(keptStaging, kept), stageAllChunks(droppedStaging, dropped)]);
          await droppedStaging.discard();
          await keptStaging.commit(kept.record.contentId);
          for (const index of [0, 1, 2]) await expectSameBytes(await store.getChunk(kept.record.contentId, index), chunkOf(kept, index));
          expect(await store.listChunkIndices(dropped.record.contentId)).toEqual([]);
        });

        it('commits an empty file: no chunks', async () => {
          const store = await harness.makeStore();
          const empty = await makeTestFile('empty-stage.txt', 0);
          const staged = await store.stageChunks();
          await staged.commit(empty.record.contentId);
          await store.putFile(empty.record);
          expect(await store.listChunkIndices(empty.record.contentId)).toEqual([]);
          expect(await store.getFile(empty.record.contentId)).toEqual(empty.record);
        });
      });
    } else {
      it('refuses to stage chunks with FILE_NOT_FOUND, as it refuses chunks before their record', async () => {
        const store = await harness.makeStore();
        const error = await rejectionOf(store.stageChunks());
        expect(error).toBeInstanceOf(ShoalError);
        expect((error as ShoalError).code).toBe('FILE_NOT_FOUND');
      });
    }

    describe('deleting', () => {
      it('removes the record and every chunk of the file, and nothing of any other', async () => {
        const store = await harness.makeStore();
        const doomed = await makeTestFile('doomed.bin', 3_500);
        const kept = await makeTestFile('kept.bin', 1_500, { addedAtMs: 2_000 });
        for (const file of [doomed, kept]) {
          await store.putFile(file.record);
          await putAllChunks(store, file);
        }
        await store.deleteFile(doomed.record.contentId);
        expect(await store.getFile(doomed.record.contentId)).toBeUndefined();
        expect(await store.listChunkIndices(doomed.record.contentId)).toEqual([]);
        expect(await store.getChunk(doomed.record.contentId, 0)).toBeUndefined();
        expect(await store.listFiles()).toEqual([kept.record]);
        expect(await store.listChunkIndices(kept.record.contentId)).toEqual([0, 1]);
        await expectSameBytes(await store.getChunk(kept.record.contentId, 1), chunkOf(kept, 1));
      });

      it('starts a file put again after deleting it with no chunks', async () => {
        const store = await harness.makeStore();
        const file = await makeTestFile('again.bin', 2_500);
        await store.putFile(file.record);
        await putAllChunks(store, file);
        await store.deleteFile(file.record.contentId);
        await store.putFile(file.record);
        expect(await store.listChunkIndices(file.record.contentId)).toEqual([]);
        expect(await store.getChunk(file.record.contentId, 0)).toBeUndefined();
      });

      it('deletes a file it does not hold without complaint', async () => {
        const store = await harness.makeStore();
        const held = await makeTestFile('held.bin', 500);
        const never = await makeTestFile('never.bin', 500);
        await store.putFile(held.record);
        await expect(store.deleteFile(never.record.contentId)).resolves.toBeUndefined();
        expect(await store.listFiles()).toEqual([held.record]);
      });
    });

    const reopen = harness.reopen;
    if (reopen !== undefined) {
      describe('keeping what it holds', () => {
        it('holds the same records and chunks when opened again, and not what was deleted', async () => {
          const store = await harness.makeStore();
          const complete = await makeTestFile('complete.bin', 2_500, { addedAtMs: 1_000 });
          const partial = await makeTestFile('partial.bin', 4_500, { addedAtMs: 2_000 });
          const deleted = await makeTestFile('deleted.bin', 1_500, { addedAtMs: 3_000 });
          for (const file of [complete, partial, deleted]) await store.putFile(file.record);
          await putAllChunks(store, complete);
          await putAllChunks(store, deleted);
          for (const index of [3, 1]) await store.putChunk(partial.record.contentId, index, chunkOf(partial, index));
          await store.deleteFile(deleted.record.contentId);

          const reopened = await reopen(store);
          expect(await reopened.listFiles()).toEqual([complete.record, partial.record]);
          expect(await reopened.listChunkIndices(complete.record.contentId)).toEqual([0, 1, 2]);
          expect(await reopened.listChunkIndices(partial.record.contentId)).toEqual([1, 3]);
          expect(await reopened.listChunkIndices(deleted.record.contentId)).toEqual([]);
          await expectSameBytes(await reopened.getChunk(partial.record.contentId, 3), chunkOf(partial, 3));
          await expectSameBytes(await reopened.getChunk(complete.record.contentId, 2), chunkOf(complete, 2));
          // And it goes on from there: the download resumes into the reopened store.
          await reopened.putChunk(partial.record.contentId, 0, chunkOf(partial, 0));
          expect(await reopened.listChunkIndices(partial.record.contentId)).toEqual([0, 1, 3]);
        });

        if (harness.acceptsChunksBeforeRecord) {
          it('holds committed staged chunks when opened again, and nothing of a staging left open (a crash mid-share)', async () => {
            const store = await harness.makeStore();
            const shared = await makeTestFile('shared-before.bin', 2_500);
            const interrupted = await makeTestFile('interrupted.bin', 2_500);
            const done = await store.stageChunks();
            await stageAllChunks(done, shared);
            await done.commit(shared.record.contentId);
            await store.putFile(shared.record);
            const open = await store.stageChunks();
            await stageAllChunks(open, interrupted);

            const reopened = await reopen(store);
            expect(await reopened.listFiles()).toEqual([shared.record]);
            expect(await reopened.listChunkIndices(shared.record.contentId)).toEqual([0, 1, 2]);
            await expectSameBytes(await reopened.getChunk(shared.record.contentId, 2), chunkOf(shared, 2));
            expect(await reopened.listChunkIndices(interrupted.record.contentId)).toEqual([]);
            await open.discard();
          });
        }
      });
    }
  });
}
