import { describe, expect, it } from 'vitest';
import { invalidReasonOf } from './physical-limit';
import { RATE_LIMIT_BURST_MS } from '../shared/engine/transfer-policy';
import {
  capAllowanceBytes,
  cappedRateLimit,
  cappedSwarmLimit,
  limitedBlockBytes,
  receivedBetween,
  releasedRateOfSeries,
  steadyRateBetween,
  steadyRateOfSeries,
  steadySpanFor,
  steadyTimesOfSeries,
  swarmSteadyRate,
  type ReceivedSnapshot,
  type SentSnapshot,
} from './steady-window';
import { figureOf, TARGETS } from './targets';

const MiB = 1024 * 1024;
const CAP = 2 * MiB;

describe('steadySpanFor', () => {
  it('opens after two chunks per seeder and closes two chunks per seeder before the end', () => {
    expect(steadySpanFor(48 * MiB, MiB, 4)).toEqual({ fromBytes: 8 * MiB, toBytes: 40 * MiB });
    expect(steadySpanFor(48 * MiB, MiB, 1)).toEqual({ fromBytes: 2 * MiB, toBytes: 46 * MiB });
  });

  it('refuses a file too small to leave a window at least as long as what it skips', () => {
    expect(() => steadySpanFor(16 * MiB, MiB, 4)).toThrow(/no steady window/);
  });
});

describe('receivedBetween', () => {
  it('sums what each connection received between the snapshots', () => {
    const from = { atMs: 0, byConnection: { a: 100, b: 1_000 } };
    const to = { atMs: 1_000, byConnection: { a: 600, b: 1_300 } };
    expect(receivedBetween(from, to)).toBe(800);
  });

  it('counts all of a connection opened in between and nothing of one closed in between', () => {
    const from = { atMs: 0, byConnection: { closed: 5_000, kept: 10 } };
    const to = { atMs: 1_000, byConnection: { kept: 20, opened: 300 } };
    expect(receivedBetween(from, to)).toBe(310);
  });
});

describe('steadyRateBetween', () => {
  it('divides the bytes received by the time between the snapshots', () => {
    const rate = steadyRateBetween({ atMs: 500, byConnection: { a: 0 } }, { atMs: 2_500, byConnection: { a: 4 * MiB } });
    expect(rate).toEqual({ bytesPerSecond: 2 * MiB, bytes: 4 * MiB, seconds: 2 });
  });

  it('refuses a window that lasted no time', () => {
    expect(() => steadyRateBetween({ atMs: 10, byConnection: {} }, { atMs: 10, byConnection: {} })).toThrow(/must last some time/);
  });
});

