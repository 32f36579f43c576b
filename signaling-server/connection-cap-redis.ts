/**
 * Connections per client address counted across every tracker process on one Redis.
 *
 * The scheme: each address has a hash `<prefix>conns:<address>` with one field per tracker process
 * (node id → connections from that address it holds), changed with HINCRBY (+1 on connect, -1 on
 * disconnect). A sorted set `<prefix>conn-nodes` holds each process's last heartbeat (Redis's clock).
 * An address's count is the sum of the fields of processes that heartbeated within `nodeTimeoutMs`;
 * a crashed process stops heartbeating, so its counts stop counting after at most that long and
 * are deleted the next time the address connects. Each hash also expires `keyTtlMs` after the last
 * touch, and every live process refreshes the hashes of the addresses it holds on its heartbeat, so
 * a hash outlives its connections by at most `keyTtlMs` and nothing sticks forever. Counting and
 * incrementing run in one Lua script, so two processes cannot both admit the last free slot.
 * Key names are built inside the scripts from arguments: right for a single Redis, not Redis Cluster.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConnectionCounter } from './connection-cap-counter';
import { connectRedis } from './store/redis-connection';

export interface RedisConnectionCounterOptions {
  /** This process's name in the counts; a fresh random one by default. */
  nodeId?: string;
  /** Key prefix shared by every process of one network; default `shoal:`. */
  keyPrefix?: string;
  /** How often this process says it is alive. */
  heartbeatMs?: number;
  /** A process silent this long no longer counts (the tracker removes a dead process's peers within 15 s too). */
  nodeTimeoutMs?: number;
  /** How long an address's hash lives after the last touch. */
  keyTtlMs?: number;
}

const DEFAULTS = { keyPrefix: 'shoal:', heartbeatMs: 5_000, nodeTimeoutMs: 15_000, keyTtlMs: 60_000 };

/** Processes gone for this long leave the heartbeat set (they no longer count long before). */
const FORGET_NODE_AFTER_MS = 3_600_000;

/** Redis's clock in ms, so processes on machines whose clocks differ agree on who is alive. */
const REDIS_NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// ARGV: prefix, address, node id, limit, node timeout ms, key ttl ms. Returns 1 when counted.
const ACQUIRE = `${REDIS_NOW_MS}
local key = ARGV[1] .. 'conns:' .. ARGV[2]
local nodes = ARGV[1] .. 'conn-nodes'
local aliveSince = now - tonumber(ARGV[5])
local fields = redis.call('HGETALL', key)
local total = 0
for i = 1, #fields, 2 do
  local node = fields[i]
  local seen = redis.call('ZSCORE', nodes, node)
  if node == ARGV[3] or (seen and tonumber(seen) >= aliveSince) then
    total = total + tonumber(fields[i + 1])
  else
    redis.call('HDEL', key, node)
  end
end
if total >= tonumber(ARGV[4]) then return 0 end
redis.call('HINCRBY', key, ARGV[3], 1)
redis.call('PEXPIRE', key, ARGV[6])
return 1`;

// ARGV: prefix, address, node id, key ttl ms. Never below zero, even if the field was swept meanwhile.
const RELEASE = `local key = ARGV[1] .. 'conns:' .. ARGV[2]
local count = tonumber(redis.call('HGET', key, ARGV[3]) or '0')
if count <= 1 then redis.call('HDEL', key, ARGV[3]) else redis.call('HINCRBY', key, ARGV[3], -1) redis.call('PEXPIRE', key, ARGV[4]) end
return 1`;

// ARGV: prefix, node id, forget-after ms.
const HEARTBEAT = `${REDIS_NOW_MS}
local nodes = ARGV[1] .. 'conn-nodes'
redis.call('ZADD', nodes, now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', nodes, '-inf', now - tonumber(ARGV[3]))
return 1`;

export class RedisConnectionCounter implements ConnectionCounter {
  readonly nodeId: string;
  private readonly settings: typeof DEFAULTS;
  /** What this process counted, per address: the hashes its heartbeat keeps alive. */
  private readonly held = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;
  /** Set when this counter opened its own connection (`connect`), which it then closes. */
  private ownsConnection = false;

  private constructor(
    private readonly redis: Redis,
    options: RedisConnectionCounterOptions,
  ) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.settings = { ...DEFAULTS, ...withoutUndefined(options) };
  }

  /**
   * Starts counting on `redis` (which the caller opens and closes). Heartbeats once before it
   * resolves: another process must never see this one's counts before it knows it is alive.
   */
  static async start(redis: Redis, options: RedisConnectionCounterOptions = {}): Promise<RedisConnectionCounter> {
    const counter = new RedisConnectionCounter(redis, options);
    await counter.heartbeat();
    counter.timer = setInterval(() => {
      // A missed beat is retried on the next; a long outage only makes counts lapse (admitting more).
      counter.heartbeat().catch(() => undefined);
    }, counter.settings.heartbeatMs);
    counter.timer.unref();
    return counter;
  }

  /** Opens its own Redis connection (closed by `close`) and starts counting on it. */
  static async connect(url: string, options: RedisConnectionCounterOptions = {}): Promise<RedisConnectionCounter> {
    const redis = await connectRedis(url, { connectionName: `shoal-connection-cap-${options.nodeId ?? 'node'}` });
    try {
      const counter = await RedisConnectionCounter.start(redis, options);
      counter.ownsConnection = true;
      return counter;
    } catch (error) {
      redis.disconnect();
      throw error;
    }
  }

  async tryAcquire(address: string, limit: number): Promise<boolean> {
    const { keyPrefix, nodeTimeoutMs, keyTtlMs } = this.settings;
    const counted = await this.redis.eval(ACQUIRE, 0, keyPrefix, address, this.nodeId, limit, nodeTimeoutMs, keyTtlMs);
    if (counted !== 1) return false;
    this.held.set(address, (this.held.get(address) ?? 0) + 1);
    return true;
  }

  async release(address: string): Promise<void> {
    const count = this.held.get(address);
    if (count === undefined || this.isClosed) return;
    if (count > 1) this.held.set(address, count - 1);
    else this.held.delete(address);
    await this.redis.eval(RELEASE, 0, this.settings.keyPrefix, address, this.nodeId, this.settings.keyTtlMs);
  }

  /** Stops the heartbeat and takes this process's counts and heartbeat out of Redis. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.timer);
    const { keyPrefix } = this.settings;
    const pipeline = this.redis.pipeline();
    for (const address of this.held.keys()) pipeline.hdel(`${keyPrefix}conns:${address}`, this.nodeId);
    pipeline.zrem(`${keyPrefix}conn-nodes`, this.nodeId);
    this.held.clear();
    try {
      await pipeline.exec();
    } catch {
      // Redis is unreachable: these counts stop counting anyway once the heartbeat lapses.
    }
    // QUIT lets replies to releases still in flight arrive first.
    if (this.ownsConnection) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async heartbeat(): Promise<void> {
    const { keyPrefix, keyTtlMs } = this.settings;
    const pipeline = this.redis.pipeline();
    pipeline.eval(HEARTBEAT, 0, keyPrefix, this.nodeId, FORGET_NODE_AFTER_MS);
    for (const address of this.held.keys()) pipeline.pexpire(`${keyPrefix}conns:${address}`, keyTtlMs);
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error !== null)?.[0];
    if (failure) throw failure;
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
