/**
 * Which tracker processes (nodes) are alive, so a crashed one leaves no ghosts. Each node writes its
 * heartbeat into a sorted set in Redis (score: Redis's own clock, so machines' clocks need not
 * agree); every node looks for beats older than `deadAfterMs`, and for each dead node one of them,
 * holding a short Redis lock, clears it out (`onDeadNode`: its peers and their files, and the leave
 * pushes) and only then drops it from the set, so a sweeper that dies midway leaves the job to the
 * next one.
 *
 * A killed process's Redis connections close with it, so a node whose beat is merely late
 * (`suspectAfterMs`) and whose heartbeat connection (named `heartbeatConnectionName(id)`) is gone
 * from Redis's CLIENT LIST is dead at once; one that keeps its connection gets the full
 * `deadAfterMs`. That brings a killed process's peers back about 3 s sooner, before they run out of
 * join attempts retrying their names.
 *
 * A node that was only slow (paused past `deadAfterMs`) finds at its next beat that it was swept:
 * its peers are gone from the store while their sockets live, so it is told (`onSweptWhileAlive`)
 * and disconnects them; they rejoin and announce again.
 */
import type { Redis } from 'ioredis';
import { RedisScript } from '../store/redis-script';

export interface NodeLivenessTiming {
  /** Between two heartbeats. */
  beatIntervalMs: number;
  /** A node whose last beat is older than this is dead. Several beats, so one slow beat is no death. */
  deadAfterMs: number;
  /** A node this late whose heartbeat connection is gone from Redis is dead (it was killed). */
  suspectAfterMs: number;
  /** Between two looks for dead nodes. */
  sweepIntervalMs: number;
  /** How long a sweeper holds a dead node's lock; another takes over after it if the sweeper died. */
  sweepLockMs: number;
}

/**
 * A killed process's peers must be gone within 15 s and back (through another process) within 10 s;
 * they can rejoin under their names only once the ghosts are gone, and each retry spends the join
 * rate limit. Killed (connection gone) after 1.5 missed beats, merely silent after 3 (6 s), with a
 * look every second: a killed node is swept 2-4 s after the kill, its peers rejoin a second later.
 */
export const NODE_LIVENESS: NodeLivenessTiming = {
  beatIntervalMs: 2_000,
  deadAfterMs: 6_000,
  suspectAfterMs: 3_000,
  sweepIntervalMs: 1_000,
  sweepLockMs: 10_000,
};

/** ARGV: nodes key, node id. Records the beat at Redis's time; replies 1 if the node was still listed. */
const BEAT = new RedisScript(`
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local listed = redis.call('ZSCORE', ARGV[1], ARGV[2])
redis.call('ZADD', ARGV[1], ms, ARGV[2])
if listed then return 1 end
return 0
`);

/** ARGV: nodes key, ms. Replies with each node whose last beat is older, and how old it is, flat. */
const LATE_NODES = new RedisScript(`
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local late = redis.call('ZRANGEBYSCORE', ARGV[1], '-inf', '(' .. (ms - tonumber(ARGV[2])), 'WITHSCORES')
for index = 2, #late, 2 do late[index] = tostring(ms - tonumber(late[index])) end
return late
`);

/** The name a node's heartbeat connection carries in Redis's CLIENT LIST. */
export function heartbeatConnectionName(nodeId: string): string {
  return `shoal-cluster-${nodeId}`;
}

/** Names of the connections Redis holds now; undefined when CLIENT LIST is not allowed (some hosted Redis). */
async function connectionNames(redis: Redis): Promise<Set<string> | undefined> {
  try {
    const list = String(await redis.client('LIST'));
    return new Set([...list.matchAll(/(?:^| )name=(\S*)/gm)].map((match) => match[1] ?? ''));
  } catch {
    return undefined;
  }
}

/** ARGV: lock key, owner. Deletes the lock only if this owner still holds it. */
const RELEASE_LOCK = new RedisScript(`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`);

