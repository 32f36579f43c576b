import { describe, expect, it } from 'vitest';
import { ChunkScheduler } from './chunk-scheduler';

describe('ChunkScheduler', () => {
  it('hands out missing chunks lowest first, each to one peer', () => {
    const scheduler = new ChunkScheduler([5, 1, 3]);
    expect(scheduler.assign('ana')).toBe(1);
    expect(scheduler.assign('ben')).toBe(3);
    expect(scheduler.assign('ana')).toBe(5);
    expect(scheduler.assign('ben')).toBeUndefined();
    expect(scheduler.inFlightCount('ana')).toBe(2);
    expect(scheduler.inFlightCount('ben')).toBe(1);
  });

  it('is done at once when nothing is missing', () => {
    const scheduler = new ChunkScheduler([]);
    expect(scheduler.isDone).toBe(true);
    expect(scheduler.needsPeers).toBe(false);
  });

  it('frees a slot when a chunk arrives and finishes when every chunk is stored', () => {
    const scheduler = new ChunkScheduler([0, 1]);
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
  });

  it('gives a failed chunk to the next peer before untouched ones', () => {
    const scheduler = new ChunkScheduler([0, 1, 2]);
    scheduler.assign('ana');
    expect(scheduler.release('ana', 0)).toBe(true);
    expect(scheduler.assign('ben')).toBe(0);
    expect(scheduler.assign('ben')).toBe(1);
  });

  it('requeues every chunk of a peer that goes away', () => {
    const scheduler = new ChunkScheduler([0, 1, 2, 3]);
    scheduler.assign('ana');
    scheduler.assign('ben');
    scheduler.assign('ana');
    expect(scheduler.releasePeer('ana')).toEqual([0, 2]);
    expect(scheduler.inFlightCount('ana')).toBe(0);
    expect([scheduler.assign('ben'), scheduler.assign('ben'), scheduler.assign('ben')].sort()).toEqual([0, 2, 3]);
  });

  it('ignores answers from a peer that no longer owns the chunk', () => {
    const scheduler = new ChunkScheduler([0]);
    scheduler.assign('ana');
    scheduler.releasePeer('ana');
    scheduler.assign('ben');
    expect(scheduler.markReceived('ana', 0)).toBeUndefined();
    expect(scheduler.release('ana', 0)).toBe(false);
    expect(scheduler.inFlightCount('ben')).toBe(1);
  });

  it('fetches a rejected chunk again', () => {
    const scheduler = new ChunkScheduler([0]);
    scheduler.assign('liar');
    scheduler.markReceived('liar', 0);
    scheduler.markRejected(0);
    expect(scheduler.needsPeers).toBe(true);
    expect(scheduler.assign('ben')).toBe(0);
    scheduler.markReceived('ben', 0);
    scheduler.markDone(0);
    expect(scheduler.isDone).toBe(true);
  });

  it('lets an idle peer race the oldest chunk in flight once nothing is pending (end game)', () => {
    const scheduler = new ChunkScheduler([0, 1]);
    scheduler.assign('slow');
    scheduler.assign('slow');
    expect(scheduler.assign('fast')).toBe(0);
    expect(scheduler.assign('fast')).toBeUndefined(); // one race at a time per peer
    expect(scheduler.markReceived('fast', 0)).toEqual(['slow']);
    expect(scheduler.inFlightCount('slow')).toBe(1);
    expect(scheduler.release('slow', 0)).toBe(false); // its cancelled request means nothing
    expect(scheduler.assign('fast')).toBe(1);
    expect(scheduler.assign('third')).toBeUndefined(); // two fetchers per chunk at most
  });

  it('keeps a raced chunk in flight when one of its two fetchers fails', () => {
    const scheduler = new ChunkScheduler([0]);
    scheduler.assign('slow');
    scheduler.assign('fast');
    expect(scheduler.releasePeer('slow')).toEqual([0]);
    expect(scheduler.pendingCount).toBe(0);
    expect(scheduler.inFlightCount('fast')).toBe(1);
    scheduler.release('fast', 0);
    expect(scheduler.pendingCount).toBe(1);
  });
});
