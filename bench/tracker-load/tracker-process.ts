/**
 * One tracker in a process of its own for the load benchmark: `createTracker` as `npm start` runs
 * it (default heartbeats, no web app) on 127.0.0.1:0, on Redis when LOAD_REDIS_URL is set. It
 * answers `address` and `memory` (process.memoryUsage() after a forced full GC, measured from
 * inside, so the figure is the tracker's alone and not the load generator's).
 *
 * One change from the defaults: the per-connection search budget is lifted, so the search
 * throughput figure measures the tracker's work rather than RATE_LIMITS.search (10 a second).
 */
import { writeHeapSnapshot } from 'node:v8';
import { createTracker } from '../../signaling-server/app';
import { serveCommands } from './ipc-channel';
import type { TrackerCommands } from './load-commands';

// Started with --expose-gc by ChildChannel.start.
const collectGarbage = (globalThis as { gc?: () => void }).gc;

const started = createTracker({
  host: '127.0.0.1',
  port: 0,
  staticDir: null,
  ...(process.env.LOAD_REDIS_URL === undefined
    ? {}
    : { redisUrl: process.env.LOAD_REDIS_URL, redisKeyPrefix: process.env.LOAD_REDIS_PREFIX ?? 'bench:' }),
  rateLimits: { search: { capacity: 1_000_000, refillPerSecond: 1_000_000 } },
  log: { info: () => undefined, error: (message, error) => console.error(message, error) },
});

serveCommands<TrackerCommands>({
  async address() {
    const tracker = await started;
    return { url: tracker.url, nodeId: tracker.nodeId };
  },
  async memory() {
    if (collectGarbage === undefined) throw new Error('Start the tracker process with --expose-gc');
    // Twice: the first pass can leave garbage that only a second one finds (weak refs, finalizers).
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    return { rssBytes: rss, heapUsedBytes: heapUsed, externalBytes: external, arrayBuffersBytes: arrayBuffers };
  },
  async heapSnapshot({ path }) {
    collectGarbage?.();
    return { path: writeHeapSnapshot(path) };
  },
});

process.once('SIGTERM', () => {
  started
    .then((tracker) => tracker.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
