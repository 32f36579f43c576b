import { describe, expect, it } from 'vitest';
import { PeerWindow } from './peer-window';
import { MIN_CHUNK_SIZE_BYTES } from '../content/chunking';
import {
  PEER_WINDOW_INITIAL_BYTES,
  PEER_WINDOW_MAX_BYTES,
  PEER_WINDOW_MIN_BYTES,
  PIPELINE_DEPTH_MAX,
  PIPELINE_DEPTH_MIN,
} from './transfer-policy';

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = MIN_CHUNK_SIZE_BYTES;

/** Feeds the window `bytesPerSecond` in chunk-sized pieces from `fromMs` to `toMs`. */
function feed(window: PeerWindow, bytesPerSecond: number, fromMs: number, toMs: number): void {
  const intervalMs = (CHUNK / bytesPerSecond) * 1000;
  for (let atMs = fromMs + intervalMs; atMs <= toMs; atMs += intervalMs) window.record(CHUNK, atMs);
}

describe('PeerWindow', () => {
  it('starts with the initial window before the peer is measured', () => {
    const window = new PeerWindow(CHUNK, 0);
    expect(window.limitBytes(0)).toBe(PEER_WINDOW_INITIAL_BYTES);
    expect(window.limitChunks(0)).toBe(PEER_WINDOW_INITIAL_BYTES / CHUNK);
  });

  it('grows for a fast peer, up to the cap', () => {
    const window = new PeerWindow(CHUNK, 0);
    feed(window, 100 * MiB, 0, 3_000);
    expect(window.limitBytes(3_000)).toBe(PEER_WINDOW_MAX_BYTES);
    expect(window.limitChunks(3_000)).toBe(Math.min(PIPELINE_DEPTH_MAX, PEER_WINDOW_MAX_BYTES / CHUNK));
    // Small chunks (a test file's, say) are capped in number rather than bytes.
    const small = new PeerWindow(64 * KiB, 0);
    feed(small, 100 * MiB, 0, 3_000);
    expect(small.limitChunks(3_000)).toBe(PIPELINE_DEPTH_MAX);
  });

  it('follows throughput: a 10 MiB/s peer keeps half a second of it in flight', () => {
    const window = new PeerWindow(CHUNK, 0);
    feed(window, 10 * MiB, 0, 4_000);
    expect(window.limitBytes(4_000)).toBeCloseTo(5 * MiB, -5);
  });

  it('shrinks to the minimum for a slow peer once measured', () => {
    const window = new PeerWindow(CHUNK, 0);
    feed(window, 512 * KiB, 0, 4_000);
    expect(window.limitBytes(4_000)).toBe(PEER_WINDOW_MIN_BYTES);
    expect(window.limitChunks(4_000)).toBe(Math.max(PIPELINE_DEPTH_MIN, PEER_WINDOW_MIN_BYTES / CHUNK));
  });

  it('halves its ceiling when the peer times out, and regains it as chunks arrive', () => {
    const window = new PeerWindow(CHUNK, 0);
    feed(window, 100 * MiB, 0, 3_000);
    window.shrink();
    window.shrink();
    expect(window.limitBytes(3_000)).toBe(PEER_WINDOW_MAX_BYTES / 4);
    feed(window, 100 * MiB, 3_000, 3_030);
    expect(window.limitBytes(3_030)).toBe(PEER_WINDOW_MAX_BYTES);
  });

  it('always keeps a next chunk queued behind the one being sent, however big', () => {
    const window = new PeerWindow(64 * MiB, 0);
    expect(window.limitChunks(0)).toBe(PIPELINE_DEPTH_MIN);
    window.shrink();
    expect(window.limitChunks(0)).toBe(PIPELINE_DEPTH_MIN);
  });
});
