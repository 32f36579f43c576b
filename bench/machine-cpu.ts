/**
 * CPU time the whole machine spends while data flows: every process plus the kernel's network work
 * (from /proc/stat), because on a machine whose cores a transfer saturates, throughput follows what
 * each MiB costs, wherever it is spent. A sampler runs through a figure's turns and each turn asks
 * for its steady window (first chunk to last byte, the window its throughput is timed over), in
 * epoch ms so times taken in pages and in Node compare. Linux only; elsewhere there is nothing.
 */
import { readFileSync } from 'node:fs';

/** The bytes a turn moved between two instants (epoch ms). */
export interface SteadyWindow {
  fromEpochMs: number;
  toEpochMs: number;
  bytes: number;
}

/** The machine's CPU time over a window. */
export interface WindowCpu {
  /** CPU ms spent per MiB moved. */
  msPerMiB: number;
  /** Cores busy on average (of os.cpus().length). */
  busyCores: number;
}

interface Sample {
  atEpochMs: number;
  busyMs: number;
}

/** USER_HZ, the unit of /proc/stat: 100 on every Linux this runs on. */
const MS_PER_TICK = 10;
const SAMPLE_INTERVAL_MS = 100;
const MiB = 1024 * 1024;

/** CPU ms the machine has been busy since boot (all cores), or undefined without /proc/stat. */
function busyMsSinceBoot(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  // "cpu  user nice system idle iowait irq softirq steal ...": idle and iowait are not busy.
  const ticks = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((tick) => !Number.isFinite(tick))) return undefined;
  const total = ticks.reduce((sum, tick) => sum + tick, 0);
  return (total - (ticks[3] as number) - (ticks[4] as number)) * MS_PER_TICK;
}

export class CpuSampler {
  private readonly samples: Sample[] = [];
  private readonly timer: ReturnType<typeof setInterval>;

  private constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref(); // a run that fails part way must still be able to exit
  }

  /** Starts sampling; undefined where the machine's CPU time cannot be read. */
  static start(): CpuSampler | undefined {
    return busyMsSinceBoot() === undefined ? undefined : new CpuSampler();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** What `window` cost, interpolated between samples; undefined if it is not inside the samples. */
  cpuOf(window: SteadyWindow): WindowCpu | undefined {
    this.sample();
    const from = this.busyMsAt(window.fromEpochMs);
    const to = this.busyMsAt(window.toEpochMs);
    const durationMs = window.toEpochMs - window.fromEpochMs;
    if (from === undefined || to === undefined || durationMs <= 0 || window.bytes <= 0) return undefined;
    return { msPerMiB: (to - from) / (window.bytes / MiB), busyCores: (to - from) / durationMs };
  }

  private sample(): void {
    const busyMs = busyMsSinceBoot();
    if (busyMs !== undefined) this.samples.push({ atEpochMs: Date.now(), busyMs });
  }

  private busyMsAt(epochMs: number): number | undefined {
    const after = this.samples.findIndex((sample) => sample.atEpochMs >= epochMs);
    if (after <= 0) return after === 0 && this.samples[0]?.atEpochMs === epochMs ? this.samples[0].busyMs : undefined;
    const before = this.samples[after - 1] as Sample;
    const next = this.samples[after] as Sample;
    const span = next.atEpochMs - before.atEpochMs;
    return span === 0 ? next.busyMs : before.busyMs + ((next.busyMs - before.busyMs) * (epochMs - before.atEpochMs)) / span;
  }
}
