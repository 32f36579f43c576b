/**
 * Request and answer over a child process's IPC channel, for the load benchmark's own processes
 * (tracker processes and load workers): the coordinator sends `{ id, command, args }`, the child
 * answers `{ id, result }` or `{ id, error }`. Both ends are this benchmark's code, started by it,
 * so the messages are typed here rather than parsed: no trust boundary is crossed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** Commands a child serves: each maps its arguments to its result. */
export type CommandMap = Record<string, { args: unknown; result: unknown }>;

interface Request {
  id: number;
  command: string;
  args: unknown;
}

type Answer = { id: number; result: unknown } | { id: number; error: string };

const STOP_GRACE_MS = 3_000;

/** Every child started here; killed on exit, however the benchmark ends. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class ChildChannel<Commands extends CommandMap> {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;
  private stderrTail = '';

  private constructor(private readonly child: ChildProcess, readonly label: string) {
    running.add(child);
    child.stderr?.on('data', (data: Buffer) => {
      this.stderrTail = (this.stderrTail + data.toString()).slice(-4000);
    });
    child.on('message', (message: Answer) => {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (waiter === undefined) return;
      if ('error' in message) waiter.reject(new Error(`${label}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        const why = new Error(`${label} exited (${signal ?? String(code)}) with a request pending:\n${this.stderrTail}`);
        for (const waiter of this.pending.values()) waiter.reject(why);
        this.pending.clear();
        resolve();
      });
    });
  }

  /** Starts `script` (TypeScript, through tsx) with an IPC channel; `--expose-gc` so it can report memory after a full GC. */
  static start<Commands extends CommandMap>(script: string, label: string, env: Record<string, string> = {}): ChildChannel<Commands> {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    return new ChildChannel<Commands>(child, label);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Sends a command; rejects after `timeoutMs`, or when the child dies first. */
  request<Name extends keyof Commands & string>(command: Name, args: Commands[Name]['args'], timeoutMs: number): Promise<Commands[Name]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: '${command}' took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Commands[Name]['result']);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, command, args } satisfies Request);
    });
  }

  /** SIGTERM, then SIGKILL if it is still there after a moment. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const forced = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(forced);
  }
}

/** The child's side: answers each request with its handler's result (or its error's message). */
export function serveCommands<Commands extends CommandMap>(handlers: {
  [Name in keyof Commands]: (args: Commands[Name]['args']) => Promise<Commands[Name]['result']>;
}): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.command] as ((args: unknown) => Promise<unknown>) | undefined;
    const answer = (reply: Answer): void => {
      process.send?.(reply);
    };
    if (handler === undefined) {
      answer({ id: message.id, error: `unknown command '${message.command}'` });
      return;
    }
    handler(message.args).then(
      (result) => answer({ id: message.id, result }),
      (error: unknown) => answer({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The coordinator going away (crash, Ctrl-C) closes the channel: nothing is left running.
  process.once('disconnect', () => process.exit(0));
}
