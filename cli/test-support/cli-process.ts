/**
 * Runs the `shoal` command as a child process through its bin launcher, as a person or script
 * would, and lets a test wait for output or exit with a deadline. Used by Vitest and Playwright.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SHOAL_BIN = fileURLToPath(new URL('../bin/shoal.mjs', import.meta.url));

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (stderr with `stream: 'stderr'`). */
  waitForOutput(pattern: RegExp, options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' }): Promise<RegExpMatchArray>;
  /** Types a line, as at a prompt. */
  writeLine(line: string): void;
  readonly exited: Promise<CliExit>;
  /** Exit, failing after `timeoutMs` with what was printed so far. */
  waitForExit(timeoutMs?: number): Promise<CliExit>;
  kill(signal?: NodeJS.Signals): void;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [SHOAL_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    err += text;
    notify();
  });
  let hasExited = false;
  const exited = new Promise<CliExit>((resolve) =>
    child.once('close', (code, signal) => {
      hasExited = true;
      notify();
      resolve({ code, signal });
    }),
  );
  const describe = (): string => `stdout:\n${out}\nstderr:\n${err}`;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    writeLine: (line) => child.stdin.write(`${line}\n`),
    kill: (signal = 'SIGTERM') => child.kill(signal),
    waitForOutput(pattern, { timeoutMs = 30_000, stream = 'stdout' } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = (stream === 'stdout' ? out : err).match(pattern);
          if (match) {
            done();
            resolve(match);
          } else if (hasExited) {
            done();
            reject(new Error(`shoal ${args.join(' ')} exited before printing ${pattern}\n${describe()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern} from shoal ${args.join(' ')}\n${describe()}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    waitForExit(timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`shoal ${args.join(' ')} did not exit within ${timeoutMs} ms\n${describe()}`));
        }, timeoutMs);
        void exited.then((exit) => {
          clearTimeout(timer);
          resolve(exit);
        });
      });
    },
  };
}

/** Runs a command to its end and returns its exit code and output. */
export async function runCliToEnd(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = runCli(args, options);
  const { code } = await cli.waitForExit(options.timeoutMs);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
