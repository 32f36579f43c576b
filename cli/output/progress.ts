/**
 * Progress of one job (hashing a file, downloading one): a redrawn bar with speed and ETA on a
 * terminal, a plain line now and then when output goes to a file or pipe, nothing in --json mode.
 */
import { PLAIN_PROGRESS_INTERVAL_MS } from '../config';
import { formatBytes, formatEta, formatSpeed, plural } from './format';

export interface ProgressUpdate {
  bytesDone: number;
  totalBytes: number;
  speedBytesPerSec?: number;
  etaSeconds?: number;
  peers?: number;
  /** Who sends it and how each is connected: "From ana (direct, 3 ms)". */
  connections?: string;
}

export interface Progress {
  update(update: ProgressUpdate): void;
  /** Ends the progress display (the caller prints the outcome next). */
  end(): void;
}

export type ProgressMode = 'bar' | 'lines' | 'none';

/** The mode for a stream: a bar on a terminal, lines otherwise, none for --json. */
export function progressModeFor(stream: NodeJS.WriteStream, isJson: boolean): ProgressMode {
  if (isJson) return 'none';
  return stream.isTTY ? 'bar' : 'lines';
}

export function createProgress(label: string, mode: ProgressMode, stream: NodeJS.WriteStream): Progress {
  if (mode === 'none') return { update: () => {}, end: () => {} };
  return mode === 'bar' ? new BarProgress(label, stream) : new LineProgress(label, stream);
}

class BarProgress implements Progress {
  private lastDrawMs = 0;
  private hasDrawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(update: ProgressUpdate): void {
    const nowMs = Date.now();
    // Redrawing more than ~10 times a second only costs CPU.
    if (nowMs - this.lastDrawMs < 100 && update.bytesDone < update.totalBytes) return;
    this.lastDrawMs = nowMs;
    const details = describe(update);
    const columns = this.stream.columns ?? 80;
    const label = this.label.length > 24 ? `${this.label.slice(0, 23)}…` : this.label;
    const barWidth = Math.max(10, Math.min(40, columns - label.length - details.length - 4));
    const filled = Math.round(fraction(update) * barWidth);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
    this.stream.write(`\r${label} ${bar} ${details}\x1b[K`);
    this.hasDrawn = true;
  }

  end(): void {
    if (this.hasDrawn) this.stream.write('\n');
  }
}

class LineProgress implements Progress {
  private lastLineMs = -Infinity;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(update: ProgressUpdate): void {
    const nowMs = Date.now();
    if (nowMs - this.lastLineMs < PLAIN_PROGRESS_INTERVAL_MS) return;
    this.lastLineMs = nowMs;
    this.stream.write(`${this.label}: ${describe(update)}\n`);
  }

  end(): void {}
}

function fraction({ bytesDone, totalBytes }: ProgressUpdate): number {
  return totalBytes > 0 ? Math.min(1, bytesDone / totalBytes) : 1;
}

/** "45% 12.3 MiB/27.0 MiB 4.5 MiB/s ETA 0:03 From ana (direct, 3 ms)" (speed, ETA and who sends when
 * known; the number of peers while their names and paths are not). */
function describe(update: ProgressUpdate): string {
  const parts = [
    `${Math.floor(fraction(update) * 100)}%`,
    `${formatBytes(update.bytesDone)}/${formatBytes(update.totalBytes)}`,
  ];
  if (update.speedBytesPerSec !== undefined) parts.push(formatSpeed(update.speedBytesPerSec), `ETA ${formatEta(update.etaSeconds)}`);
  if (update.connections !== undefined) parts.push(update.connections);
  else if (update.peers !== undefined) parts.push(plural(update.peers, 'peer'));
  return parts.join('  ');
}