describe('steadyRateOfSeries', () => {
  /** A download read every 200 ms: `bytesPerTick` each tick after `idleTicks`, on one connection, over an older idle one. */
  const series = (bytesPerTick: number[]): ReceivedSnapshot[] => {
    let total = 0;
    return [0, ...bytesPerTick].map((bytes, tick) => {
      total += bytes;
      return { atMs: 1_000 + tick * 200, byConnection: { old: 5 * MiB, download: total } };
    });
  };

  it('times the bytes between the first read past the opening and the last read before the closing', () => {
    // A burst of 2 MiB at first, 0.4 MiB a tick after it, and an end game that trickles.
    const reads = series([2 * MiB, ...Array<number>(20).fill(0.4 * MiB), 0.1 * MiB, 0.1 * MiB]);
    const rate = steadyRateOfSeries(reads, { fromBytes: 3 * MiB, toBytes: 9 * MiB });
    // Opens at the 4th tick (3.2 MiB), closes at the 19th (9.2 MiB is past 9, so the 18th: 8.8 MiB).
    expect(rate.bytes).toBeCloseTo(5.6 * MiB, 0);
    expect(rate.seconds).toBeCloseTo(14 * 0.2, 6);
    expect(rate.bytesPerSecond).toBeCloseTo(2 * MiB, 0);
  });

  it('takes the slope through every read, so a burst of queued bytes at an end weighs little', () => {
    // 0.4 MiB a tick (2 MiB/s), but the window opens while the receiver is 0.3 MiB behind (a
    // stall), which it drains the tick after: the two ends alone read 3 % fast.
    const steady = (ticks: number) => Array<number>(ticks).fill(0.4 * MiB);
    const reads = series([...steady(5), 0.1 * MiB, 0.7 * MiB, ...steady(30)]);
    const span = { fromBytes: 2.1 * MiB, toBytes: 12 * MiB };
    const opening = reads.findIndex((read) => receivedBetween(reads[0] as ReceivedSnapshot, read) >= span.fromBytes);
    const closing = reads.findLastIndex((read) => receivedBetween(reads[0] as ReceivedSnapshot, read) <= span.toBytes);
    const twoEnds = steadyRateBetween(reads[opening] as ReceivedSnapshot, reads[closing] as ReceivedSnapshot).bytesPerSecond;
    expect(twoEnds / (2 * MiB)).toBeGreaterThan(1.02);
    const slope = steadyRateOfSeries(reads, span).bytesPerSecond;
    expect(Math.abs(slope - 2 * MiB)).toBeLessThan(Math.abs(twoEnds - 2 * MiB) / 2);
  });

  it('refuses when no two reads fall inside the window', () => {
    expect(() => steadyRateOfSeries(series([10 * MiB]), { fromBytes: 2 * MiB, toBytes: 8 * MiB })).toThrow(/No steady window/);
    expect(() => steadyRateOfSeries([], { fromBytes: 0, toBytes: 1 })).toThrow(/No snapshots/);
  });
});

/**
 * Capped seeders and a downloader, a tick at a time: each seeder's limiter releases its cap's worth
 * a tick into its send buffer (while the buffer is under the 4 MiB high-water mark), and the
 * downloader takes what it can that tick, an equal share from each seeder's buffer.
 */
function cappedTransfer(options: { seeders: number; ticks: number; tickMs: number; downloaderBytesPerTick: (tick: number) => number }) {
  const { seeders, ticks, tickMs } = options;
  const highWaterBytes = 4 * MiB;
  const releasedPerTick = (CAP * tickMs) / 1000;
  const sent = Array<number>(seeders).fill(0);
  const buffered = Array<number>(seeders).fill(0);
  const arrived = Array<number>(seeders).fill(0);
  const received: ReceivedSnapshot[] = [];
  const sentBySeeder: SentSnapshot[][] = sent.map(() => []);
  const snapshot = (atMs: number) => {
    received.push({ atMs, byConnection: Object.fromEntries(arrived.map((bytes, seeder) => [`link ${seeder}`, bytes])) });
    // The seeders' pages read their counters on their own timers, a little after the downloader's.
    sent.forEach((bytes, seeder) => sentBySeeder[seeder]?.push({ atMs: atMs + 10 + seeder, sentBytes: bytes, bufferedBytes: buffered[seeder] as number }));
  };
  snapshot(0);
  for (let tick = 1; tick <= ticks; tick++) {
    for (let seeder = 0; seeder < seeders; seeder++) {
      const released = Math.min(releasedPerTick, Math.max(0, highWaterBytes - (buffered[seeder] as number)));
      sent[seeder] = (sent[seeder] as number) + released;
      buffered[seeder] = (buffered[seeder] as number) + released;
      const taken = Math.min(buffered[seeder] as number, options.downloaderBytesPerTick(tick) / seeders);
      buffered[seeder] = (buffered[seeder] as number) - taken;
      arrived[seeder] = (arrived[seeder] as number) + taken;
    }
    snapshot(tick * tickMs);
  }
  return { received, sentBySeeder };
}

