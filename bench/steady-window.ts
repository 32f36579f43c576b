/**
 * The steady window of a capped transfer, and what the caps allow over it. Timed from the first
 * verified chunk, four capped seeders read above four times one: each seeder's rate limiter starts
 * with a full bucket, and the chunks other seeders had half sent when the first was verified counted
 * as if they had arrived inside the window. So the window is placed on the bytes that arrived (the
 * downloading page's data-channel counters, read a few times a second), not on the chunks verified
 * (which trail them by as much as the store lags, up to 16 MiB): it opens once two chunks per
 * seeder have arrived, each seeder's burst long spent, and closes before the last chunks (the end
 * game, when seeders fall idle). Over it, a swarm is timed by the lower of what arrived and what the
 * seeders' limiters released (swarmSteadyRate): what arrives also drains send buffers filled before
 * the window opened, which read 8.20 MiB/s from four caps of 2.
 */
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../shared/protocol/peer-messages';
import { RateLimiter } from '../shared/engine/rate-limiter';
import { RATE_LIMITED_BLOCK_MS } from '../shared/engine/transfer-policy';
import type { PhysicalLimit } from './physical-limit';

/** What a page's peer connections had received at one instant (bench/received-bytes.ts). */
export interface ReceivedSnapshot {
  /** When the counters were read, epoch ms (the WebRTC stats' own timestamps). */
  atMs: number;
  /** Bytes received on each connection's data channels, by the bench's id for the connection. */
  byConnection: Record<string, number>;
}

/** The bytes received (since the download began) at which the window opens and closes. */
export interface SteadySpan {
  fromBytes: number;
  toBytes: number;
}

/**
 * Opens after two chunks per seeder (each seeder's burst, half a chunk at the bench's cap, long
 * spent) and closes two chunks per seeder before the end (a steady peer has about two chunks asked
 * of it, so until then each still has requests waiting); refuses a file too small to leave at
 * least as much in the window as it skips at the start.
 */
export function steadySpanFor(sizeBytes: number, chunkBytes: number, seeders: number): SteadySpan {
  const fromBytes = 2 * seeders * chunkBytes;
  const toBytes = sizeBytes - 2 * seeders * chunkBytes;
  if (toBytes - fromBytes < fromBytes) {
    throw new Error(`${sizeBytes} bytes in ${chunkBytes}-byte chunks leave no steady window for ${seeders} seeder(s)`);
  }
  return { fromBytes, toBytes };
}

/**
 * Bytes received between two snapshots, over the connections open at the second. A connection
 * that closed in between counts nothing (the figure can only come out low); one opened in between
 * counts everything it received, all of it after the first snapshot.
 */
export function receivedBetween(from: ReceivedSnapshot, to: ReceivedSnapshot): number {
  return Object.entries(to.byConnection).reduce((sum, [id, bytes]) => sum + Math.max(0, bytes - (from.byConnection[id] ?? 0)), 0);
}

export interface SteadyRate {
  bytesPerSecond: number;
  bytes: number;
  seconds: number;
}

export function steadyRateBetween(from: ReceivedSnapshot, to: ReceivedSnapshot): SteadyRate {
  const seconds = (to.atMs - from.atMs) / 1000;
  if (!(seconds > 0)) throw new Error(`A steady window must last some time (it lasted ${seconds} s)`);
  const bytes = receivedBetween(from, to);
  return { bytesPerSecond: bytes / seconds, bytes, seconds };
}

/** The least-squares slope of bytes over time (bytes per second) through points (ms, bytes). */
export function slopeBytesPerSecond(points: readonly { atMs: number; bytes: number }[]): number {
  const meanMs = points.reduce((sum, point) => sum + point.atMs, 0) / points.length;
  const meanBytes = points.reduce((sum, point) => sum + point.bytes, 0) / points.length;
  const covariance = points.reduce((sum, point) => sum + (point.atMs - meanMs) * (point.bytes - meanBytes), 0);
  const variance = points.reduce((sum, point) => sum + (point.atMs - meanMs) ** 2, 0);
  if (!(variance > 0)) throw new Error('A slope needs points at two times at least');
  return (covariance / variance) * 1000;
}

/** The first snapshot with `span.fromBytes` received and the last with at most `span.toBytes`. */
function steadyIndicesOf(series: readonly ReceivedSnapshot[], span: SteadySpan): { from: number; to: number; received: number[] } {
  const [start] = series;
  if (start === undefined) throw new Error('No snapshots of the bytes received');
  const received = series.map((snapshot) => receivedBetween(start, snapshot));
  const from = received.findIndex((bytes) => bytes >= span.fromBytes);
  const to = received.findLastIndex((bytes) => bytes <= span.toBytes);
  if (from < 0 || to <= from) {
    throw new Error(`No steady window between ${span.fromBytes} and ${span.toBytes} bytes received in ${series.length} snapshots (${received.join(', ')})`);
  }
  return { from, to, received };
}

