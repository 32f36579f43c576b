import { describe, expect, it } from 'vitest';
import type { Holder } from '../protocol/tracker-messages';
import type { ServeEvent } from './serve-queue';
import { shareFile } from './share-file';
import {
  CHUNK,
  createSwarm,
  downloadInto,
  holdersOf,
  shareAmong,
  memorySource,
  randomBytes,
  readStoredFile,
  servedChunkIndices,
  sha256Of,
  waitUntil,
} from './test-fixtures';

/** Gives `peerId` only the chunks `keep` accepts, as a peer still downloading would have. */
async function makePartial(
  swarm: ReturnType<typeof createSwarm>,
  fromId: string,
  peerId: string,
  contentId: string,
  keep: (index: number) => boolean,
) {
  const record = await swarm.peer(fromId).store.getFile(contentId);
  if (record === undefined) throw new Error(`${fromId} does not hold the file`);
  await swarm.peer(peerId).store.putFile(record);
  for (const index of record.manifest.chunkHashes.keys()) {
    const bytes = await swarm.peer(fromId).store.getChunk(contentId, index);
    if (keep(index) && bytes !== undefined) await swarm.peer(peerId).store.putChunk(contentId, index, bytes);
  }
}

function refusalsBy(swarm: ReturnType<typeof createSwarm>, peerId: string) {
  return swarm.peer(peerId).served.filter((event) => event.type === 'request-refused');
}

