/**
 * `npm run bench:tracker [-- --quick --out <dir> --max-peers N --skip-search-latency]`: the
 * tracker under load. Simulated peers (socket.io-client over WebSocket, in several load-worker
 * processes, each doing the real signed join with key pairs made before any timing) against
 * tracker processes on loopback: one process on its embedded store, then two processes on one
 * real redis-server. Figures, each against a baseline from the same run: peers held with
 * heartbeats on and the tracker's memory per idle peer, join rate and how long until every other
 * peer has seen a join, search latency at 100,000 and 1,000,000 files against the linear scan
 * (bench/tracker-search.ts), signal relay latency in one process and across two, and one process
 * against two on peers held and search throughput.
 *
 * A full run writes bench/RESULTS-tracker-load.md and the `trackerLoad` section of
 * bench/results.json; `--quick` (a smoke run with small counts), `--max-peers` and
 * `--skip-search-latency` only print, unless `--out` names a directory to write to. Every loop is
 * bounded in count and time, and every child process and the redis-server are killed when it
 * ends (tracker-load/ipc-channel.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './report';
import { loadFigures } from './tracker-load/load-figures';
import { describeMachine, writeLoadResults } from './tracker-load/load-report';
import { runStage } from './tracker-load/load-stage';
import type { StagePlan } from './tracker-load/load-stage';
import type { RampPlan } from './tracker-load/peer-ramp';
import { measureSearchLatency } from './tracker-load/search-latency';
import type { SearchLatencyRow } from './tracker-load/search-latency';

const isQuick = process.argv.includes('--quick');
const outArgument = process.argv.indexOf('--out');
const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** `--max-peers N`: ramp to N peers at most (its steps up to N, then N), e.g. to try a size before the full run. */
const maxPeersArgument = process.argv.indexOf('--max-peers');
const maxPeers = maxPeersArgument >= 0 ? Number(process.argv[maxPeersArgument + 1]) : undefined;
if (maxPeers !== undefined && !(Number.isInteger(maxPeers) && maxPeers > 0)) throw new Error('--max-peers takes a whole number of peers, e.g. --max-peers 1000');

/** `--only-redis`: only the stage of two processes on Redis (to look into it without the one-process ramp first). */
const isOnlyRedis = process.argv.includes('--only-redis');

/** `--skip-search-latency`: leave out bench/tracker-search.ts (`npm run bench:search` measures it alone). */
const isSkippingSearchLatency = process.argv.includes('--skip-search-latency');

// Smoke runs and partial runs only print, unless told where to write.
const isPartial = isQuick || maxPeers !== undefined || isSkippingSearchLatency || isOnlyRedis;
const outDir = outArgument >= 0 ? path.resolve(process.argv[outArgument + 1] ?? '.') : isPartial ? undefined : benchDir;

const WORKERS = 4;
const MINUTE_MS = 60_000;

/** The counts, or the smoke run's. Heartbeats are the tracker's defaults (5 s ping, 5 s timeout). */
const SIZES = isQuick
  ? {
      ramp: { steps: [250, 500], probeAt: [250, 500], probes: 10, holdMs: 6_000, stepTimeoutMs: 3 * MINUTE_MS, rampBudgetMs: 10 * MINUTE_MS, probeTimeoutMs: 20_000, concurrency: 10 },
      signals: { pairs: 5, signalsPerPair: 40, intervalMs: 20, timeoutMs: MINUTE_MS },
      search: { files: 10_000, sharersPerWorker: 1, searchersPerWorker: 5, durationMs: 3_000, timeoutMs: 3 * MINUTE_MS },
      searchLatencyTimeoutMs: 10 * MINUTE_MS,
    }
  : {
      // A hold of ping interval + ping timeout + 2 s: a peer whose pongs stop is gone by then.
      // 10 joins in flight per worker: the tracker's pushes go one join at a time (peer-broadcasts.ts),
      // so more in flight would only lengthen each join's wait for its ack, not raise the rate.
      ramp: { steps: [1_000, 2_500, 5_000, 7_500, 10_000], probeAt: [1_000, 10_000], probes: 30, holdMs: 12_000, stepTimeoutMs: 40 * MINUTE_MS, rampBudgetMs: 60 * MINUTE_MS, probeTimeoutMs: 30_000, concurrency: 10 },
      signals: { pairs: 20, signalsPerPair: 100, intervalMs: 20, timeoutMs: 2 * MINUTE_MS },
      // 12 sharers of 8,334 files (under PEER_MAX_FILES), 100 searchers.
      search: { files: 100_000, sharersPerWorker: 3, searchersPerWorker: 25, durationMs: 10_000, timeoutMs: 5 * MINUTE_MS },
      searchLatencyTimeoutMs: 40 * MINUTE_MS,
    };