/**
 * The steady rate of a download from snapshots taken through it (the first before its first byte),
 * between the first snapshot with `span.fromBytes` received and the last with at most
 * `span.toBytes`: the slope through every snapshot in between, not the two ends alone, because what
 * arrives in a window also depends on what sat in the senders' buffers when it opened and closed
 * (a downloader that stalls lets them fill, then drains them at once), and the ends weigh least in
 * a slope. Refuses when no two snapshots fall that way (too few taken, or the file too small).
 * A slope still counts the drain of buffers filled before the window: see swarmSteadyRate.
 */
export function steadyRateOfSeries(series: readonly ReceivedSnapshot[], span: SteadySpan): SteadyRate {
  const { from, to, received } = steadyIndicesOf(series, span);
  const between = steadyRateBetween(series[from] as ReceivedSnapshot, series[to] as ReceivedSnapshot);
  const points = series.slice(from, to + 1).map((snapshot, index) => ({ atMs: snapshot.atMs, bytes: received[from + index] as number }));
  return { ...between, bytesPerSecond: slopeBytesPerSecond(points) };
}

/** When a download's steady window opens and closes, epoch ms (the snapshots steadyRateOfSeries times). */
export interface SteadyTimes {
  fromMs: number;
  toMs: number;
}

export function steadyTimesOfSeries(series: readonly ReceivedSnapshot[], span: SteadySpan): SteadyTimes {
  const { from, to } = steadyIndicesOf(series, span);
  return { fromMs: (series[from] as ReceivedSnapshot).atMs, toMs: (series[to] as ReceivedSnapshot).atMs };
}

/** What a seeder's page had sent over its data channels at one instant (bench/sent-bytes.ts). */
export interface SentSnapshot {
  /** Epoch ms, read on the thread that sends. */
  atMs: number;
  /** Bytes given to its data channels so far: what its upload limiter let go, with the frames' headers. */
  sentBytes: number;
  /** Of those, the bytes still waiting in the channels' send buffers. */
  bufferedBytes: number;
}

/**
 * What one seeder's limiter released over a window: the bytes it sent between its first snapshot
 * at or after the opening and its last at or before the closing. The two ends, not a slope: a
 * token bucket bounds exactly this (rate × time + its burst + one take), while a slope through
 * points that each run up to a burst ahead of the line can read above it.
 */
export interface ReleasedRate extends SteadyRate {
  /** Bytes in the seeder's send buffers when its window opened and closed. */
  bufferedAtOpen: number;
  bufferedAtClose: number;
}

export function releasedRateOfSeries(series: readonly SentSnapshot[], times: SteadyTimes): ReleasedRate {
  const opening = series.find((snapshot) => snapshot.atMs >= times.fromMs);
  const closing = series.findLast((snapshot) => snapshot.atMs <= times.toMs);
  if (opening === undefined || closing === undefined || !(closing.atMs > opening.atMs)) {
    const span = series.length === 0 ? 'none' : `${series[0]?.atMs} to ${series.at(-1)?.atMs}`;
    throw new Error(`No two snapshots of the bytes sent inside the window ${times.fromMs} to ${times.toMs} (snapshots: ${span})`);
  }
  const seconds = (closing.atMs - opening.atMs) / 1000;
  const bytes = closing.sentBytes - opening.sentBytes;
  return { bytesPerSecond: bytes / seconds, bytes, seconds, bufferedAtOpen: opening.bufferedBytes, bufferedAtClose: closing.bufferedBytes };
}

export interface SwarmSteadyRate {
  /** The figure: the lower of the rate that arrived and the rate the seeders' limiters released. */
  rate: SteadyRate;
  /** The downloader's slope over the window (steadyRateOfSeries). */
  received: SteadyRate;
  /** The seeders' released rates summed; its seconds are the shortest seeder's window. */
  released: SteadyRate;
  bySeeder: ReleasedRate[];
  /** Bytes in the seeders' send buffers together when their windows opened and closed. */
  bufferedAtOpen: number;
  bufferedAtClose: number;
  /** When the window opened and closed, in the downloader's snapshots. */
  times: SteadyTimes;
}

/**
 * A download's steady rate from seeders that cannot exceed their caps, timed so that it cannot
 * either. What arrives in a window includes what the seeders released before it, queued in their
 * send buffers (up to the high-water mark, 4 MiB a link): a downloader that lagged at the start
 * drains them inside the window and reads above the caps. What each seeder sent over the same
 * window is what its limiter released in it, bounded by its cap; but it can run ahead of what
 * arrived when the downloader falls behind. So the figure is the lower of the two: never more
 * than arrived, never more than the limiters let through.
 */
