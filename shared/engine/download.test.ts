import { describe, expect, it } from 'vitest';
import { chunkLength } from '../content/chunking';
import { ShoalError } from '../protocol/errors';
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

describe('Download', () => {
  it('downloads a file from a single holder, byte for byte', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const bytes = randomBytes(12 * CHUNK + 4321);
    const record = await shareFile(memorySource('holiday.mp4', bytes, 'video/mp4'), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));

    await download.start();

    expect(download.state).toBe('completed');
    expect(download.error).toBeUndefined();
    expect(download.progress).toMatchObject({ bytesDone: bytes.byteLength, totalBytes: bytes.byteLength, etaSeconds: 0 });
    expect(await peer('ana').store.getFile(record.contentId)).toMatchObject({ name: 'holiday.mp4', manifest: record.manifest });
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('downloads an empty file', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('empty.txt', new Uint8Array(0)), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    await download.start();
    expect(download.state).toBe('completed');
    expect(await readStoredFile(peer('ana').store, record.contentId)).toEqual(new Uint8Array(0));
  });

  it('resumes: only the chunks missing from the store are requested', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const bytes = randomBytes(16 * CHUNK);
    const record = await shareFile(memorySource('resume.bin', bytes), peer('ben').store);
    const chunkTotal = record.manifest.chunkHashes.length;
    await peer('ana').store.putFile(record);
    for (let index = 0; index < chunkTotal; index += 2) {
      const chunk = await peer('ben').store.getChunk(record.contentId, index);
      if (chunk) await peer('ana').store.putChunk(record.contentId, index, chunk);
    }

    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    await download.start();

    expect(download.state).toBe('completed');
    const odd = [...Array(chunkTotal).keys()].filter((index) => index % 2 === 1);
    expect(servedChunkIndices(peer('ben')).sort((a, b) => a - b)).toEqual(odd);
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('finishes at once when the file is already complete in the store', async () => {
    const { peer } = createSwarm(['ana']);
    const record = await shareFile(memorySource('mine.txt', randomBytes(5000)), peer('ana').store);
    let holderQueries = 0;
    const download = downloadInto(peer('ana'), record, async () => {
      holderQueries += 1;
      return [];
    });
    await download.start();
    expect(download.state).toBe('completed');
    expect(holderQueries).toBe(0);
  });

  it('waits, saying why, while nobody holds the file, and goes on by itself when a holder appears', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const bytes = randomBytes(1000);
    const record = await shareFile(memorySource('lonely.pdf', bytes), peer('ben').store);
    let listed: string[] = [];
    const download = downloadInto(peer('ana'), record, async () => listed.map((id) => ({ id, name: id })), {
      holderPollIntervalMs: 20,
    });
    const finished = download.start();
    await waitUntil(() => download.state === 'waiting', 'the download waits');
    expect(download.waitingReason?.code).toBe('NO_HOLDER');
    expect(download.waitingReason?.message).toBe(
      "No peer holding 'lonely.pdf' is online; the download will resume when one appears",
    );
    expect(download.snapshot()).toMatchObject({ state: 'waiting', error: undefined });

    listed = ['ben'];
    await finished;

    expect(download.state).toBe('completed');
    expect(download.waitingReason).toBeUndefined();
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('waits with the tracker error while the holder list cannot be fetched, then goes on', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('far.pdf', randomBytes(1000)), peer('ben').store);
    let isTrackerUp = false;
    const download = downloadInto(
      peer('ana'),
      record,
      async () => {
        if (!isTrackerUp) throw new Error('tracker offline');
        return [{ id: 'ben', name: 'ben' }];
      },
      { holderPollIntervalMs: 20 },
    );
    const finished = download.start();
    await waitUntil(() => download.state === 'waiting', 'the download waits');
    expect(download.waitingReason?.message).toBe(
      "Could not find who holds 'far.pdf': tracker offline; the download will try again shortly",
    );

    isTrackerUp = true;
    await finished;
    expect(download.state).toBe('completed');
  });

  it('fails with the store error when a chunk cannot be written (QUOTA_EXCEEDED)', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('huge.iso', randomBytes(4 * CHUNK)), peer('ben').store);
    peer('ana').store.putChunk = async () => {
      throw new ShoalError('QUOTA_EXCEEDED', 'The browser has no room left for this file');
    };
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));

    await download.start();

    expect(download.state).toBe('failed');
    expect(download.error?.code).toBe('QUOTA_EXCEEDED');
    expect(download.error?.message).toBe('The browser has no room left for this file');
  });

  it('is cancelled part way, keeps what it stored, and a new download resumes from there', async () => {
    const { network, peer } = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 32 * CHUNK } });
    const bytes = randomBytes(32 * CHUNK);
    const record = await shareFile(memorySource('long.iso', bytes), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const states: string[] = [];
    download.onChange((snapshot) => states.push(snapshot.state));
    const finished = download.start();
    await waitUntil(() => download.progress.bytesDone > 0, 'some bytes arrived');

    download.cancel();
    await finished;

    expect(download.state).toBe('cancelled');
    expect(states.at(-1)).toBe('cancelled');
    const kept = await peer('ana').store.listChunkIndices(record.contentId);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(record.manifest.chunkHashes.length);

    network.setConditions('ben', {}); // full speed for the rest
    const again = downloadInto(peer('ana'), record, holdersOf('ben'));
    await again.start();
    expect(again.state).toBe('completed');
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('reports throttled progress with speed and ETA, ending at the total', async () => {
    const { peer } = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 64 * CHUNK } });
    const bytes = randomBytes(24 * CHUNK);
    const record = await shareFile(memorySource('progress.bin', bytes), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'), { progressIntervalMs: 100 });
    const snapshots: DownloadSnapshot[] = [];
    download.onChange((snapshot) => snapshots.push(snapshot));
    const startedMs = Date.now();

    await download.start();

    const elapsedMs = Date.now() - startedMs;
    const states = snapshots.map((snapshot) => snapshot.state);
    expect(states).toContain('downloading');
    expect(states.at(-1)).toBe('completed');
    const moving = snapshots.filter((snapshot) => snapshot.state === 'downloading' && snapshot.progress.bytesDone > 0);
    expect(moving.length).toBeGreaterThan(0);
    // The first verified chunk is told at once, not at the next tick: it shows the download started.
    expect(moving[0]?.progress.bytesDone).toBe(record.manifest.chunkSizeBytes);
    const isEstimating = (snapshot: DownloadSnapshot): boolean =>
      snapshot.progress.speedBytesPerSec > 0 && snapshot.progress.etaSeconds !== undefined;
    expect(moving.some(isEstimating)).toBe(true);
    expect(moving.every((snapshot) => snapshot.progress.activePeers === 1)).toBe(true);
    const done = snapshots.map((snapshot) => snapshot.progress.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(snapshots.at(-1)?.progress.bytesDone).toBe(bytes.byteLength);
    // Throttled: far fewer notifications than the 24 chunks, about one per interval plus state changes.
    expect(snapshots.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + 4);
  });

  it('counts chunks already stored as done from the start', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('half.bin', randomBytes(4 * CHUNK)), peer('ben').store);
    await peer('ana').store.putFile(record);
    const first = await peer('ben').store.getChunk(record.contentId, 0);
    if (first) await peer('ana').store.putChunk(record.contentId, 0, first);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const firstDownloading = new Promise<number>((resolve) =>
      download.onChange((snapshot) => snapshot.state === 'downloading' && resolve(snapshot.progress.bytesDone)),
    );
    await download.start();
    expect(await firstDownloading).toBe(chunkLength(record.manifest.size, record.manifest.chunkSizeBytes, 0));
  });

  it('is cancelled while still connecting, without waiting for the holder', async () => {
    const { network, peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('slow-start.bin', randomBytes(1000)), peer('ben').store);
    network.stall('ben');
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const finished = download.start();
    await waitUntil(() => peer('ana').pool.connectedPeerIds().includes('ben'), 'ana connected to ben');
    expect(download.state).toBe('connecting');

    download.cancel();
    await finished;

    expect(download.state).toBe('cancelled');
    expect(await peer('ana').store.getFile(record.contentId)).toBeUndefined();
  });

  it('stays cancelled when cancelled before it started', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('never.bin', randomBytes(1000)), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    download.cancel();
    await download.start();
    expect(download.state).toBe('cancelled');
    expect(peer('ben').served).toEqual([]);
  });
});
