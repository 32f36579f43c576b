import { describe, expect, it } from 'vitest';
import { contentIdOf } from '../content/manifest';
import type { Holder } from '../protocol/tracker-messages';
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

describe('Download when holders fail', () => {
  it('fetches from every holder at once, the faster one carrying more', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    swarm.network.setConditions('ben', { bytesPerSecond: 128 * CHUNK });
    swarm.network.setConditions('cleo', { bytesPerSecond: 16 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 32 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));
    let mostActivePeers = 0;
    download.onChange((snapshot) => (mostActivePeers = Math.max(mostActivePeers, snapshot.progress.activePeers)));

    await download.start();

    expect(download.state).toBe('completed');
    expect(mostActivePeers).toBe(2);
    const fromBen = servedChunkIndices(swarm.peer('ben')).length;
    const fromCleo = servedChunkIndices(swarm.peer('cleo')).length;
    expect(fromCleo).toBeGreaterThan(0);
    expect(fromBen).toBeGreaterThan(fromCleo);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('goes on with the other holder when one dies mid-transfer', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo'], { conditions: { bytesPerSecond: 64 * CHUNK } });
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 24 * CHUNK);
    swarm.peer('ben').pool.onServe((event) => {
      if (event.type === 'chunk-served' && servedChunkIndices(swarm.peer('ben')).length === 2) swarm.network.killPeer('ben');
    });
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([expect.objectContaining({ peerId: 'ben', code: 'PEER_UNREACHABLE' })]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it("rejects a lying holder's chunks, drops it, and completes from an honest one", async () => {
    const swarm = createSwarm(['ana', 'liar', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['liar', 'cleo'], 16 * CHUNK);
    swarm.network.lie('liar');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('liar', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([expect.objectContaining({ peerId: 'liar', code: 'CHUNK_CORRUPT' })]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('waits, naming the liars it dropped, when every holder lies, and completes once an honest one appears', async () => {
    const swarm = createSwarm(['ana', 'liar1', 'liar2', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['liar1', 'liar2', 'cleo'], 4 * CHUNK);
    swarm.network.lie('liar1');
    swarm.network.lie('liar2');
    const listed = [
      { id: 'liar1', name: 'liar1' },
      { id: 'liar2', name: 'liar2' },
    ];
    const download = downloadInto(swarm.peer('ana'), record, async () => listed, { holderPollIntervalMs: 20 });
    const finished = download.start();

    await waitUntil(() => download.state === 'waiting', 'the download waits');
    const message = download.waitingReason?.message ?? '';
    expect(message).toMatch(/^No peer holding 'shared.bin' can send it now \(.*\); the download will resume when one can$/);
    expect(message).toContain('liar1 sent corrupt data and was dropped'); // in the order they were caught
    expect(message).toContain('liar2 sent corrupt data and was dropped');
    const dropped = (peerId: string) => ({ peerId, name: peerId, code: 'CHUNK_CORRUPT', message: expect.any(String), isDropped: true });
    expect(download.snapshot().peerFailures).toHaveLength(2);
    expect(download.snapshot().peerFailures).toEqual(expect.arrayContaining([dropped('liar1'), dropped('liar2')]));
    expect(await swarm.peer('ana').store.listChunkIndices(record.contentId)).toEqual([]);

    listed.push({ id: 'cleo', name: 'cleo' });
    await finished;

    expect(download.state).toBe('completed');
    const everyChunk = [...record.manifest.chunkHashes.keys()];
    expect(servedChunkIndices(swarm.peer('cleo')).sort((a, b) => a - b)).toEqual(everyChunk);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('times out a holder that stalls mid-transfer and fails over to another', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo'], { requestTimeoutMs: 200 });
    // Cleo needs ~500 ms for the file, so Ben's stuck requests time out before the end game could race them.
    swarm.network.setConditions('cleo', { bytesPerSecond: 32 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 16 * CHUNK);
    swarm.peer('ben').pool.onServe((event) => {
      if (event.type === 'chunk-served') swarm.network.stall('ben');
    });
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([expect.objectContaining({ peerId: 'ben', code: 'TIMEOUT' })]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('times out a holder that never answers the manifest request and asks the next', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo'], { requestTimeoutMs: 150 });
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 4 * CHUNK);
    swarm.network.stall('ben');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([expect.objectContaining({ peerId: 'ben', code: 'TIMEOUT' })]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('skips a holder whose manifest does not match the content id (MANIFEST_MISMATCH)', async () => {
    const swarm = createSwarm(['ana', 'forger', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['cleo'], 4 * CHUNK);
    const forged = { ...record.manifest, chunkHashes: record.manifest.chunkHashes.map(() => 'f'.repeat(64)) };
    await swarm.peer('forger').store.putFile({ ...record, manifest: forged });
    expect(await contentIdOf(forged)).not.toBe(record.contentId);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('forger', 'cleo'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([
      expect.objectContaining({ peerId: 'forger', code: 'MANIFEST_MISMATCH' }),
    ]);
    expect(servedChunkIndices(swarm.peer('forger'))).toEqual([]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('asks for the holders again when every known one has failed', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo'], { conditions: { bytesPerSecond: 64 * CHUNK } });
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 16 * CHUNK);
    swarm.peer('ben').pool.onServe((event) => event.type === 'chunk-served' && swarm.network.killPeer('ben'));
    const answers: Holder[][] = [[{ id: 'ben', name: 'Ben' }], [{ id: 'ben', name: 'Ben' }, { id: 'cleo', name: 'Cleo' }]];
    let queries = 0;
    const download = downloadInto(swarm.peer('ana'), record, async () => answers[Math.min(queries++, 1)] ?? []);

    await download.start();

    expect(download.state).toBe('completed');
    expect(queries).toBe(2);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('waits naming each holder and its reason when all are gone, and retries the unreachable one after a back-off', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['ben', 'cleo'], 4 * CHUNK);
    swarm.network.killPeer('ben');
    swarm.network.lie('cleo');
    const download = downloadInto(
      swarm.peer('ana'),
      record,
      async () => [
        { id: 'ben', name: 'Ben' },
        { id: 'cleo', name: 'Cleo' },
      ],
      { holderPollIntervalMs: 20, holderRetryBackoffMs: 50 },
    );
    const finished = download.start();

    await waitUntil(() => download.state === 'waiting', 'the download waits');
    expect(download.waitingReason?.message).toBe(
      "No peer holding 'shared.bin' can send it now (Ben could not be reached; Cleo sent corrupt data and was dropped); the download will resume when one can",
    );

    swarm.network.transport('ben'); // Ben comes back online
    await finished;

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([expect.objectContaining({ peerId: 'cleo', isDropped: true })]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('fails with MANIFEST_MISMATCH when every holder describes a different file', async () => {
    const swarm = createSwarm(['ana', 'forger1', 'forger2']);
    const { record } = await shareAmong(swarm, ['forger1'], 4 * CHUNK);
    const forged = { ...record.manifest, chunkHashes: record.manifest.chunkHashes.map(() => 'f'.repeat(64)) };
    await swarm.peer('forger1').store.putFile({ ...record, manifest: forged });
    await swarm.peer('forger2').store.putFile({ ...record, manifest: forged });
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('forger1', 'forger2'));

    await download.start();

    expect(download.state).toBe('failed');
    expect(download.error?.code).toBe('MANIFEST_MISMATCH');
    expect(download.error?.message).toBe(
      "Could not download 'shared.bin': every peer holding it sent a file description that does not match (forger1, forger2)",
    );
  });
});
