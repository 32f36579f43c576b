/**
 * The steady window of a capped transfer, and what the caps allow over it. Timed from the first
 * verified chunk, four capped seeders read above four times one: each seeder's rate limiter starts
 * with a full bucket, and the chunks other seeders had half sent when the first was verified counted
 * as if they had arrived inside the window. So the window opens once each seeder has had two chunks'
 * time to spend its burst and closes before the last chunks (the end game, when seeders fall idle),
 * and counts the bytes that arrived in it (the downloading page's data-channel counters) rather than
 * the chunks verified in it, which are bytes received earlier.
 */
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../shared/protocol/peer-messages';
import { RATE_LIMITED_BLOCK_MS } from '../shared/engine/transfer-policy';
import type { PhysicalLimit } from './physical-limit';

/** What a page's peer connections had received at one instant (bench/received-bytes.ts). */
export interface ReceivedSnapshot {
  /** Page time, ms (performance.now()). */
  atMs: number;
  /** Bytes received on each connection's data channels, by the bench's id for the connection. */
  byConnection: Record<string, number>;
}

/** The verified-progress points at which the window opens and closes. */
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

/** The block a seeder sends under an upload limit (serve-queue.ts cuts blocks to RATE_LIMITED_BLOCK_MS of it). */
export function limitedBlockBytes(capBytesPerSec: number): number {
  return Math.max(1024, Math.min(BLOCK_BYTES, Math.floor((capBytesPerSec * RATE_LIMITED_BLOCK_MS) / 1000)));
}

/**
 * The most `seeders` capped at `capBytesPerSec` can deliver over a steady window of `seconds`, in
 * bytes received per second: a rate limiter lets through its rate × time plus one take (a block)
 * beyond what it held when the window opened, which is nothing once its burst is spent, and each
 * block arrives in a frame with its header.
 */
export function cappedRateLimit(capBytesPerSec: number, seeders: number, seconds: number): number {
  const blockBytes = limitedBlockBytes(capBytesPerSec);
  const framing = (blockBytes + BLOCK_HEADER_BYTES) / blockBytes;
  return seeders * (capBytesPerSec + blockBytes / seconds) * framing;
}

/**
 * What n capped seeders against one allow, given the shortest swarm window and the single seeder's:
 * n times one (give or take one block at a window's edge), n caps, and one cap for the baseline.
 * Above n times one means the baseline fell short of its cap, which leaves the ratio meaningless.
 * Values are in MiB/s, the figure's unit.
 */
export function cappedSwarmLimit(options: { capBytesPerSec: number; seeders: number; swarmSeconds: number; singleSeconds: number }): PhysicalLimit {
  const { capBytesPerSec, seeders, swarmSeconds, singleSeconds } = options;
  const MiB = 1024 * 1024;
  // A window's edges can gain (the swarm's) or lose (the single seeder's) one block against the cap.
  const edgeOf = (seconds: number): number => limitedBlockBytes(capBytesPerSec) / (capBytesPerSec * seconds);
  const maxRatio = (seeders * (1 + edgeOf(swarmSeconds))) / (1 - edgeOf(singleSeconds));
  return {
    maxRatio,
    maxValue: cappedRateLimit(capBytesPerSec, seeders, swarmSeconds) / MiB,
    maxBaselineValue: cappedRateLimit(capBytesPerSec, 1, singleSeconds) / MiB,
    because:
      `${seeders} seeders capped at ${(capBytesPerSec / MiB).toFixed(2)} MiB/s deliver at most ${seeders}x one ` +
      `(${maxRatio.toFixed(2)} with one ${limitedBlockBytes(capBytesPerSec) / 1024} KiB block at the edges of the ${swarmSeconds.toFixed(1)} s and ${singleSeconds.toFixed(1)} s windows), ` +
      `and no seeder more than its cap over a steady window`,
  };
}
