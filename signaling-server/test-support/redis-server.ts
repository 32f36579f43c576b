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
const START_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();

// A test runner that dies or exits early must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shoal-redis-'));
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
      child = await launch(port, dataDir, options);
    },
    async restart(restartOptions = {}) {
      await server.kill(restartOptions);
      await server.start();
    },
    async stop() {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
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
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    function fail(error: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
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

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
