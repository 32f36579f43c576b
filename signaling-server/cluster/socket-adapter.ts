/**
 * Socket.IO across tracker processes: the Redis streams adapter, so `io.to(peerRoom(id))` reaches a
 * peer whatever process holds its socket, and `disconnectSockets` reaches every process. Peers use
 * the websocket transport only, so no sticky sessions are needed.
 *
 * Why the streams adapter (`@socket.io/redis-streams-adapter`) and not the sharded pub/sub one
 * (`@socket.io/redis-adapter`, `createShardedAdapter`): measured on this 2-core machine (shared,
 * loaded), two processes on one redis-server 7.0, one ~600-byte signal relayed at a time from a
 * client on process 1 to a client on process 2, 3 alternating rounds of 300 signals each:
 *   sharded pub/sub  p50 0.59 ms, p90 1.47 ms, p99 5.68 ms
 *   streams          p50 0.78 ms, p90 2.20 ms, p99 5.02 ms
 * Both are far inside the 20 ms relay budget, so latency does not decide. The streams adapter
 * keeps what counts for a tracker: (1) a short Redis outage loses nothing, as each process resumes
 * reading the stream where it stopped, where pub/sub drops what was published meanwhile; (2) one
 * stream orders every broadcast, so a 'removed' push emitted before `disconnectSockets` arrives
 * first on the peer's process; (3) no subscription per room: the sharded adapter subscribes each
 * process to one channel per room it holds (a room per peer: 10,000 subscriptions at 10,000 peers).
 * Its cost: every process reads every broadcast (a relayed signal too), which is fine at the few
 * processes a community runs.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { TrackerServer } from '../socket-types';

/** How long one XREAD waits: under the Redis connection's command budget, so a read never times out. */
const STREAM_READ_BLOCK_MS = 1_000;

/** Most entries kept in the stream: plenty for a process to catch up after a few seconds' outage. */
const STREAM_MAX_ENTRIES = 10_000;

/**
 * Puts the adapter on `io`. `redis` is the adapter's own connection (it duplicates it to read);
 * the stream and channels are named after `keyPrefix`, so networks on one Redis stay apart.
 */
export function useRedisSocketAdapter(io: TrackerServer, redis: Redis, keyPrefix: string): void {
  io.adapter(
    createAdapter(redis, {
      streamName: `${keyPrefix}socket.io`,
      channelPrefix: `${keyPrefix}socket.io`,
      blockTimeInMs: STREAM_READ_BLOCK_MS,
      maxLen: STREAM_MAX_ENTRIES,
      // Tracker pushes are JSON; skipping the binary scan saves a walk of every payload.
      onlyPlaintext: true,
    }),
  );
}
