import { describe, expect, it } from 'vitest';
import { VerifiedChunks, verifiedChunksOf } from './verified-chunks';

describe('VerifiedChunks', () => {
  it('trusts a chunk only in the version it was verified in, and from the source it was read from', () => {
    const verified = new VerifiedChunks();
    verified.remember('store', 'file-a', 3, 'v1');
    expect(verified.isVerified('store', 'file-a', 3, 'v1')).toBe(true);
    expect(verified.isVerified('store', 'file-a', 3, 'v2')).toBe(false);
    expect(verified.isVerified('original', 'file-a', 3, 'v1')).toBe(false);
    expect(verified.isVerified('store', 'file-a', 4, 'v1')).toBe(false);
    expect(verified.isVerified('store', 'file-b', 3, 'v1')).toBe(false);
    verified.forget('store', 'file-a', 3);
    expect(verified.isVerified('store', 'file-a', 3, 'v1')).toBe(false);
  });

  it('holds at most its bound, forgetting the chunks remembered longest ago first', () => {
    const verified = new VerifiedChunks(3);
    for (const index of [0, 1, 2]) verified.remember('store', 'file', index, 'v');
    verified.remember('store', 'file', 0, 'v'); // verified again: the newest now
    verified.remember('store', 'file', 3, 'v');
    expect(verified.size).toBe(3);
    expect([0, 1, 2, 3].map((index) => verified.isVerified('store', 'file', index, 'v'))).toEqual([true, false, true, true]);
  });

  it('keeps one cache per store object, so a store made anew starts with nothing verified', () => {
    const store = {};
    verifiedChunksOf(store).remember('store', 'file', 0, 'v');
    expect(verifiedChunksOf(store).isVerified('store', 'file', 0, 'v')).toBe(true);
    expect(verifiedChunksOf({}).isVerified('store', 'file', 0, 'v')).toBe(false);
  });
});
