/** Runs one system command (ip, iptables, tc) to its end with a deadline, failing with its stderr. */
import { execFile } from 'node:child_process';

export interface RunOptions {
  /** A stuck `ip netns exec` must not hang a test; every command is killed after this. */
  timeoutMs?: number;
  /** Resolve with '' instead of throwing when the command fails (used by cleanup). */
  mayFail?: boolean;
}

export function runCommand(command: string, args: string[], { timeoutMs = 15_000, mayFail = false }: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if (mayFail) return resolve('');
      const why = error.killed ? `killed after ${timeoutMs} ms` : `exit ${String(error.code)}`;
      reject(new Error(`${command} ${args.join(' ')} failed (${why}): ${stderr.trim() || stdout.trim()}`));
    });
  });
}
