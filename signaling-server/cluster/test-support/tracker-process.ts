/**
 * Starts tracker-process-main.ts as a child (through tsx, so `kill -9` kills a real tracker) and
 * waits for it to listen. Every child started here is killed when the test file's process exits.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./tracker-process-main.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface TrackerProcess {
  url: string;
  port: number;
  nodeId: string;
  pid: number;
  /** kill -9: no goodbye to peers or Redis. */
  killHard(): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not stopped within a few seconds. Safe to call twice. */
  stop(): Promise<void>;
}

export interface TrackerProcessOptions {
  /** Serve the built web app (dist/), for browsers; default only the API and Socket.IO. */
  servesWebApp?: boolean;
}

export async function startTrackerProcess(redisUrl: string, options: TrackerProcessOptions = {}): Promise<TrackerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, REDIS_URL: redisUrl, PORT: '0', SERVE_WEB_APP: options.servesWebApp === true ? '1' : '0' },
    // stdin stays open while we live: the child exits when it closes, even if we are killed.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  let errors = '';
  child.stderr?.on('data', (data: Buffer) => (errors += data.toString()));
  const started = await new Promise<{ url: string; nodeId: string }>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`The tracker process did not start within ${START_TIMEOUT_MS} ms:\n${errors}`)), START_TIMEOUT_MS);
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { url: string; nodeId: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The tracker process exited with ${String(code)} while starting:\n${errors}`));
    });
  });

  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    ...started,
    port: Number(new URL(started.url).port),
    pid: child.pid ?? -1,
    killHard: () => signal('SIGKILL'),
    async stop() {
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await signal('SIGTERM');
      clearTimeout(forced);
    },
  };
}
