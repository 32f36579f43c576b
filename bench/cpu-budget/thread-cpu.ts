/**
 * CPU time of every thread of the benchmark browsers, from /proc/<pid>/task/<tid>/stat, sampled
 * through a turn so that a window timed in the page (first verified chunk to completed, epoch ms)
 * can be read off afterwards. Threads, not only processes: a renderer's main thread is what the
 * JS profile sees, and its other threads (WebRTC's network thread, the thread pool where WebCrypto
 * hashes, the compositor) are exactly what it cannot.
 */
import { readdir, readFile } from 'node:fs/promises';
import { parseProcStat } from '../process-cpu';
import type { BrowserProcess, ProcessKind } from './process-tree';

const SAMPLE_INTERVAL_MS = 200;

export interface ThreadCpu {
  pid: number;
  tid: number;
  processKind: ProcessKind;
  /** The thread's name as the kernel keeps it (15 characters at most: `ThreadPoolForeg`). */
  name: string;
  isMainThread: boolean;
  cpuMs: number;
}

type ThreadId = Omit<ThreadCpu, 'cpuMs'>;

interface Sample {
  atEpochMs: number;
  cpuMsByThread: Map<string, number>;
}

async function readThreads(processes: readonly BrowserProcess[], known: Map<string, ThreadId>): Promise<Map<string, number>> {
  const cpuMsByThread = new Map<string, number>();
  await Promise.all(
    processes.map(async ({ pid, kind }) => {
      const tids = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
      for (const tid of tids) {
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
        // Undefined when the thread ended between listing and reading.
        const parsed = stat === undefined ? undefined : parseProcStat(stat);
        if (parsed === undefined) continue;
        const key = `${pid}/${tid}`;
        if (!known.has(key)) known.set(key, { pid, tid: Number(tid), processKind: kind, name: parsed.name, isMainThread: Number(tid) === pid });
        cpuMsByThread.set(key, parsed.cpuMs);
      }
    }),
  );
  return cpuMsByThread;
}

/** CPU ms the processes have used so far, all their threads together (those that ended too). */
export async function processesCpuMs(processes: readonly BrowserProcess[]): Promise<number> {
  const used = await Promise.all(
    processes.map(async ({ pid }) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      return (stat === undefined ? undefined : parseProcStat(stat)?.cpuMs) ?? 0;
    }),
  );
  return used.reduce((sum, ms) => sum + ms, 0);
}

export class ThreadCpuSampler {
  private readonly samples: Sample[] = [];
  private readonly threads = new Map<string, ThreadId>();
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(private readonly processes: readonly BrowserProcess[]) {
    this.loop = this.run();
  }

  static start(processes: readonly BrowserProcess[]): ThreadCpuSampler {
    return new ThreadCpuSampler(processes);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.sample();
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.sample();
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    }
  }

  private async sample(): Promise<void> {
    const atEpochMs = Date.now();
    this.samples.push({ atEpochMs, cpuMsByThread: await readThreads(this.processes, this.threads) });
  }

  /** Each thread's CPU ms within the window, interpolated between samples; threads that used none left out. */
  cpuBetween(fromEpochMs: number, toEpochMs: number): ThreadCpu[] {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || fromEpochMs < first.atEpochMs || toEpochMs > last.atEpochMs) {
      throw new Error('The window is not inside the sampled span of thread CPU times');
    }
    const used: ThreadCpu[] = [];
    for (const [key, thread] of this.threads) {
      const cpuMs = this.cpuMsAt(key, toEpochMs) - this.cpuMsAt(key, fromEpochMs);
      if (cpuMs > 0) used.push({ ...thread, cpuMs });
    }
    return used;
  }

  /** A thread not yet seen counts as 0 (it started later); one no longer seen keeps its last value. */
  private cpuMsAt(key: string, epochMs: number): number {
    const valueIn = (index: number): number => {
      for (let at = index; at >= 0; at--) {
        const value = this.samples[at]?.cpuMsByThread.get(key);
        if (value !== undefined) return value;
      }
      return 0;
    };
    const after = this.samples.findIndex((sample) => sample.atEpochMs >= epochMs);
    if (after <= 0) return valueIn(Math.max(0, after));
    const before = this.samples[after - 1] as Sample;
    const next = this.samples[after] as Sample;
    const share = (epochMs - before.atEpochMs) / Math.max(1, next.atEpochMs - before.atEpochMs);
    return valueIn(after - 1) + (valueIn(after) - valueIn(after - 1)) * share;
  }
}
