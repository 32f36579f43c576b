import { describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from './download-report';
import { shareFile } from './share-file';
import {
  CHUNK,
  createSwarm,
  downloadInto,
  holdersOf,
  memorySource,
  randomBytes,
  readStoredFile,
  servedChunkIndices,
  sha256Of,
  waitUntil,
} from './test-fixtures';

describe('Download pause, resume and waiting', () => {
  it('pauses: stops asking the holder for chunks, then resumes where it left off', async () => {
    const { network, peer } = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 32 * CHUNK } });
    const bytes = randomBytes(32 * CHUNK);
    const record = await shareFile(memorySource('movie.mkv', bytes), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const snapshots: DownloadSnapshot[] = [];
    download.onChange((snapshot) => snapshots.push(snapshot));
    const finished = download.start();
    await waitUntil(() => download.progress.bytesDone >= 4 * CHUNK, 'four chunks arrived');

    download.pause();
    expect(download.state).toBe('paused');
    expect(snapshots.at(-1)?.state).toBe('paused');
    // Ben answers in order, so once a manifest request asked after the pause is answered, every
    // chunk request before it has been served or cancelled.
    const link = await peer('ana').pool.linkTo('ben');
    await link.requestManifest(record.contentId);
    const servedWhilePaused = servedChunkIndices(peer('ben')).length;
    const doneWhilePaused = download.progress.bytesDone;
    await link.requestManifest(record.contentId);
    const isBenIdle = () => network.channelsOf('ben').every((channel) => channel.bufferedAmountBytes() === 0);
    await waitUntil(isBenIdle, "ben's send buffer drained");
    expect(servedChunkIndices(peer('ben')).length).toBe(servedWhilePaused);
    expect(download.progress.bytesDone).toBe(doneWhilePaused);
    expect(download.progress.speedBytesPerSec).toBe(0);
    expect(servedWhilePaused).toBeLessThan(record.manifest.chunkHashes.length);

    download.resume();
    expect(download.state).toBe('downloading');
    await finished;

    expect(download.state).toBe('completed');
    expect(snapshots.map((snapshot) => snapshot.state)).toEqual(expect.arrayContaining(['downloading', 'paused', 'completed']));
    const done = snapshots.map((snapshot) => snapshot.progress.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b)); // never goes back
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('stays paused when paused before it starts, and starts on resume', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('later.bin', randomBytes(4 * CHUNK)), peer('ben').store);
    let holderQueries = 0;
    const download = downloadInto(peer('ana'), record, async () => {
      holderQueries += 1;
      return [{ id: 'ben', name: 'ben' }];
    });
    download.pause();
    const finished = download.start();
    expect(download.state).toBe('paused');
    await peer('ana').pool.linkTo('ben'); // a round trip's worth of time
    expect(holderQueries).toBe(0);

    download.resume();
    await finished;
    expect(download.state).toBe('completed');
  });

  it('waits when its only holder leaves mid-transfer, then goes on by itself when it is back', async () => {
    const { network, peer } = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 32 * CHUNK } });
    const bytes = randomBytes(16 * CHUNK);
    const record = await shareFile(memorySource('report.pdf', bytes), peer('ben').store);
    peer('ben').pool.onServe((event) => {
      if (event.type === 'chunk-served' && servedChunkIndices(peer('ben')).length === 3) network.killPeer('ben');
    });
    const download = downloadInto(peer('ana'), record, holdersOf('ben'), { holderPollIntervalMs: 20, holderRetryBackoffMs: 20 });
    const finished = download.start();

    await waitUntil(() => download.state === 'waiting', 'the download waits');
    expect(download.waitingReason?.message).toBe(
      "No peer holding 'report.pdf' can send it now (ben could not be reached); the download will resume when one can",
    );
    expect(download.progress.activePeers).toBe(0);
    expect(download.error).toBeUndefined();

    network.transport('ben'); // ben is back online
    await finished;

    expect(download.state).toBe('completed');
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('waits, without dropping them, while the connected peers have none of the missing chunks', async () => {
    const { peer } = createSwarm(['ana', 'ben', 'cleo']);
    const bytes = randomBytes(8 * CHUNK);
    const record = await shareFile(memorySource('half.bin', bytes), peer('ben').store);
    await peer('cleo').store.putFile(record);
    for (let index = 0; index < 4; index += 1) {
      const chunk = await peer('ben').store.getChunk(record.contentId, index);
      if (chunk) await peer('cleo').store.putChunk(record.contentId, index, chunk);
    }
    const download = downloadInto(peer('ana'), record, holdersOf('cleo'), { starvedGraceMs: 50 });
    const finished = download.start();

    await waitUntil(() => download.state === 'waiting', 'the download waits');
    expect(download.waitingReason?.message).toBe(
      "No peer online has the rest of 'half.bin' yet; the download will resume when one does",
    );
    expect(download.progress.bytesDone).toBe(4 * CHUNK);
    expect(download.snapshot().peerFailures).toEqual([]);

    // Cleo gets the rest (as if from her own download) and tells ana chunk by chunk.
    for (let index = 4; index < 8; index += 1) {
      const chunk = await peer('ben').store.getChunk(record.contentId, index);
      if (chunk) await peer('cleo').store.putChunk(record.contentId, index, chunk);
      peer('cleo').pool.announceChunk(record.contentId, index);
    }
    await finished;

    expect(download.state).toBe('completed');
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('discards what it stored when cancelled with discard', async () => {
    const { peer } = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 32 * CHUNK } });
    const record = await shareFile(memorySource('unwanted.bin', randomBytes(32 * CHUNK)), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const finished = download.start();
    await waitUntil(() => download.progress.bytesDone > 0, 'some bytes arrived');

    await download.cancel({ discard: true });
    await finished;

    expect(download.state).toBe('cancelled');
    expect(await peer('ana').store.getFile(record.contentId)).toBeUndefined();
    expect(await peer('ana').store.listChunkIndices(record.contentId)).toEqual([]);
  });
});
