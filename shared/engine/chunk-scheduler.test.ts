import { describe, expect, it } from 'vitest';
import { ChunkScheduler } from './chunk-scheduler';

/** Ties go to the lowest index: the reservoir keeps the first candidate when random() is ~1. */
const firstOfTies = (): number => 0.999_999;

/** A scheduler whose peers each hold every missing chunk. */
function withSeeders(missing: number[], ...peerIds: string[]): ChunkScheduler {
  const scheduler = new ChunkScheduler(missing, firstOfTies);
  for (const peerId of peerIds) scheduler.addPeer(peerId, missing);
  return scheduler;
}

describe('ChunkScheduler', () => {
  it('hands out each missing chunk to one peer at a time', () => {
    const scheduler = withSeeders([5, 1, 3], 'ana', 'ben');
    const assigned = [scheduler.assign('ana'), scheduler.assign('ben'), scheduler.assign('ana')];
    expect(assigned.sort()).toEqual([1, 3, 5]);
    expect(scheduler.assign('ben')).toBeUndefined();
    expect(scheduler.inFlightCount('ana')).toBe(2);
    expect(scheduler.inFlightCount('ben')).toBe(1);
  });

  it('is done at once when nothing is missing', () => {
    const scheduler = new ChunkScheduler([]);
    expect(scheduler.isDone).toBe(true);
    expect(scheduler.needsPeers).toBe(false);
  });

  it('asks a peer only for chunks it has', () => {
    const scheduler = new ChunkScheduler([0, 1, 2, 3], firstOfTies);
    scheduler.addPeer('partial', [2]);
    expect(scheduler.assign('partial')).toBe(2);
    expect(scheduler.assign('partial')).toBeUndefined();
    expect(scheduler.assign('stranger')).toBeUndefined();
  });

  it('picks the chunk the fewest peers hold first', () => {
    const scheduler = new ChunkScheduler([0, 1, 2, 3], firstOfTies);
    scheduler.addPeer('ana', [0, 1, 2, 3]);
    scheduler.addPeer('ben', [0, 1, 3]);
    scheduler.addPeer('cleo', [0, 3]);
    expect(scheduler.holderCount(0)).toBe(3);
    expect(scheduler.holderCount(2)).toBe(1);
    expect([scheduler.assign('ana'), scheduler.assign('ana'), scheduler.assign('ana'), scheduler.assign('ana')]).toEqual([
      2, 1, 0, 3,
    ]);
  });

  it('breaks ties at random, so peers starting together fetch different chunks', () => {
    const seen = new Set<number>();
    for (let run = 0; run < 40; run += 1) {
      const scheduler = new ChunkScheduler([0, 1, 2, 3, 4, 5, 6, 7]);
      scheduler.addPeer('ana', [0, 1, 2, 3, 4, 5, 6, 7]);
      seen.add(scheduler.assign('ana') ?? -1);
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('offers a chunk a peer gains later, and counts it towards rarity', () => {
    const scheduler = new ChunkScheduler([0, 1], firstOfTies);
    scheduler.addPeer('growing', []);
    expect(scheduler.assign('growing')).toBeUndefined();
    expect(scheduler.hasWantedChunks('growing')).toBe(false);
    expect(scheduler.peerGained('growing', 1)).toBe(true);
    expect(scheduler.peerGained('growing', 1)).toBe(false); // already known
    expect(scheduler.holderCount(1)).toBe(1);
    expect(scheduler.assign('growing')).toBe(1);
  });

  it('stops asking a peer for a chunk it turned out to lack, and gives the chunk to another', () => {
    const scheduler = withSeeders([0], 'ana', 'ben');
    const index = scheduler.assign('ana') ?? -1;
    scheduler.release('ana', index);
    scheduler.peerLacks('ana', index);
    expect(scheduler.holderCount(index)).toBe(1);
    expect(scheduler.assign('ana')).toBeUndefined();
    expect(scheduler.assign('ben')).toBe(index);
  });

  it('frees a slot when a chunk arrives and finishes when every chunk is stored', () => {
    const scheduler = withSeeders([0, 1], 'ana');
    const first = scheduler.assign('ana') ?? -1;
    const second = scheduler.assign('ana') ?? -1;
    expect(scheduler.markReceived('ana', first)).toEqual([]);
    expect(scheduler.inFlightCount('ana')).toBe(1);
    scheduler.markDone(first);
    expect(scheduler.isDone).toBe(false);
    scheduler.markReceived('ana', second);
    expect(scheduler.needsPeers).toBe(false);
    scheduler.markDone(second);
    expect(scheduler.isDone).toBe(true);
    expect(scheduler.hasWantedChunks('ana')).toBe(false);
  });

  it('requeues every chunk of a peer that goes away and forgets what it held', () => {
    const scheduler = withSeeders([0, 1, 2, 3], 'ana', 'ben');
    scheduler.assign('ana');
    scheduler.assign('ben');
    scheduler.assign('ana');
    expect(scheduler.removePeer('ana')).toEqual([0, 2]);
    expect(scheduler.inFlightCount('ana')).toBe(0);
    expect(scheduler.holderCount(0)).toBe(1);
    expect([scheduler.assign('ben'), scheduler.assign('ben'), scheduler.assign('ben')].sort()).toEqual([0, 2, 3]);
    expect(scheduler.assign('ana')).toBeUndefined();
  });

  it('takes back a paused peer’s requests but keeps what it holds', () => {
    const scheduler = withSeeders([0, 1], 'ana');
    scheduler.assign('ana');
    scheduler.assign('ana');
    expect(scheduler.releaseRequestsOf('ana')).toEqual([0, 1]);
    expect(scheduler.pendingCount).toBe(2);
    expect(scheduler.assign('ana')).toBe(0);
  });

  it('ignores answers from a peer that no longer owns the chunk', () => {
    const scheduler = withSeeders([0], 'ana', 'ben');
    scheduler.assign('ana');
    scheduler.releaseRequestsOf('ana');
    scheduler.assign('ben');
    expect(scheduler.markReceived('ana', 0)).toBeUndefined();
    expect(scheduler.release('ana', 0)).toBe(false);
    expect(scheduler.inFlightCount('ben')).toBe(1);
  });

  it('fetches a rejected chunk again', () => {
    const scheduler = withSeeders([0], 'liar', 'ben');
    scheduler.assign('liar');
    scheduler.markReceived('liar', 0);
    scheduler.markRejected(0);
    expect(scheduler.needsPeers).toBe(true);
    scheduler.removePeer('liar');
    expect(scheduler.assign('ben')).toBe(0);
    scheduler.markReceived('ben', 0);
    scheduler.markDone(0);
    expect(scheduler.isDone).toBe(true);
  });

  it('lets an idle peer race the chunk asked for last once nothing is pending (end game)', () => {
    const scheduler = withSeeders([0, 1], 'slow', 'fast', 'third');
    scheduler.assign('slow');
    scheduler.assign('slow');
    // Chunk 1 most likely still waits behind chunk 0 in slow's queue: taking it saves the most.
    expect(scheduler.assign('fast')).toBe(1);
    expect(scheduler.assign('fast')).toBeUndefined(); // one race at a time per peer
    expect(scheduler.markReceived('fast', 1)).toEqual(['slow']);
    expect(scheduler.inFlightCount('slow')).toBe(1);
    expect(scheduler.release('slow', 1)).toBe(false); // its cancelled request means nothing
    expect(scheduler.assign('fast')).toBe(0);
    expect(scheduler.assign('third')).toBeUndefined(); // two fetchers per chunk at most
  });

  it('races only for chunks the idle peer has', () => {
    const scheduler = new ChunkScheduler([0, 1], firstOfTies);
    scheduler.addPeer('slow', [0, 1]);
    scheduler.addPeer('partial', [1]);
    scheduler.assign('slow');
    scheduler.assign('slow');
    expect(scheduler.assign('partial')).toBe(1);
  });

  it('keeps a raced chunk in flight when one of its two fetchers fails', () => {
    const scheduler = withSeeders([0], 'slow', 'fast');
    scheduler.assign('slow');
    scheduler.assign('fast');
    expect(scheduler.removePeer('slow')).toEqual([0]);
    expect(scheduler.pendingCount).toBe(0);
    expect(scheduler.inFlightCount('fast')).toBe(1);
    scheduler.release('fast', 0);
    expect(scheduler.pendingCount).toBe(1);
  });
});

describe('ChunkScheduler focused on a playhead', () => {
  const range = (from: number, to: number): number[] => [...Array(to - from).keys()].map((offset) => from + offset);
  /** `count` assignments to `peerId`, in order. */
  const assignMany = (scheduler: ChunkScheduler, peerId: string, count: number) => range(0, count).map(() => scheduler.assign(peerId));

  it('hands out the chunks from the focus on in order, across peers, within the window', () => {
    const scheduler = withSeeders(range(0, 64), 'ana', 'ben');
    scheduler.focusOn(20);
    expect([scheduler.assign('ana'), scheduler.assign('ben'), scheduler.assign('ana'), scheduler.assign('ben')]).toEqual([20, 21, 22, 23]);
    expect(assignMany(scheduler, 'ana', 12)).toEqual(range(24, 36));
  });

  it('goes back to rarest first once the window has nothing pending, and fetches the chunks behind the focus too', () => {
    const scheduler = new ChunkScheduler(range(0, 40), firstOfTies, 4);
    scheduler.addPeer('ana', range(0, 40));
    scheduler.addPeer('ben', range(0, 40).filter((index) => index !== 3)); // chunk 3 is the rarest
    scheduler.focusOn(30);
    expect(assignMany(scheduler, 'ana', 4)).toEqual([30, 31, 32, 33]);
    expect(scheduler.assign('ana')).toBe(3);
    const rest = assignMany(scheduler, 'ana', 35);
    expect(rest.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([...range(0, 3), ...range(4, 30), ...range(34, 40)]);
    expect(scheduler.pendingCount).toBe(0);
  });

  it('asks a peer only for chunks it has, skipping window chunks it lacks', () => {
    const scheduler = new ChunkScheduler(range(0, 32), firstOfTies);
    scheduler.addPeer('partial', range(0, 32).filter((index) => index % 2 === 1));
    scheduler.focusOn(10);
    expect(assignMany(scheduler, 'partial', 3)).toEqual([11, 13, 15]);
  });

  it('moves to a new focus (a seek): its window comes next, the old window stays in flight', () => {
    const scheduler = withSeeders(range(0, 100), 'ana');
    scheduler.focusOn(0);
    expect(assignMany(scheduler, 'ana', 3)).toEqual([0, 1, 2]);
    scheduler.focusOn(80);
    expect(scheduler.focusIndex).toBe(80);
    expect(assignMany(scheduler, 'ana', 3)).toEqual([80, 81, 82]);
    expect(scheduler.inFlightCount('ana')).toBe(6);
    // A chunk of the window that failed goes back to pending and comes first again.
    scheduler.release('ana', 81);
    expect(scheduler.assign('ana')).toBe(81);
  });

  it('skips stored and in-flight chunks of the window', () => {
    const scheduler = withSeeders(range(0, 20), 'ana', 'ben');
    scheduler.focusOn(5);
    expect(scheduler.assign('ana')).toBe(5);
    scheduler.markReceived('ana', 5);
    scheduler.markDone(5);
    expect(scheduler.assign('ben')).toBe(6);
    expect(scheduler.assign('ana')).toBe(7);
  });

  it('is rarest first again once the focus is dropped', () => {
    const scheduler = new ChunkScheduler(range(0, 8), firstOfTies);
    scheduler.addPeer('ana', range(0, 8));
    scheduler.addPeer('ben', range(0, 7)); // chunk 7 is the rarest
    scheduler.focusOn(0);
    expect(scheduler.assign('ana')).toBe(0);
    scheduler.focusOn(undefined);
    expect(scheduler.assign('ana')).toBe(7);
  });

  it('fetches a chunk a reader is blocked on before the focus window, until it is stored', () => {
    const scheduler = withSeeders(range(0, 64), 'ana');
    scheduler.focusOn(40);
    scheduler.setAwaited(3, true);
    scheduler.setAwaited(60, true);
    expect(assignMany(scheduler, 'ana', 4)).toEqual([3, 60, 40, 41]);
    // Back to pending (its peer failed), it comes first again.
    scheduler.release('ana', 60);
    expect(scheduler.assign('ana')).toBe(60);
    scheduler.setAwaited(10, true);
    scheduler.setAwaited(10, false); // the reader gave up
    expect(scheduler.assign('ana')).toBe(42);
    scheduler.markReceived('ana', 3);
    scheduler.markDone(3);
    scheduler.setAwaited(3, true); // stored already: nothing to fetch
    expect(scheduler.assign('ana')).toBe(43);
  });

  it('asks a second peer for an awaited chunk a single peer is fetching, so a slow holder does not hold up playback', () => {
    const scheduler = withSeeders(range(0, 32), 'slow', 'fast', 'third');
    scheduler.focusOn(0);
    expect(scheduler.assign('slow')).toBe(0);
    scheduler.setAwaited(0, true);
    expect(scheduler.assign('fast')).toBe(0);
    expect(scheduler.assign('third')).toBe(1); // two fetchers at most: back to the window
    expect(scheduler.assign('fast')).toBe(2);
    expect(scheduler.markReceived('fast', 0)).toEqual(['slow']);
  });

  it('keeps the end game with a focus: an idle peer races the chunk asked for last', () => {
    const scheduler = withSeeders([10, 11], 'slow', 'fast');
    scheduler.focusOn(10);
    expect(assignMany(scheduler, 'slow', 2)).toEqual([10, 11]);
    expect(scheduler.assign('fast')).toBe(11);
    expect(scheduler.markReceived('fast', 11)).toEqual(['slow']);
  });

  it('after a far seek, names the requests a holder should give up so the awaited chunk gets a slot at once', () => {
    const scheduler = withSeeders(range(0, 40), 'ben');
    scheduler.focusOn(0);
    expect(assignMany(scheduler, 'ben', 16)).toEqual(range(0, 16));
    // Nobody waits: a full queue is left alone.
    expect(scheduler.requestsToYieldTo('ben', 2)).toEqual([]);
    scheduler.focusOn(30);
    scheduler.setAwaited(30, true);
    scheduler.setAwaited(3, true); // a second reader, still waiting for a chunk of the old window
    // Two slots: the awaited 3 keeps one, 30 gets the other; the rest of the old window goes, newest first.
    const yielded = scheduler.requestsToYieldTo('ben', 2);
    expect(yielded).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 2, 1, 0]);
    for (const index of yielded) expect(scheduler.release('ben', index)).toBe(true);
    expect(scheduler.assign('ben')).toBe(30);
    expect(scheduler.requestsToYieldTo('ben', 2)).toEqual([]);
    expect(scheduler.requestsToYieldTo('ben', 1)).toEqual([]); // awaited chunks are never given up
  });

  it('gives up requests inside the focus window only after those outside it, and never an awaited one', () => {
    const scheduler = withSeeders(range(0, 40), 'ben');
    scheduler.focusOn(20);
    expect(assignMany(scheduler, 'ben', 3)).toEqual([20, 21, 22]);
    scheduler.focusOn(undefined);
    const outsider = scheduler.assign('ben'); // fetched rarest first, outside any window
    expect(outsider === undefined || (outsider >= 20 && outsider < 36)).toBe(false);
    scheduler.focusOn(20);
    scheduler.setAwaited(21, true);
    // 21 is awaited and in flight; the limit is two, so two of the other three go: the outsider first.
    expect(scheduler.requestsToYieldTo('ben', 2)).toEqual([outsider, 22]);
  });
});
