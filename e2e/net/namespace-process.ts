/**
 * A long-running process started inside a network namespace (tracker, TURN server, CLI peer):
 * keeps its output, waits for a line with a deadline, and stops its whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface NamespaceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  /** First match of `pattern` in stdout+stderr; fails early if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<number | null>;
  /** Its exit code, failing with its output if it has not exited within `timeoutMs`. */
  exitCode(timeoutMs: number): Promise<number | null>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnInNamespace(
  ns: string,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): NamespaceProcess {
  // detached: its own process group, so stop() also reaches children (node under npx, tsx workers).
  const child = spawn('ip', ['netns', 'exec', ns, command, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const name = `${command} in ${ns}`;
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (piece: Buffer): void => {
    // Bounded, so a chatty server in a long test cannot grow without limit.
    text = (text + piece.toString('utf8')).slice(-1_000_000);
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let hasExited = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      hasExited = true;
      for (const listener of [...listeners]) listener();
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined || hasExited) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };

  return {
    name,
    child,
    output: () => text,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern} from ${name}\n${text}`)), timeoutMs);
        const check = (): void => {
          const match = text.match(pattern);
          if (match) finish(undefined, match);
          else if (hasExited) finish(new Error(`${name} exited before printing ${pattern}\n${text}`));
        };
        const finish = (error?: Error, match?: RegExpMatchArray): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match as RegExpMatchArray);
        };
        listeners.add(check);
        check();
      });
    },
    exitCode(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not exit within ${timeoutMs} ms\n${text}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    async stop(graceMs = 5_000) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
