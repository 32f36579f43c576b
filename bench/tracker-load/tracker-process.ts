/**
 * One tracker in a process of its own for the load benchmark: `createTracker` as `npm start` runs
 * it (default heartbeats, no web app) on 127.0.0.1:0, on Redis when LOAD_REDIS_URL is set. It
 * answers `address` and `memory` (process.memoryUsage() after a forced full GC, measured from
 * inside, so the figure is the tracker's alone and not the load generator's).
 *
 * One change from the defaults: the per-connection search budget is lifted, so the search
 * throughput figure measures the tracker's work rather than RATE_LIMITS.search (10 a second).
 */
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';
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

// Stalls of the event loop and the GC pauses behind some of them, read and reset by `stalls`.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
let gcPauses: Array<{ kind: string; ms: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1;
    gcPauses.push({ kind: GC_KINDS[kind] ?? String(kind), ms: entry.duration });
  }
}).observe({ entryTypes: ['gc'] });

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
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return { rssBytes: rss, heapUsedBytes: heapUsed, heapTotalBytes: heapTotal, externalBytes: external, arrayBuffersBytes: arrayBuffers };
  },
  async stalls() {
    const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const sample = {
      loopP50Ms: ms(loopDelay.percentile(50)),
      loopP99Ms: ms(loopDelay.percentile(99)),
      loopMaxMs: ms(loopDelay.max),
      gcCount: gcPauses.length,
      gcTotalMs: gcPauses.reduce((sum, pause) => sum + pause.ms, 0),
      gcMaxMs: Math.max(0, ...gcPauses.map((pause) => pause.ms)),
      longGcPauses: gcPauses.filter((pause) => pause.ms >= 10).map((pause) => `${pause.kind}:${pause.ms.toFixed(0)}`),
    };
    loopDelay.reset();
    gcPauses = [];
    return sample;
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
