import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refills at its rate up to the capacity', () => {
    let nowMs = 0;
    const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, () => nowMs);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    nowMs += 499;
    expect(bucket.tryTake()).toBe(false);
    nowMs += 1;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    nowMs += 60_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });

  it('takes nothing when it refuses, so refusals do not push the next success further away', () => {
    let nowMs = 0;
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, () => nowMs);
    expect(bucket.tryTake()).toBe(true);
    for (let i = 0; i < 100; i++) expect(bucket.tryTake()).toBe(false);
    nowMs += 1_000;
    expect(bucket.tryTake()).toBe(true);
  });

  it('says when it has refilled completely, so an idle bucket can be forgotten', () => {
    let nowMs = 0;
    const bucket = new TokenBucket({ capacity: 2, refillPerSecond: 1 }, () => nowMs);
    expect(bucket.isFull()).toBe(true);
    bucket.tryTake();
    expect(bucket.isFull()).toBe(false);
    nowMs += 1_000;
    expect(bucket.isFull()).toBe(true);
  });

  it('ignores a clock that steps backwards', () => {
    let nowMs = 10_000;
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 1 }, () => nowMs);
    expect(bucket.tryTake()).toBe(true);
    nowMs = 0;
    expect(bucket.tryTake()).toBe(false);
  });
});