const METHOD = [
  'Written by `bench/tracker-load.ts`. Tracker processes run `createTracker` as `npm start` does (default heartbeats:',
  'a ping every 5 s, 5 s to answer) on 127.0.0.1; the simulated peers are socket.io-client sockets over WebSocket in',
  `${WORKERS} load-worker processes on the same machine, each joining for real (challenge, P-256 signature, join), with`,
  'key pairs made before anything is timed. Each ramp step opens its connections (timed: the connect-rate baseline),',
  'then joins them all (the join rate), then holds them for a ping interval and timeout; a step counts as held when',
  "every peer is still joined by the workers' count and the tracker's. Memory is the tracker process's own",
  '`process.memoryUsage()` after a forced full GC, asked over IPC; per peer = (RSS with the peers − RSS before any',
  'peer) ÷ peers; bittorrent-tracker\'s ~12.8 KB per WebSocket connection is a cited reference, not measured here.',
  'Join propagation: once no held peer has had a delta for a second, probe peers join one at a time; each held peer',
  "notes (Date.now()) when the probe's `peers-delta` (or a whole list the tracker resends after losing pushes, counted",
  'as "lists resent") first shows it; the figure runs from the probe\'s join request to the last held peer\'s sighting,',
  "against the probe's own ack.",
  "Signal relay and search throughput are measured after the ramp, with its peers still joined and idle.",
  'Signal relay: sender and receiver sockets in one worker, so one clock; baseline a `holders` request round trip.',
  'Search throughput: the per-connection search budget is lifted in these tracker processes so the tracker, not',
  'RATE_LIMITS.search, is the limit; searchers query back to back (word and word-pair queries, limit 50).',
  'The load generator shares the cores with the tracker(s), so every rate here is a floor for the tracker alone.',
];

function log(line: string): void {
  console.log(line);
}

function rampUpTo(limit: number | undefined): RampPlan {
  if (limit === undefined) return SIZES.ramp;
  const steps = [...SIZES.ramp.steps.filter((peers) => peers < limit), limit];
  return { ...SIZES.ramp, steps, probeAt: [...SIZES.ramp.probeAt.filter((peers) => peers < limit), limit] };
}

function stagePlan(label: string, trackers: number, onRedis: boolean): StagePlan {
  return { label, trackers, onRedis, workers: WORKERS, ramp: rampUpTo(maxPeers), signals: SIZES.signals, search: SIZES.search };
}

/** One tracker process holds every peer's socket: with a low open-files limit it fails at that limit, not at its own. */
function warnOnLowFileLimit(peers: number): void {
  const limit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
  if (Number.isFinite(limit) && limit < peers + 1_000) {
    log(`Warning: ulimit -n is ${limit}; holding ${peers} peers needs more (run \`ulimit -n 20000\` first).`);
  }
}

async function main(): Promise<void> {
  const machine = describeMachine();
  warnOnLowFileLimit(Math.max(...rampUpTo(maxPeers).steps));
  const startedMs = performance.now();
  const elapsed = (): string => `${((performance.now() - startedMs) / 1000).toFixed(0)} s`;

  let searchLatency: SearchLatencyRow[] = [];
  if (!isSkippingSearchLatency && !isOnlyRedis) {
    log(`… ${elapsed()}: search latency (bench/tracker-search.ts${isQuick ? ' --quick' : ''})`);
    try {
      searchLatency = await measureSearchLatency(isQuick, SIZES.searchLatencyTimeoutMs, log);
    } catch (error) {
      log(`  search latency failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (isOnlyRedis) {
    log(`… ${elapsed()}: two tracker processes on Redis (alone: no figures against one process)`);
    await runStage(stagePlan('Two tracker processes on one Redis', 2, true), log);
    log(`\nTook ${elapsed()}.`);
    return;
  }
  log(`… ${elapsed()}: one tracker process`);
  const oneProcess = await runStage(stagePlan('One tracker process (embedded store)', 1, false), log);
  log(`… ${elapsed()}: two tracker processes on Redis`);
  const twoOnRedis = await runStage(stagePlan('Two tracker processes on one Redis', 2, true), log);

  const results = { isSmoke: isPartial, oneProcess, twoOnRedis, searchLatency };
  const figures = loadFigures(results);
  printTable(figures);
  log(`\nTook ${elapsed()}.`);
  if (outDir !== undefined) {
    await writeLoadResults(outDir, machine, results, figures, METHOD);
    log(`Wrote ${path.join(outDir, 'RESULTS-tracker-load.md')} and the trackerLoad section of ${path.join(outDir, 'results.json')}`);
  }
}

// Ctrl-C: exit through 'exit', whose handlers kill the child processes and the redis-server.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