describe('Download from a swarm', () => {
  it('completes byte for byte from eight holders of different speeds while one leaves, one lies and one stalls', async () => {
    const ids = ['s1', 's2', 's4', 's8', 's16', 'leaver', 'liar', 'staller'];
    const swarm = createSwarm(['ana', ...ids], { requestTimeoutMs: 300 });
    const speeds: Record<string, number> = { s1: 1, s2: 2, s4: 4, s8: 8, s16: 16, leaver: 8, liar: 8, staller: 8 };
    for (const id of ids) swarm.network.setConditions(id, { bytesPerSecond: (speeds[id] ?? 1) * 4 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ids, 48 * CHUNK);
    swarm.network.lie('liar');
    swarm.peer('leaver').pool.onServe((event) => event.type === 'chunk-served' && swarm.network.killPeer('leaver'));
    swarm.peer('staller').pool.onServe((event) => event.type === 'chunk-served' && swarm.network.stall('staller'));
    const download = downloadInto(swarm.peer('ana'), record, holdersOf(...ids));

    await download.start();

    expect(download.state).toBe('completed');
    for (const honest of ['s1', 's2', 's4', 's8', 's16']) {
      expect(servedChunkIndices(swarm.peer(honest)).length).toBeGreaterThan(0);
    }
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
    const failures = download.snapshot().peerFailures;
    expect(failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ peerId: 'leaver', code: 'PEER_UNREACHABLE', isDropped: false }),
        expect.objectContaining({ peerId: 'liar', code: 'CHUNK_CORRUPT', isDropped: true }),
        expect.objectContaining({ peerId: 'staller', code: 'TIMEOUT', isDropped: false }),
      ]),
    );
    expect(failures).toHaveLength(3);
    expect(servedChunkIndices(swarm.peer('s16')).length).toBeGreaterThan(servedChunkIndices(swarm.peer('s1')).length);
  });

  it('asks a partial seeder only for the chunks it has', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    swarm.network.setConditions('ben', { bytesPerSecond: 32 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben'], 16 * CHUNK, 'swarm.bin');
    await makePartial(swarm, 'ben', 'cleo', record.contentId, (index) => index % 2 === 0);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    const fromCleo = servedChunkIndices(swarm.peer('cleo'));
    expect(fromCleo.length).toBeGreaterThan(0);
    expect(fromCleo.every((index) => index % 2 === 0)).toBe(true);
    expect(refusalsBy(swarm, 'cleo')).toEqual([]);
    expect(download.snapshot().peerFailures).toEqual([]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it("spreads a file along a chain: cleo downloads only from ben's chunks while ben is still downloading from ana", async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    swarm.network.setConditions('ana', { bytesPerSecond: 16 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ana'], 16 * CHUNK, 'swarm.bin');
    const benDownload = downloadInto(swarm.peer('ben'), record, holdersOf('ana'));
    const cleoDownload = downloadInto(swarm.peer('cleo'), record, holdersOf('ben'), { holderPollIntervalMs: 20 });
    let chunksBenServedWhileDownloading = 0;
    swarm.peer('ben').pool.onServe((event) => {
      if (event.type === 'chunk-served' && benDownload.state === 'downloading') chunksBenServedWhileDownloading += 1;
    });

    const benFinished = benDownload.start();
    await waitUntil(() => benDownload.progress.bytesDone > 0, 'ben stored a chunk');
    await cleoDownload.start();
    await benFinished;

    expect(benDownload.state).toBe('completed');
    expect(cleoDownload.state).toBe('completed');
    expect(servedChunkIndices(swarm.peer('ana')).length).toBe(record.manifest.chunkHashes.length); // only ben asked ana
    expect(chunksBenServedWhileDownloading).toBeGreaterThan(0);
    expect(await sha256Of(await readStoredFile(swarm.peer('cleo').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('asks a new holder first for the chunks the fewest peers have (rarest first)', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo', 'dave']);
    swarm.network.setConditions('cleo', { bytesPerSecond: 4 * CHUNK });
    swarm.network.setConditions('dave', { bytesPerSecond: 4 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben'], 32 * CHUNK, 'swarm.bin'); // 32 chunks
    const isCommon = (index: number): boolean => index < 28;
    await makePartial(swarm, 'ben', 'cleo', record.contentId, isCommon);
    await makePartial(swarm, 'ben', 'dave', record.contentId, isCommon);
    const partial: Holder[] = [
      { id: 'cleo', name: 'cleo' },
      { id: 'dave', name: 'dave' },
    ];
    let queries = 0;
    // Ben, the only holder of chunks 28-31, turns up once the download is under way.
    const holders = async (): Promise<Holder[]> => (queries++ === 0 ? partial : [...partial, { id: 'ben', name: 'ben' }]);
    const download = downloadInto(swarm.peer('ana'), record, holders, { holderPollIntervalMs: 30 });

    await download.start();

    expect(download.state).toBe('completed');
    expect(servedChunkIndices(swarm.peer('ben')).slice(0, 4).sort((a, b) => a - b)).toEqual([28, 29, 30, 31]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('adds a holder that appears mid-download instead of waiting for the others to fail', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    swarm.network.setConditions('ben', { bytesPerSecond: 4 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 16 * CHUNK, 'swarm.bin');
    const listed: Holder[] = [{ id: 'ben', name: 'ben' }];
    const download = downloadInto(swarm.peer('ana'), record, async () => listed, { holderPollIntervalMs: 20 });
    const finished = download.start();
    await waitUntil(() => download.progress.bytesDone > 0, 'a first chunk arrived from ben');

    listed.push({ id: 'cleo', name: 'cleo' });
    await finished;

    expect(download.state).toBe('completed');
    expect(servedChunkIndices(swarm.peer('cleo')).length).toBeGreaterThan(servedChunkIndices(swarm.peer('ben')).length);
    expect(download.snapshot().peerFailures).toEqual([]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('gives most chunks to the fast peer when five slow ones share the file', async () => {
    const ids = ['fast', 'slow1', 'slow2', 'slow3', 'slow4', 'slow5'];
    const swarm = createSwarm(['ana', ...ids]);
    swarm.network.setConditions('fast', { bytesPerSecond: 256 * CHUNK });
    for (const id of ids.slice(1)) swarm.network.setConditions(id, { bytesPerSecond: 4 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ids, 64 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf(...ids));

    await download.start();

    expect(download.state).toBe('completed');
    const total = record.manifest.chunkHashes.length;
    expect(servedChunkIndices(swarm.peer('fast')).length).toBeGreaterThan(total * 0.6);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('keeps a holder that turns out to lack a chunk it listed, and gets that chunk from another', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 8 * CHUNK, 'swarm.bin');
    const benStore = swarm.peer('ben').store;
    const getChunk = benStore.getChunk.bind(benStore);
    // Ben's store lists every chunk but has lost the odd ones (a partly evicted cache, say).
    benStore.getChunk = async (contentId, index) => (index % 2 === 1 ? undefined : getChunk(contentId, index));
    swarm.network.setConditions('cleo', { bytesPerSecond: 16 * CHUNK });
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(refusalsBy(swarm, 'ben').length).toBeGreaterThan(0);
    const isNotHeld = (event: ServeEvent) => event.type === 'request-refused' && event.code === 'FILE_NOT_FOUND';
    expect(refusalsBy(swarm, 'ben').every(isNotHeld)).toBe(true);
    expect(servedChunkIndices(swarm.peer('ben')).length).toBeGreaterThan(0);
    expect(download.snapshot().peerFailures).toEqual([]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it("does not blame a seeder for its own damaged chunk: it refuses it, and another holder's copy is used", async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 4 * CHUNK, 'swarm.bin');
    await swarm.peer('ben').store.putChunk(record.contentId, 1, randomBytes(record.manifest.chunkSizeBytes));
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(servedChunkIndices(swarm.peer('ben'))).not.toContain(1);
    expect(download.snapshot().peerFailures).toEqual([]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it("serves a seeder's damaged chunk again once the repair hook re-reads it from the original", async () => {
    const bytes = randomBytes(4 * CHUNK);
    const swarm = createSwarm(['ana', 'ben'], {
      repairChunk: async (_contentId, index) => bytes.slice(index * CHUNK, (index + 1) * CHUNK),
    });
    const record = await shareFile(memorySource('swarm.bin', bytes), swarm.peer('ben').store);
    await swarm.peer('ben').store.putChunk(record.contentId, 2, randomBytes(record.manifest.chunkSizeBytes));
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(servedChunkIndices(swarm.peer('ben'))).toContain(2);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });
});