describe('the steady rate of capped seeders (released and received)', () => {
  const span = { fromBytes: 8 * MiB, toBytes: 40 * MiB };
  /** Four seeders at 2 MiB/s; the downloader takes nothing for its first second (connecting,
   * busy), so each seeder queues 2 MiB, then drains them at 16 MiB/s before keeping pace. */
  const stalledStart = () =>
    cappedTransfer({ seeders: 4, ticks: 26, tickMs: 250, downloaderBytesPerTick: (tick) => (tick <= 4 ? 0 : 4 * MiB) });

  it('shows how the downloader’s slope alone counts bytes queued before the window opened', () => {
    const { received } = stalledStart();
    const arrived = steadyRateOfSeries(received, span);
    // The window opens at 8 MiB received while 8 MiB still wait in the seeders' buffers.
    expect(arrived.bytesPerSecond / MiB).toBeGreaterThan(8.5);
    expect(arrived.bytesPerSecond).toBeGreaterThan(cappedRateLimit(CAP, 4, arrived.seconds));
  });

  it('times what the limiters released in the window, within the four caps, when queued bytes drain in it', () => {
    const { received, sentBySeeder } = stalledStart();
    const swarm = swarmSteadyRate(received, sentBySeeder, span);
    expect(swarm.received.bytesPerSecond / MiB).toBeGreaterThan(8.5);
    expect(swarm.rate).toBe(swarm.released);
    expect(swarm.rate.bytesPerSecond).toBeLessThanOrEqual(cappedRateLimit(CAP, 4, swarm.released.seconds));
    expect(swarm.rate.bytesPerSecond / MiB).toBeCloseTo(8, 6);
    swarm.bySeeder.forEach((seeder) => expect(seeder.bytesPerSecond / MiB).toBeCloseTo(2, 6));
    expect(swarm.bufferedAtOpen).toBe(4 * MiB); // 1 MiB a seeder when the window opened
    expect(swarm.bufferedAtClose).toBe(0);
  });

  it('never reads above what arrived when the downloader falls behind the caps', () => {
    // 6 MiB/s against 8 released: the seeders' buffers grow through the window.
    const slow = cappedTransfer({ seeders: 4, ticks: 30, tickMs: 250, downloaderBytesPerTick: () => 1.5 * MiB });
    const swarm = swarmSteadyRate(slow.received, slow.sentBySeeder, span);
    expect(swarm.released.bytesPerSecond / MiB).toBeCloseTo(8, 6);
    expect(swarm.rate).toBe(swarm.received);
    expect(swarm.rate.bytesPerSecond / MiB).toBeCloseTo(6, 6);
    expect(swarm.bufferedAtClose).toBeGreaterThan(swarm.bufferedAtOpen);
  });

  it('reads one steady seeder at its cap either way', () => {
    const single = cappedTransfer({ seeders: 1, ticks: 96, tickMs: 250, downloaderBytesPerTick: () => 4 * MiB });
    const swarm = swarmSteadyRate(single.received, single.sentBySeeder, { fromBytes: 2 * MiB, toBytes: 46 * MiB });
    expect(swarm.received.bytesPerSecond / MiB).toBeCloseTo(2, 6);
    expect(swarm.rate.bytesPerSecond / MiB).toBeCloseTo(2, 6);
  });

  it('takes each seeder’s sent bytes between its first snapshot inside the window and its last', () => {
    const series: SentSnapshot[] = [0, 200, 400, 600, 800].map((atMs, index) => ({ atMs, sentBytes: index * 100 + (index === 4 ? 1_000 : 0), bufferedBytes: index }));
    expect(releasedRateOfSeries(series, { fromMs: 150, toMs: 700 })).toEqual({ bytesPerSecond: 500, bytes: 200, seconds: 0.4, bufferedAtOpen: 1, bufferedAtClose: 3 });
  });

  it('refuses seeders’ snapshots that fall outside the window (too few, or on another clock)', () => {
    const { received, sentBySeeder } = stalledStart();
    const times = steadyTimesOfSeries(received, span);
    const otherClock = (sentBySeeder[0] ?? []).map((snapshot) => ({ ...snapshot, atMs: snapshot.atMs + 1e12 }));
    expect(() => releasedRateOfSeries(otherClock, times)).toThrow(/No two snapshots of the bytes sent inside the window/);
    expect(() => swarmSteadyRate(received, [], span)).toThrow(/No seeders/);
  });
});

