/**
 * A real redis-server (Debian's /usr/bin/redis-server) for tests: its own free 127.0.0.1 port and
 * its own temporary data directory, AOF on and RDB snapshots off, so nothing outside that
 * directory changes. `restart()` kills it and starts it again on the same port and directory, so a
 * test can check what survives through the append-only file. Tests use this, never a mock.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /**
   * fsync the AOF after every write: then even `restart({ hard: true })` (kill -9) loses nothing.
   * Off by default (Redis's own default, once a second): a graceful stop flushes the AOF anyway.
   */
  fsyncEveryWrite?: boolean;
}

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (if it runs) and deletes its data directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server and keeps its data directory, so `start()` brings the same data back. */
  kill(options?: { hard?: boolean }): Promise<void>;
  /** Starts the server again on the same port and directory; it loads its AOF. */
  start(): Promise<void>;
  /** kill() then start(): hard = kill -9 (only fsynced writes survive), else a graceful shutdown. */
  restart(options?: { hard?: boolean }): Promise<void>;
}

const REDIS_SERVER = '/usr/bin/redis-server';

/**
 * Runs redis-server under a small shell so that it cannot outlive this process, however this
 * process ends (a test worker killed after a hook timeout runs no exit hook): the shell's stdin is a
 * pipe from us (kept as fd 3: a background job's stdin would be /dev/null), and once it closes a
 * watcher kills the server. A SIGTERM to the shell is passed on
 * to the server (a graceful shutdown, flushing the AOF) and the shell exits only after the server
 * has, so the child's exit is the server's.
 */
const GUARDED_LAUNCH = `
exec 3<&0
"$@" <&- 3<&- &
server=$!
( cat <&3 >/dev/null; kill -9 "$server" 2>/dev/null ) &
watcher=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; kill "$watcher" 2>/dev/null; exit 0' TERM
wait "$server"
kill "$watcher" 2>/dev/null
`;
/** After kill -9 the port may stay bound for a moment: tries and pause when starting again. */
const RESTART_TRIES = 40;
const RESTART_PAUSE_MS = 50;
const START_TIMEOUT_MS = 10_000;
/**
 * Every server started in this process. Kept on globalThis: a test runner re-imports this module
 * for each test file, and one exit hook per process is enough (more would trip Node's listener warning).
 */
const RUNNING_KEY = Symbol.for('shoal.test.redis-servers');
interface Registry {
  children: Set<ChildProcess>;
  dataDirs: Set<string>;
}
const globalRegistry = globalThis as { [RUNNING_KEY]?: Registry };
const { children: running, dataDirs } = (globalRegistry[RUNNING_KEY] ??= createRegistry());

function createRegistry(): Registry {
  const registry: Registry = { children: new Set(), dataDirs: new Set() };
  // A test runner that exits early must not leave servers or directories behind.
  process.once('exit', () => {
    for (const child of registry.children) killGroup(child, 'SIGKILL');
    for (const dir of registry.dataDirs) rmSync(dir, { recursive: true, force: true });
  });
  return registry;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shoal-redis-'));
  dataDirs.add(dataDir);
  let child: ChildProcess | undefined;
  let port = 0;
  // Another test may grab the free port between our probe and redis binding it: try a few.
  for (let attempt = 0; child === undefined; attempt += 1) {
    port = await freePort();
    try {
      child = await launch(port, dataDir, options);
    } catch (error) {
      if (attempt >= 4 || !(error instanceof PortInUseError)) {
        rmSync(dataDir, { recursive: true, force: true });
        dataDirs.delete(dataDir);
        throw error;
      }
    }
  }

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dataDir,
    async kill({ hard = false } = {}) {
      if (child === undefined) return;
      const stopping = child;
      child = undefined;
      await terminate(stopping, hard ? 'SIGKILL' : 'SIGTERM');
    },
    async start() {
      if (child !== undefined) return;
      for (let attempt = 1; ; attempt += 1) {
        try {
          child = await launch(port, dataDir, options);
          return;
        } catch (error) {
          if (!(error instanceof PortInUseError) || attempt >= RESTART_TRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, RESTART_PAUSE_MS));
        }
      }
    },
    async restart(restartOptions = {}) {
      await server.kill(restartOptions);
      await server.start();
    },
    async stop() {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
  return server;
}

class PortInUseError extends Error {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function launch(port: number, dataDir: string, options: RedisServerOptions): Promise<ChildProcess> {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dataDir,
    '--appendonly', 'yes',
    '--appendfsync', options.fsyncEveryWrite === true ? 'always' : 'everysec',
    '--save', '',
    '--daemonize', 'no',
    '--logfile', '',
  ];
  // detached: the shell leads a process group of its own, so kill -9 reaches the server too.
  const child = spawn('/bin/sh', ['-c', GUARDED_LAUNCH, 'sh', REDIS_SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    function fail(error: Error): void {
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      reject(error);
    }
    const onOutput = (data: Buffer): void => {
      log += data.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        child.stdout?.off('data', onOutput);
        child.stdout?.resume(); // keep draining, so a full pipe never blocks the server
        resolve(child);
      } else if (/Address already in use/.test(log)) {
        fail(new PortInUseError(`Port ${port} is taken`));
      }
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', (data: Buffer) => (log += data.toString()));
    child.once('error', (error) => fail(error));
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${String(code)} while starting:\n${log}`)));
  });
}

function terminate(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (signal === 'SIGTERM') child.kill('SIGTERM');
    else killGroup(child, 'SIGKILL');
  });
}

/** Signals the launch shell's whole process group: the shell, the server and the watcher. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