export interface NodeLivenessOptions {
  redis: Redis;
  nodeId: string;
  keyPrefix: string;
  timing?: Partial<NodeLivenessTiming>;
  /** Clears out a dead node (its peers and files, the pushes); may run on several nodes' behalf in turn. */
  onDeadNode(deadNodeId: string): Promise<void>;
  /** This node was declared dead while it lived; its peers have to join again. */
  onSweptWhileAlive(): void;
  /** Redis failures are retried at the next beat or sweep; this hears about them. */
  onError(message: string, error: unknown): void;
}

export interface NodeLiveness {
  /** Stops beating and sweeping, and unlists this node (a clean stop needs no sweep). */
  close(): Promise<void>;
}

export async function startNodeLiveness(options: NodeLivenessOptions): Promise<NodeLiveness> {
  const { redis, nodeId, keyPrefix } = options;
  const timing = { ...NODE_LIVENESS, ...options.timing };
  const nodesKey = `${keyPrefix}nodes`;
  const lockKey = (deadNodeId: string): string => `${keyPrefix}node-sweep:${deadNodeId}`;
  let isClosed = false;
  let isSweeping = false;

  /**
   * Since when this node's beats have all gone through. After a Redis outage every beat is stale;
   * a node sweeps only once it has beaten for `deadAfterMs` again, so the others have had time to
   * beat too and nobody clears out a node that was merely cut off from Redis with everyone else.
   * A node just started has no outage behind it: it may sweep at once (say, every worker was killed).
   */
  let beatingSinceMs: number | undefined = Date.now() - timing.deadAfterMs;

  async function beat(): Promise<void> {
    let wasListed: boolean;
    try {
      wasListed = Number(await BEAT.run(redis, [nodesKey, nodeId])) === 1;
    } catch (error) {
      beatingSinceMs = undefined;
      throw error;
    }
    beatingSinceMs ??= Date.now();
    if (!wasListed && !isClosed) options.onSweptWhileAlive();
  }

  async function sweepOne(deadNodeId: string): Promise<void> {
    const locked = await redis.set(lockKey(deadNodeId), nodeId, 'PX', timing.sweepLockMs, 'NX');
    if (locked !== 'OK') return;
    try {
      await options.onDeadNode(deadNodeId);
      // Unlisted only once cleared: if this node dies midway, the lock expires and another finishes.
      await redis.zrem(nodesKey, deadNodeId);
    } finally {
      await RELEASE_LOCK.run(redis, [lockKey(deadNodeId), nodeId]).catch(() => undefined);
    }
  }

  async function sweep(): Promise<void> {
    if (isSweeping || beatingSinceMs === undefined || Date.now() - beatingSinceMs < timing.deadAfterMs) return;
    isSweeping = true;
    try {
      const late = (await LATE_NODES.run(redis, [nodesKey, Math.min(timing.suspectAfterMs, timing.deadAfterMs)])) as string[];
      const dead: string[] = [];
      let connected: Set<string> | undefined;
      for (let index = 0; index + 1 < late.length; index += 2) {
        const lateNodeId = late[index] ?? '';
        if (Number(late[index + 1]) >= timing.deadAfterMs) {
          dead.push(lateNodeId);
          continue;
        }
        connected ??= await connectionNames(redis);
        if (connected !== undefined && !connected.has(heartbeatConnectionName(lateNodeId))) dead.push(lateNodeId);
      }
      for (const deadNodeId of dead) {
        if (deadNodeId === nodeId || isClosed) continue;
        await sweepOne(deadNodeId).catch((error: unknown) => options.onError(`Could not clear out dead tracker node ${deadNodeId}`, error));
      }
    } finally {
      isSweeping = false;
    }
  }

  // The first beat lists this node before it serves anyone; a failure here stops the start.
  await BEAT.run(redis, [nodesKey, nodeId]);
  const beatTimer = setInterval(() => {
    beat().catch((error: unknown) => options.onError('Tracker heartbeat to Redis failed', error));
  }, timing.beatIntervalMs);
  const sweepTimer = setInterval(() => {
    sweep().catch((error: unknown) => options.onError('Looking for dead tracker nodes failed', error));
  }, timing.sweepIntervalMs);

  return {
    async close() {
      if (isClosed) return;
      isClosed = true;
      clearInterval(beatTimer);
      clearInterval(sweepTimer);
      await redis.zrem(nodesKey, nodeId).catch(() => undefined);
    },
  };
}