describe('the capped seeders’ physical limit', () => {
  it('allows a cap per seeder, what its rate limiter lets through at once, and the blocks’ frame headers', () => {
    const block = limitedBlockBytes(CAP);
    expect(block).toBe(64 * 1024);
    const allowance = capAllowanceBytes(CAP);
    expect(allowance).toBe((CAP * RATE_LIMIT_BURST_MS) / 1000 + block);
    const oneSeederOver4s = cappedRateLimit(CAP, 1, 4);
    expect(oneSeederOver4s).toBeGreaterThan(CAP + allowance / 4);
    expect(oneSeederOver4s).toBeLessThan((CAP + allowance / 4) * 1.001);
    expect(cappedRateLimit(CAP, 4, 4)).toBeCloseTo(4 * oneSeederOver4s, 6);
  });

  const swarmFigure = (swarmMiBps: number, singleMiBps: number) =>
    figureOf({
      name: '4 seeders at 2 MiB/s each',
      value: swarmMiBps,
      unit: 'MiB/s',
      baseline: { name: '1 such seeder', value: singleMiBps },
      target: TARGETS.cappedSwarm,
      limit: cappedSwarmLimit({ capBytesPerSec: CAP, seeders: 4, swarmSeconds: 4, singleSeconds: 16 }),
    });

  it('refuses the 5.15x a burst-inflated window once printed', () => {
    const figure = swarmFigure(10.3, 2);
    expect(invalidReasonOf(figure)).toMatch(/^ratio 5\.15 is above 4\.09; 10\.30 MiB\/s is above 8\.16 MiB\/s: 4 seeders capped at 2\.00 MiB\/s/);
  });

  it('accepts four full caps against one, and a swarm short of them', () => {
    expect(invalidReasonOf(swarmFigure(8, 2))).toBeUndefined();
    const short = swarmFigure(7.5, 2);
    expect(invalidReasonOf(short)).toBeUndefined();
    expect(short.meetsTarget).toBe(false);
    expect(swarmFigure(7.7, 2).meetsTarget).toBe(true);
  });

  it('misses the target above four times one, short of the caps’ allowance, without refusing it', () => {
    const justAbove = swarmFigure(8.06, 2);
    expect(invalidReasonOf(justAbove)).toBeUndefined();
    expect(justAbove.meetsTarget).toBe(false);
  });

  it('refuses a figure whose median is within the caps but one of whose turns is not', () => {
    const figure = figureOf({
      name: '4 seeders at 2 MiB/s each',
      value: 7.2,
      unit: 'MiB/s',
      baseline: { name: '1 such seeder', value: 2 },
      limit: cappedSwarmLimit({ capBytesPerSec: CAP, seeders: 4, swarmSeconds: 2, singleSeconds: 16 }),
      turns: { value: [5.8, 8.62], baseline: [2] },
    });
    expect(invalidReasonOf(figure)).toMatch(/^turn 2's 8\.62 MiB\/s is above 8\.33 MiB\/s/);
  });

  it('refuses a ratio above four made by a baseline short of its cap, and a baseline above its cap', () => {
    expect(invalidReasonOf(swarmFigure(8, 1.8))).toMatch(/ratio 4\.44 is above/);
    expect(invalidReasonOf(swarmFigure(8.4, 2.1))).toMatch(/the baseline's 2\.10 MiB\/s is above 2\.0\d MiB\/s/);
  });
});