export function swarmSteadyRate(received: readonly ReceivedSnapshot[], sentBySeeder: readonly (readonly SentSnapshot[])[], span: SteadySpan): SwarmSteadyRate {
  if (sentBySeeder.length === 0) throw new Error('No seeders’ sent bytes to time');
  const arrived = steadyRateOfSeries(received, span);
  const times = steadyTimesOfSeries(received, span);
  const bySeeder = sentBySeeder.map((series) => releasedRateOfSeries(series, times));
  const released: SteadyRate = {
    bytesPerSecond: bySeeder.reduce((sum, seeder) => sum + seeder.bytesPerSecond, 0),
    bytes: bySeeder.reduce((sum, seeder) => sum + seeder.bytes, 0),
    seconds: Math.min(...bySeeder.map((seeder) => seeder.seconds)),
  };
  return {
    rate: arrived.bytesPerSecond <= released.bytesPerSecond ? arrived : released,
    received: arrived,
    released,
    bySeeder,
    bufferedAtOpen: bySeeder.reduce((sum, seeder) => sum + seeder.bufferedAtOpen, 0),
    bufferedAtClose: bySeeder.reduce((sum, seeder) => sum + seeder.bufferedAtClose, 0),
    times,
  };
}

/** The block a seeder sends under an upload limit (serve-queue.ts cuts blocks to RATE_LIMITED_BLOCK_MS of it). */
export function limitedBlockBytes(capBytesPerSec: number): number {
  return Math.max(1024, Math.min(BLOCK_BYTES, Math.floor((capBytesPerSec * RATE_LIMITED_BLOCK_MS) / 1000)));
}

/** What a capped seeder may send beyond its rate over any window: the burst its rate limiter saves
 * up over a pause, and one take (a block) that overdraws it. */
export function capAllowanceBytes(capBytesPerSec: number): number {
  return new RateLimiter(capBytesPerSec).burstBytes() + limitedBlockBytes(capBytesPerSec);
}

/**
 * The most `seeders` capped at `capBytesPerSec` can deliver over a window of `seconds`, in bytes
 * received per second: a rate limiter lets through its rate × time plus its allowance (the burst
 * and one take), and each block arrives in a frame with its header.
 */
export function cappedRateLimit(capBytesPerSec: number, seeders: number, seconds: number): number {
  const blockBytes = limitedBlockBytes(capBytesPerSec);
  const framing = (blockBytes + BLOCK_HEADER_BYTES) / blockBytes;
  return seeders * (capBytesPerSec + capAllowanceBytes(capBytesPerSec) / seconds) * framing;
}

/**
 * What n capped seeders against one allow, given the shortest swarm window and the single seeder's:
 * n times one, give or take what a rate limiter lets through at once (its burst and a block: 2 %
 * over a 4 s window at 2 MiB/s), n caps, and one cap for the baseline. Above that, the baseline fell
 * short of its cap or the window was not what it claims, and the ratio means nothing.
 * Values are in MiB/s, the figure's unit.
 */
export function cappedSwarmLimit(options: { capBytesPerSec: number; seeders: number; swarmSeconds: number; singleSeconds: number }): PhysicalLimit {
  const { capBytesPerSec, seeders, swarmSeconds, singleSeconds } = options;
  const MiB = 1024 * 1024;
  // The swarm's window can gain a limiter's allowance against the caps; the single seeder's can
  // lose a block at its edges.
  const gain = capAllowanceBytes(capBytesPerSec) / (capBytesPerSec * swarmSeconds);
  const loss = limitedBlockBytes(capBytesPerSec) / (capBytesPerSec * singleSeconds);
  const maxRatio = (seeders * (1 + gain)) / (1 - loss);
  return {
    maxRatio,
    maxValue: cappedRateLimit(capBytesPerSec, seeders, swarmSeconds) / MiB,
    maxBaselineValue: cappedRateLimit(capBytesPerSec, 1, singleSeconds) / MiB,
    because:
      `${seeders} seeders capped at ${(capBytesPerSec / MiB).toFixed(2)} MiB/s deliver at most ${seeders}x one ` +
      `(${maxRatio.toFixed(2)} with the ${(capAllowanceBytes(capBytesPerSec) / 1024).toFixed(0)} KiB a rate limiter lets through at once, over windows of ${swarmSeconds.toFixed(1)} s and ${singleSeconds.toFixed(1)} s), ` +
      `and no seeder more than its cap; a reading above that counted bytes the senders had queued before the window opened`,
  };
}
