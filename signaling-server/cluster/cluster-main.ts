/**
 * `npm run start:cluster -- --workers N`: N tracker processes on this machine sharing one port
 * (Node's cluster module: the primary accepts each connection and hands it to a worker in turn),
 * all keeping their state in REDIS_URL, which is required. Each worker is `npm start`'s tracker;
 * the primary builds the web app once, starts the workers, and starts a new one when one dies.
 * Peers use the websocket transport only, so a connection never needs to return to one worker.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { buildClientIfStale } from '../client-build';
import { REPO_ROOT, SHUTDOWN_GRACE_MS } from '../config';
import { readEnvConfig } from '../env-config';

/** A worker that dies sooner than this after starting is crashing at start: wait longer each time. */
const QUICK_DEATH_MS = 10_000;
const RESTART_DELAY_MIN_MS = 200;
const RESTART_DELAY_MAX_MS = 30_000;
/** On Ctrl-C every worker gets the signal itself; only one still running after this is told. */
const FORWARD_SIGNAL_AFTER_MS = 1_000;
const MAX_WORKERS = 64;

const USAGE = 'Usage: REDIS_URL=redis://127.0.0.1:6379 npm run start:cluster -- --workers 4';

/** `--workers N` or `--workers=N`; default one per CPU core. */
function parseWorkerCount(args: readonly string[], defaultCount: number): number {
  let text: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--workers') text = args[index + 1] ?? '';
    else if (arg.startsWith('--workers=')) text = arg.slice('--workers='.length);
    else if (args[index - 1] !== '--workers') throw new Error(`Unknown argument '${arg}'. ${USAGE}`);
  }
  if (text === undefined) return defaultCount;
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > MAX_WORKERS) {
    throw new Error(`--workers must be a whole number from 1 to ${MAX_WORKERS}, not '${text}'. ${USAGE}`);
  }
  return count;
}

async function runPrimary(): Promise<void> {
  const workerCount = parseWorkerCount(process.argv.slice(2), availableParallelism());
  const config = readEnvConfig();
  if (config.redisUrl === undefined) {
    throw new Error(`Several tracker processes share their state through Redis, so REDIS_URL is required. ${USAGE}`);
  }
  // Once here, so the workers do not all build it at the same moment.
  await buildClientIfStale(REPO_ROOT, (message) => console.log(message));

  let isStopping = false;
  let restartDelayMs = RESTART_DELAY_MIN_MS;
  const startedAtMs = new Map<Worker, number>();
  const startWorker = (): void => {
    const worker = cluster.fork();
    startedAtMs.set(worker, Date.now());
  };

  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAtMs.get(worker) ?? 0);
    startedAtMs.delete(worker);
    if (isStopping) {
      if (startedAtMs.size === 0) process.exit(0);
      return;
    }
    restartDelayMs = livedMs < QUICK_DEATH_MS ? Math.min(restartDelayMs * 2, RESTART_DELAY_MAX_MS) : RESTART_DELAY_MIN_MS;
    console.error(`Tracker worker ${worker.process.pid ?? '?'} died (${signal ?? `exit code ${String(code)}`}); starting another in ${restartDelayMs} ms`);
    setTimeout(() => {
      if (!isStopping) startWorker();
    }, restartDelayMs);
  });

  const stop = (signal: NodeJS.Signals): void => {
    if (isStopping) return;
    isStopping = true;
    console.log(`${signal}: stopping ${startedAtMs.size} tracker worker(s)…`);
    if (startedAtMs.size === 0) process.exit(0);
    setTimeout(() => {
      for (const worker of startedAtMs.keys()) worker.process.kill('SIGTERM');
    }, FORWARD_SIGNAL_AFTER_MS).unref();
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + FORWARD_SIGNAL_AFTER_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log(`Starting ${workerCount} tracker worker(s) on port ${config.port}, sharing Redis.`);
  for (let index = 0; index < workerCount; index += 1) startWorker();
}

if (cluster.isPrimary) {
  try {
    await runPrimary();
  } catch (error) {
    console.error(`Could not start the Shoal tracker cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
} else {
  // Each worker is a whole tracker, started as `npm start` starts one.
  await import('../main');
}
