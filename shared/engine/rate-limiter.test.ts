import { describe, expect, it } from 'vitest';
import { MIN_CHUNK_SIZE_BYTES } from '../content/chunking';
import { ShoalError } from '../protocol/errors';
import { RateLimiter } from './rate-limiter';
import { RATE_LIMIT_BURST_MS } from './transfer-policy';
import { VirtualClock } from './virtual-clock';

const KiB = 1024;

/** Lets promise callbacks run; the limiter resolves takes from timers, never synchronously inside them. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RateLimiter', () => {
  it('lets everything through at once when unlimited', async () => {
    const limiter = new RateLimiter(0, new VirtualClock());
    expect(limiter.isLimited).toBe(false);
    for (let round = 0; round < 100; round += 1) expect(limiter.tryTake(1024 * KiB)).toBe(true);
    await limiter.take(1024 * KiB);
  });

  it('keeps the bytes passed within the rate over a virtual time window', async () => {
    const clock = new VirtualClock();
    const rate = 100 * KiB;
    const limiter = new RateLimiter(rate, clock);
    let passedBytes = 0;
    let isRunning = true;
    const sender = (async () => {
      while (isRunning) {
        await limiter.take(4 * KiB);
        passedBytes += 4 * KiB;
      }
    })();
    for (let ms = 0; ms < 10_000; ms += 10) {
      clock.advanceBy(10);
      await settle();
    }
    isRunning = false;
    limiter.setBytesPerSecond(0);
    await sender;
    const burst = (rate * RATE_LIMIT_BURST_MS) / 1000;
    expect(passedBytes).toBeLessThanOrEqual(rate * 10 + burst + 8 * KiB);
    expect(passedBytes).toBeGreaterThanOrEqual(rate * 10 * 0.95);
  });

  it('saves up at most one chunk over a quiet spell, however high the limit', () => {
    const clock = new VirtualClock();
    const rate = 80 * 1024 * KiB; // RATE_LIMIT_BURST_MS of it would be several chunks
    const limiter = new RateLimiter(rate, clock);
    clock.advanceBy(60_000);
    let passedBytes = 0;
    while (limiter.tryTake(64 * KiB)) passedBytes += 64 * KiB;
    expect(passedBytes).toBe(MIN_CHUNK_SIZE_BYTES);

    // At a low limit the burst is RATE_LIMIT_BURST_MS of it.
    const slow = new RateLimiter(100 * KiB, clock);
    clock.advanceBy(60_000);
    let slowBytes = 0;
    while (slow.tryTake(KiB)) slowBytes += KiB;
    expect(slowBytes).toBe((100 * KiB * RATE_LIMIT_BURST_MS) / 1000);
  });

  it('lets one take overdraw the bucket and makes the next wait until the debt is repaid', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(10 * KiB, clock);
    expect(limiter.tryTake(100 * KiB)).toBe(true);
    expect(limiter.tryTake(1)).toBe(false);
    let isPassed = false;
    void limiter.take(1).then(() => (isPassed = true));
    clock.advanceBy(9_000);
    await settle();
    expect(isPassed).toBe(false);
    clock.advanceBy(1_000);
    await settle();
    expect(isPassed).toBe(true);
  });

  it('serves waiting callers in order', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(KiB, clock);
    limiter.tryTake(10 * KiB);
    const order: string[] = [];
    const takes = ['ana', 'ben', 'cleo'].map((name) => limiter.take(KiB).then(() => order.push(name)));
    expect(limiter.tryTake(1)).toBe(false); // nobody jumps the queue
    for (let second = 0; second < 20; second += 1) clock.advanceBy(1_000);
    await Promise.all(takes);
    expect(order).toEqual(['ana', 'ben', 'cleo']);
  });

  it('follows a new rate at once: raising the limit or lifting it frees waiting callers', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(KiB, clock);
    limiter.tryTake(61 * KiB); // the 1 KiB burst, then a minute of debt at 1 KiB/s
    let isPassed = false;
    void limiter.take(KiB).then(() => (isPassed = true));
    limiter.setBytesPerSecond(60 * KiB);
    clock.advanceBy(999);
    await settle();
    expect(isPassed).toBe(false);
    clock.advanceBy(10);
    await settle();
    expect(isPassed).toBe(true);

    limiter.tryTake(600 * KiB);
    let isLifted = false;
    void limiter.take(KiB).then(() => (isLifted = true));
    limiter.setBytesPerSecond(0);
    await settle();
    expect(isLifted).toBe(true);
    expect(limiter.bytesPerSecond).toBe(0);
  });

  it('resolves whenAvailable without taking anything', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(KiB, clock);
    limiter.tryTake(2 * KiB);
    let isAvailable = false;
    void limiter.whenAvailable().then(() => (isAvailable = true));
    clock.advanceBy(2_000);
    await settle();
    expect(isAvailable).toBe(true);
    expect(limiter.tryTake(KiB)).toBe(true);
  });

  it('refuses a negative or non-finite limit with BAD_REQUEST and keeps the old one', () => {
    const limiter = new RateLimiter(5 * KiB, new VirtualClock());
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => limiter.setBytesPerSecond(bad)).toThrow(ShoalError);
    }
    expect(limiter.bytesPerSecond).toBe(5 * KiB);
  });
});
