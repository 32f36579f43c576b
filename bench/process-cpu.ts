/**
 * CPU time of a few processes over a window, from /proc/<pid>/stat sampled a few times a second:
 * how many cores a downloading tab's renderer kept busy while its steady window was timed, to tell
 * a downloader that could not keep up from seeders that held back. Linux only; elsewhere nothing.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every Linux this runs on. */
const MS_PER_TICK = 10;
const SAMPLE_INTERVAL_MS = 100;

interface Sample {
  atEpochMs: number;
  cpuMs: number;
}

/**
 * The name and user plus system CPU ms in a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line,
 * or undefined when it does not parse.
 */
export function parseProcStat(text: string): { name: string; cpuMs: number } | undefined {
  // "pid (comm) state ..." where comm may hold spaces: fields count from after the closing paren;
  // utime and stime are the 14th and 15th fields, the 12th and 13th after the state.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? { name: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), cpuMs: ticks * MS_PER_TICK } : undefined;
}

/** User and system CPU ms a process has used, or undefined when it cannot be read (gone, not Linux). */
export function cpuMsOfProcess(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcStat(text)?.cpuMs;
}

export class ProcessCpuSampler {
  private readonly samples: Sample[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly pids: readonly number[]) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Cores the processes kept busy on average between two instants (epoch ms), or undefined outside the samples. */
  busyCoresBetween(fromEpochMs: number, toEpochMs: number): number | undefined {
    this.sample();
    const from = this.cpuMsAt(fromEpochMs);
    const to = this.cpuMsAt(toEpochMs);
    if (from === undefined || to === undefined || !(toEpochMs > fromEpochMs)) return undefined;
    return (to - from) / (toEpochMs - fromEpochMs);
  }

  private sample(): void {
    let cpuMs = 0;
    for (const pid of this.pids) cpuMs += cpuMsOfProcess(pid) ?? 0;
    this.samples.push({ atEpochMs: Date.now(), cpuMs });
  }

  private cpuMsAt(epochMs: number): number | undefined {
    const after = this.samples.findIndex((sample) => sample.atEpochMs >= epochMs);
    if (after <= 0) return undefined;
    const before = this.samples[after - 1] as Sample;
    const next = this.samples[after] as Sample;
    const span = next.atEpochMs - before.atEpochMs;
    return span === 0 ? next.cpuMs : before.cpuMs + ((next.cpuMs - before.cpuMs) * (epochMs - before.atEpochMs)) / span;
  }
}
