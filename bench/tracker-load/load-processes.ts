/**
 * The processes of one load-benchmark stage: tracker processes (one embedded, or several on one
 * real redis-server) and the load workers, each started through ChildChannel, so every one of them
 * is killed when the stage ends, whatever happened.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../../signaling-server/test-support/redis-server';
import type { RedisServer } from '../../signaling-server/test-support/redis-server';
import { ChildChannel } from './ipc-channel';
import type { MemorySample, TrackerCommands, WorkerCommands } from './load-commands';

const TRACKER_SCRIPT = fileURLToPath(new URL('./tracker-process.ts', import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
/** Key generation: about a millisecond a pair on a busy core, so minutes are plenty for thousands. */
const PREPARE_TIMEOUT_MS = 300_000;

export interface TrackerChild {
  url: string;
  channel: ChildChannel<TrackerCommands>;
  memory(): Promise<MemorySample>;
  /** The tracker's own count of joined peers, from its REST API. */
  peerCount(): Promise<number>;
}

export type Worker = ChildChannel<WorkerCommands>;

export interface Stage {
  trackers: TrackerChild[];
  workers: Worker[];
  redis?: RedisServer;
  /** Kills every process of the stage (trackers first, so their side holds the closed connections). */
  stop(): Promise<void>;
}

async function startTracker(label: string, env: Record<string, string>): Promise<TrackerChild> {
  const channel = ChildChannel.start<TrackerCommands>(TRACKER_SCRIPT, label, env);
  const { url } = await channel.request('address', {}, START_TIMEOUT_MS);
  return {
    url,
    channel,
    memory: () => channel.request('memory', {}, START_TIMEOUT_MS),
    async peerCount() {
      const response = await fetch(`${url}/api/health`);
      if (!response.ok) throw new Error(`${label}: /api/health answered ${response.status}`);
      return ((await response.json()) as { peers: number }).peers;
    },
  };
}

export async function startStage(options: { trackers: number; onRedis: boolean; workers: number; identitiesPerWorker: number }): Promise<Stage> {
  const trackers: TrackerChild[] = [];
  const workers: Worker[] = [];
  let redis: RedisServer | undefined;
  const stop = async (): Promise<void> => {
    await Promise.allSettled(trackers.map((tracker) => tracker.channel.stop()));
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await redis?.stop();
  };
  try {
    redis = options.onRedis ? await startRedisServer() : undefined;
    const env: Record<string, string> = redis === undefined ? {} : { LOAD_REDIS_URL: redis.url, LOAD_REDIS_PREFIX: `bench-${randomUUID()}:` };
    for (let index = 0; index < options.trackers; index += 1) trackers.push(await startTracker(`tracker ${index + 1}`, env));
    for (let index = 0; index < options.workers; index += 1) workers.push(ChildChannel.start<WorkerCommands>(WORKER_SCRIPT, `load worker ${index + 1}`));
    await Promise.all(workers.map((worker, workerIndex) => worker.request('prepare', { workerIndex, identities: options.identitiesPerWorker }, PREPARE_TIMEOUT_MS)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { trackers, workers, ...(redis === undefined ? {} : { redis }), stop };
}
