import { describe, expect, it } from 'vitest';
import type { Holder } from '../protocol/tracker-messages';
import { ShoalError } from '../protocol/errors';
import type { MemoryChunkStore } from './memory-chunk-store';
import {
  CHUNK,
  createSwarm,
  downloadInto,
  holdersOf,
  readStoredFile,
  rejectionOf,
  servedChunkIndices,
  sha256Of,
  shareAmong,
} from './test-fixtures';
import { FOCUS_WINDOW_CHUNKS } from './transfer-policy';

/** The indices the store is given, in the order they are stored (each one verified first). */
function storeOrderOf(store: MemoryChunkStore): number[] {
  const order: number[] = [];
  const putChunk = store.putChunk.bind(store);
  store.putChunk = async (contentId, index, bytes) => {
    await putChunk(contentId, index, bytes);
    order.push(index);
  };
  return order;
}

const range = (from: number, to: number): number[] => [...Array(to - from).keys()].map((offset) => from + offset);

describe('Download focused on a playhead', () => {
  it('fetches the chunks from the focus on first, in order, from several seeders, then the rest', async () => {
    const seeders = ['s1', 's2', 's3'];
    const swarm = createSwarm(['ana', ...seeders]);
    for (const id of seeders) swarm.network.setConditions(id, { bytesPerSecond: 16 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, seeders, 48 * CHUNK, 'film.webm');
    const stored = storeOrderOf(swarm.peer('ana').store);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf(...seeders));

    download.focusOn(30);
    await download.start();

    expect(download.state).toBe('completed');
    const isInWindow = (index: number): boolean => index >= 30 && index < 30 + FOCUS_WINDOW_CHUNKS;
    expect(stored.slice(0, 10).filter((index) => !isInWindow(index))).toEqual([]);
    // The first chunks of the window came first; those behind the focus were fetched afterwards.
    expect(Math.max(...range(30, 36).map((index) => stored.indexOf(index)))).toBeLessThan(12);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('moves to a new focus (a seek far ahead): that region comes next, the chunks in between after it', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ben', { bytesPerSecond: 12 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben'], 40 * CHUNK, 'film.webm');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));

    download.focusOn(0);
    const finished = download.start();
    await download.whenStored(1);
    download.focusOn(24);
    await download.whenStored(27);
    const storedByThen = await swarm.peer('ana').store.listChunkIndices(record.contentId);
    await finished;

    expect(download.state).toBe('completed');
    expect(storedByThen.filter((index) => index >= 8 && index < 24)).toEqual([]);
    // Ben serves in the order he is asked: the new window before anything between the two focuses.
    const served = servedChunkIndices(swarm.peer('ben'));
    const lastOfWindow = Math.max(...range(24, 40).map((index) => served.indexOf(index)));
    const firstBetween = Math.min(...range(16, 24).map((index) => served.indexOf(index)));
    expect(lastOfWindow).toBeLessThan(firstBetween);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('reports a chunk only once verified and stored: a lying seeder at the focus does not resolve it', async () => {
    const swarm = createSwarm(['ana', 'liar', 'cleo']);
    const { bytes, record } = await shareAmong(swarm, ['liar', 'cleo'], 12 * CHUNK, 'film.webm');
    swarm.network.lie('liar');
    const liarOnly: Holder[] = [{ id: 'liar', name: 'liar' }];
    let queries = 0;
    // Only the liar is listed at first, so the chunk at the focus is asked of it; cleo comes later.
    const holders = async (): Promise<Holder[]> => (queries++ < 2 ? liarOnly : [...liarOnly, { id: 'cleo', name: 'cleo' }]);
    const download = downloadInto(swarm.peer('ana'), record, holders, { holderPollIntervalMs: 30 });

    download.focusOn(7);
    const chunkSeven = download.whenStored(7);
    const finished = download.start();
    await chunkSeven;

    expect(servedChunkIndices(swarm.peer('liar'))).toContain(7);
    expect(servedChunkIndices(swarm.peer('cleo'))).toContain(7);
    const stored = await swarm.peer('ana').store.getChunk(record.contentId, 7);
    expect(stored && (await sha256Of(stored))).toBe(await sha256Of(bytes.slice(7 * CHUNK, 8 * CHUNK)));
    expect(download.snapshot().peerFailures).toEqual([expect.objectContaining({ peerId: 'liar', code: 'CHUNK_CORRUPT' })]);
    await finished;
    expect(download.state).toBe('completed');
  });

  it('fetches a chunk a reader waits for before the focus window, wherever it is', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ben', { bytesPerSecond: 12 * CHUNK });
    const { record } = await shareAmong(swarm, ['ben'], 40 * CHUNK, 'film.webm');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));

    download.focusOn(0);
    const finished = download.start();
    await download.whenStored(0);
    await download.whenStored(35);
    const served = servedChunkIndices(swarm.peer('ben'));
    // Asked for at once, behind at most the requests already in flight (ben's window).
    expect(served.indexOf(35)).toBeLessThan(FOCUS_WINDOW_CHUNKS);
    await finished;
    expect(download.state).toBe('completed');
  });

  it('is not held up by a holder that stops sending: a chunk the player waits for is asked of another too', async () => {
    const swarm = createSwarm(['ana', 'staller', 'fast'], { requestTimeoutMs: 5_000 });
    // Busy for 6 s with its share of the file: it does not turn idle (end game) before the timeout.
    swarm.network.setConditions('fast', { bytesPerSecond: 8 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['staller', 'fast'], 48 * CHUNK, 'film.webm');
    swarm.peer('staller').pool.onServe((event) => event.type === 'chunk-served' && swarm.network.stall('staller'));
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('staller', 'fast'));

    download.focusOn(0);
    const finished = download.start();
    // A player reading the first half in order, while the staller sits on the chunks it was asked for.
    for (const index of range(0, 8)) await download.whenStored(index);

    // Read before the staller's requests timed out: those chunks were asked of the fast holder too.
    expect(download.snapshot().peerFailures).toEqual([]);
    const stored = await Promise.all(range(0, 8).map((index) => swarm.peer('ana').store.getChunk(record.contentId, index)));
    const isIntact = (chunk: Uint8Array | undefined, index: number): boolean =>
      chunk !== undefined && Buffer.compare(chunk, bytes.subarray(index * CHUNK, (index + 1) * CHUNK)) === 0;
    expect(stored.every(isIntact)).toBe(true);
    await download.cancel();
    await finished;
  });

  it('answers at once for a stored chunk, refuses one outside the file, and rejects waits when cancelled or aborted', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ben', { bytesPerSecond: 4 * CHUNK });
    const { record } = await shareAmong(swarm, ['ben'], 16 * CHUNK, 'film.webm');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));
    download.focusOn(0);
    const finished = download.start();

    await download.whenStored(0);
    await download.whenStored(0); // stored: at once
    expect(await rejectionOf(download.whenStored(16))).toMatchObject({ code: 'BAD_REQUEST' });
    const reader = new AbortController();
    const aborted = download.whenStored(15, reader.signal);
    reader.abort(new Error('the player went away'));
    expect(await rejectionOf(aborted)).toMatchObject({ message: 'the player went away' });
    const pending = rejectionOf(download.whenStored(14));
    await download.cancel();
    const error = await pending;
    expect(error).toBeInstanceOf(ShoalError);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    await finished;
    expect(await rejectionOf(download.whenStored(13))).toMatchObject({ code: 'CANCELLED' });
  });

  it('resolves every wait when the download completes', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    const { record } = await shareAmong(swarm, ['ben'], 4 * CHUNK, 'film.webm');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));
    const waits = range(0, 4).map((index) => download.whenStored(index));
    await download.start();
    await Promise.all(waits);
    await download.whenStored(3);
    expect(download.state).toBe('completed');
    expect(await swarm.peer('ana').store.listChunkIndices(record.contentId)).toEqual(range(0, 4));
  });

  it('a far seek behind one upload-capped seeder with many requests in flight waits a few chunk times, not the whole queue', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    const chunksPerSecond = 4;
    swarm.peer('ben').pool.setUploadLimit(chunksPerSecond * CHUNK);
    // A distant holder gets a connection per request (LINKS_PER_PEER), and ben serves them side by
    // side under his one cap: sixteen requests in flight, each at a sixteenth of his upload.
    swarm.network.setConditions('ana', { path: { kind: 'direct', rttMs: 40 } }, 'ben');
    const { bytes, record } = await shareAmong(swarm, ['ben'], 40 * CHUNK, 'film.webm');
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));

    download.focusOn(0);
    const finished = download.start();
    await download.whenStored(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the queue at ben fills again
    const seekAtMs = Date.now();
    download.focusOn(36);
    await download.whenStored(36);
    const waitedMs = Date.now() - seekAtMs;
    await finished;

    // Before the requests in flight were taken back for the awaited chunk this took 2 to 5 s (8 to
    // 21 chunk times); now about 3.
    expect(waitedMs).toBeLessThan((6 * 1000) / chunksPerSecond);
    expect(download.state).toBe('completed');
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  }, 30_000);
});
