/** Transfer policy: the numbers that trade speed against memory and patience, each with its reason. */

/** WebRTC setup is signalling round trips through the tracker plus ICE checks; falling back to a
 * TURN relay on a bad network can take ~10 s, so give it a little more before calling a peer unreachable. */
export const CONNECT_TIMEOUT_MS = 15_000;

/** A request fails when its peer sends nothing towards our requests for this long. It is idle time,
 * not total time, because a 64 MiB chunk on a slow uplink may rightly take minutes; 10 s is many
 * round trips and longer than a GC pause or a throttled background tab. */
export const REQUEST_IDLE_TIMEOUT_MS = 10_000;

/** Most chunks in flight to one peer. The peer serves them back to back, so its send queue must
 * never run dry while our next request crosses the network: 8 × 256 KiB = 2 MiB covers a 100 ms
 * round trip at 20 MB/s. */
export const PIPELINE_DEPTH_MAX = 8;

/** Bytes of chunks in flight to one peer: each one holds a buffer preallocated to the chunk's length,
 * so big-chunk files (up to 64 MiB chunks) get a shallower pipeline instead of unbounded memory. */
export const IN_FLIGHT_BYTES_PER_PEER_MAX = 8 * 1024 * 1024;

/** Chunks in flight to one peer for a given chunk size: at least one, at most PIPELINE_DEPTH_MAX. */
export function pipelineDepthFor(chunkSizeBytes: number): number {
  const byMemory = Math.floor(IN_FLIGHT_BYTES_PER_PEER_MAX / chunkSizeBytes);
  return Math.max(1, Math.min(PIPELINE_DEPTH_MAX, byMemory));
}

/** Received chunks still being verified and stored, per download. Receiving goes on while the store
 * writes, but if the store falls this far behind we stop asking for more rather than pile up memory. */
export const UNWRITTEN_BYTES_MAX = 16 * 1024 * 1024;

/** Serving: wait for the channel to drain once this much is queued. Chromium closes a data channel
 * whose send buffer passes 16 MiB; 1 MiB keeps the pipe full (~10 ms at 100 MB/s) with little memory. */
export const SEND_HIGH_WATER_BYTES = 1024 * 1024;

/** What adapters should use as the channel's low-water mark (`bufferedAmountLowThreshold`): refill
 * while a quarter of the high-water mark is still queued, so the pipe never runs dry. */
export const SEND_LOW_WATER_BYTES = 256 * 1024;

/** Requests one peer may queue with us. A well-behaved downloader keeps at most PIPELINE_DEPTH_MAX
 * per file; more than this is a flood, refused so a hostile peer cannot grow our memory. */
export const SERVE_QUEUE_MAX = 64;

/** Speed is averaged over this window: long enough to smooth chunk-sized bursts, short enough that
 * the number follows a real change (a peer leaving) within a few seconds. */
export const SPEED_WINDOW_MS = 5_000;

/** Progress is reported at most this often: smooth to the eye, cheap for a UI re-rendering many rows. */
export const PROGRESS_INTERVAL_MS = 200;
