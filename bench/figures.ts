/** Each benchmark figure: what Shoal does, and the baseline it is compared with, in one run. */
import os from 'node:os';
import { chunkSizeFor } from '../shared/content/chunking';
import type { BenchBrowser } from './bench-browsers';
import { jsHeapUsedBytes, largestRssOf, rendererPids, samplePeak } from './bench-browsers';
import { download, removeShare, setUploadLimit, shareFile, steadyBytesPerSecond, steadyWindowOf, type DownloadTiming } from './bench-actions';
import { measureIdbWrite } from './idb-write';
import { measureRawChannel, type RawChannelTiming } from './raw-channel';
import { CpuSampler, type SteadyWindow, type WindowCpu } from './machine-cpu';
import { median, turnsInMiBps } from './rounds';
import type { Figure } from './report';
import type { BenchFiles } from './test-data';

const MiB = 1024 * 1024;
const SEEDER_CAP_KIBPS = 2048;

export function ratioFigure(name: string, value: number, baselineName: string, baseline: number, unit: string, minRatio?: number): Figure {
  const ratio = value / baseline;
  return {
    name,
    value,
    unit,
    baseline: { name: baselineName, value: baseline, unit },
    ratio,
    target: minRatio === undefined ? '' : `ratio >= ${minRatio}`,
    meetsTarget: minRatio === undefined ? null : ratio >= minRatio,
  };
}

/** One timed turn of a throughput figure: bytes per second after the first chunk, over `window`. */
export interface Turn {
  bytesPerSecond: number;
  window: SteadyWindow;
}

export const ratesOf = (turns: readonly Turn[]): number[] => turns.map((turn) => turn.bytesPerSecond);

/**
 * Prints each turn's throughput, and returns the figure for what each MiB moved cost the whole
 * machine in CPU, Shoal against the raw channel, over the same windows the throughputs are timed
 * on (medians of the turns). No target: it shows why a ratio stops where it does, since where the
 * transfer keeps the cores busy, throughput follows it. Empty where CPU time cannot be read.
 */
export function turnsAndCpu(label: string, cpu: CpuSampler | undefined, raw: readonly Turn[], shoal: readonly Turn[]): Figure[] {
  console.log(`  each turn, MiB/s: raw ${turnsInMiBps(ratesOf(raw))}; Shoal ${turnsInMiBps(ratesOf(shoal))}`);
  const cpuOf = (turns: readonly Turn[]) => turns.flatMap((turn) => cpu?.cpuOf(turn.window) ?? []);
  const shoalCpu = cpuOf(shoal);
  const rawCpu = cpuOf(raw);
  if (shoalCpu.length === 0 || rawCpu.length === 0) return [];
  const cores = (turns: WindowCpu[]) => median(turns.map((turn) => turn.busyCores)).toFixed(2);
  console.log(`  cores busy while data flowed (of ${os.cpus().length}): raw ${cores(rawCpu)}, Shoal ${cores(shoalCpu)}`);
  const msPerMiB = (turns: WindowCpu[]) => median(turns.map((turn) => turn.msPerMiB));
  return [
    {
      name: `machine CPU per MiB, ${label}`,
      value: msPerMiB(shoalCpu),
      unit: 'ms',
      baseline: { name: 'raw channel', value: msPerMiB(rawCpu), unit: 'ms' },
      ratio: msPerMiB(shoalCpu) / msPerMiB(rawCpu),
      target: '',
      meetsTarget: null,
    },
  ];
}

function ceilingFigure(name: string, value: number, baselineName: string, baseline: number, unit: string, maxValue: number): Figure {
  return {
    name,
    value,
    unit,
    baseline: { name: baselineName, value: baseline, unit },
    ratio: value / baseline,
    target: `< ${maxValue} ${unit}`,
    meetsTarget: value < maxValue,
  };
}

export async function benchSingleSource(options: {
  seeder: BenchBrowser;
  downloader: BenchBrowser;
  files: BenchFiles;
  sizeBytes: number;
  rounds: number;
}): Promise<Figure[]> {
  const { seeder, downloader, files, sizeBytes, rounds } = options;
  const chunkBytes = chunkSizeFor(sizeBytes);
  const name = 'bench-single.bin';
  await shareFile(seeder.page, await files.make(name, sizeBytes), name);
  const renderers = await rendererPids(downloader);
  const idleRss = await largestRssOf(renderers);
  let peakRss = 0;
  const raw: RawChannelTiming[] = [];
  const shoal: DownloadTiming[] = [];
  const cpu = CpuSampler.start();
  // Raw and Shoal runs take turns, and each figure is the median of its runs: on two busy cores one
  // run of either can be a fifth off, and taking turns spreads a slow spell over both.
  for (let round = 0; round < rounds; round++) {
    raw.push(await measureRawChannel(seeder.page, downloader.page, sizeBytes, chunkBytes));
    const rssPeak = samplePeak(() => largestRssOf(renderers));
    shoal.push(await download(downloader.page, name, 1));
    peakRss = Math.max(peakRss, await rssPeak.stop());
    await removeShare(downloader.page, name);
  }
  await removeShare(seeder.page, name);
  const rawTurns = raw.map((run): Turn => ({ bytesPerSecond: run.bytesPerSecond, window: run.steadyWindow }));
  const shoalTurns = shoal.map((run): Turn => ({ bytesPerSecond: steadyBytesPerSecond(run, sizeBytes), window: steadyWindowOf(run, sizeBytes) }));
  const cpuFigures = turnsAndCpu(`single-source (${sizeBytes / MiB} MiB)`, cpu, rawTurns, shoalTurns);
  cpu?.stop();

  const rawBytesPerSec = median(ratesOf(rawTurns));
  const rawFirstChunkMs = median(raw.map((run) => run.firstChunkMs));
  const shoalBytesPerSec = median(ratesOf(shoalTurns));
  const shoalFirstChunkMs = median(shoal.map((run) => run.firstChunkMs));
  const shoalTotalMs = median(shoal.map((run) => run.totalMs));
  return [
    ratioFigure(
      `single-source transfer (${sizeBytes / MiB} MiB)`,
      shoalBytesPerSec / MiB,
      'raw data channel',
      rawBytesPerSec / MiB,
      'MiB/s',
      0.9,
    ),
    ...cpuFigures,
    ceilingFigure(
      `peak renderer RSS, downloading tab (${sizeBytes / MiB} MiB)`,
      peakRss / MiB,
      'same tab before the download',
      idleRss / MiB,
      'MiB',
      400,
    ),
    {
      name: `click Download → first verified chunk (${chunkBytes / MiB} MiB)`,
      value: shoalFirstChunkMs,
      unit: 'ms',
      baseline: { name: 'raw channel: connect + one chunk of bytes', value: rawFirstChunkMs, unit: 'ms' },
      ratio: shoalFirstChunkMs / rawFirstChunkMs,
      target: '',
      meetsTarget: null,
    },
    ratioFigure(
      `single-source, click to completed (${sizeBytes / MiB} MiB)`,
      sizeBytes / MiB / (shoalTotalMs / 1000),
      'raw channel, connect to last byte',
      sizeBytes / MiB / ((rawFirstChunkMs + ((sizeBytes - chunkBytes) / rawBytesPerSec) * 1000) / 1000),
      'MiB/s',
    ),
  ];
}

/**
 * 4 seeders capped at 2 MiB/s against 1. The one-seeder baseline is as steady as its cap, so it is
 * timed once; the swarm download is timed `rounds` times and the median taken, since on two cores
 * four senders at 2 MiB/s each come near what the machine's data channels can carry and one busy
 * spell moves a single run by a tenth. Every swarm turn but the first reuses the connections the
 * first opened, as the baseline reuses the one to its seeder: both time data flowing, after the
 * first verified chunk (connecting is the first-chunk figure's business).
 */
export async function benchMultiSource(options: {
  seeders: BenchBrowser[];
  downloader: BenchBrowser;
  files: BenchFiles;
  sizeBytes: number;
  rounds: number;
}): Promise<Figure> {
  const { seeders, downloader, files, sizeBytes, rounds } = options;
  const [first, ...others] = seeders;
  if (!first) throw new Error('benchMultiSource needs seeders');
  const name = 'bench-swarm.bin';
  const filePath = await files.make(name, sizeBytes);
  for (const seeder of seeders) await setUploadLimit(seeder.page, SEEDER_CAP_KIBPS);
  try {
    await shareFile(first.page, filePath, name);
    const single = await download(downloader.page, name, 1);
    await removeShare(downloader.page, name);
    for (const seeder of others) await shareFile(seeder.page, filePath, name);
    const swarmRuns: number[] = [];
    for (let round = 0; round < rounds; round++) {
      swarmRuns.push(steadyBytesPerSecond(await download(downloader.page, name, seeders.length), sizeBytes) / MiB);
      await removeShare(downloader.page, name);
    }
    for (const seeder of seeders) await removeShare(seeder.page, name);
    console.log(`  ${seeders.length} seeders, each turn: ${swarmRuns.map((run) => run.toFixed(2)).join(', ')} MiB/s`);
    const oneSeeder = steadyBytesPerSecond(single, sizeBytes) / MiB;
    return ratioFigure(`${seeders.length} seeders at 2 MiB/s each (${sizeBytes / MiB} MiB)`, median(swarmRuns), '1 such seeder', oneSeeder, 'MiB/s', 3.6);
  } finally {
    for (const seeder of seeders) await setUploadLimit(seeder.page, 0);
  }
}

export async function benchShare(options: { seeder: BenchBrowser; files: BenchFiles; sizeBytes: number }): Promise<Figure> {
  const { seeder, files, sizeBytes } = options;
  const name = 'bench-share.bin';
  const filePath = await files.make(name, sizeBytes);
  const shareBytesPerSec = await timedShare(seeder, filePath, name, sizeBytes);
  await removeShare(seeder.page, name);
  return shareFigure(seeder, sizeBytes, shareBytesPerSec);
}

async function timedShare(seeder: BenchBrowser, filePath: string, name: string, sizeBytes: number): Promise<number> {
  const startedMs = performance.now();
  await shareFile(seeder.page, filePath, name);
  return sizeBytes / ((performance.now() - startedMs) / 1000);
}

async function shareFigure(seeder: BenchBrowser, sizeBytes: number, shareBytesPerSec: number): Promise<Figure> {
  const idbBytesPerSec = await measureIdbWrite(seeder.page, sizeBytes, chunkSizeFor(sizeBytes));
  return ratioFigure(`share: hash + store (${sizeBytes / MiB} MiB)`, shareBytesPerSec / MiB, 'raw IndexedDB writes', idbBytesPerSec / MiB, 'MiB/s');
}

/** Peak JS heap of both tabs while one shares a file and the other downloads it; with
 * `alsoTimesShare` (the quick run, where both figures use the same size) that share is timed too. */
export async function benchLargeFileMemory(options: {
  seeder: BenchBrowser;
  downloader: BenchBrowser;
  files: BenchFiles;
  sizeBytes: number;
  alsoTimesShare: boolean;
}): Promise<Figure[]> {
  const { seeder, downloader, files, sizeBytes } = options;
  const seederSession = await seeder.page.context().newCDPSession(seeder.page);
  const downloaderSession = await downloader.page.context().newCDPSession(downloader.page);
  const idleHeap = Math.max(
    await jsHeapUsedBytes(seeder.page, seederSession),
    await jsHeapUsedBytes(downloader.page, downloaderSession),
  );
  const heapPeak = samplePeak(async () =>
    Math.max(await jsHeapUsedBytes(seeder.page, seederSession), await jsHeapUsedBytes(downloader.page, downloaderSession)),
  );
  const name = 'bench-large.bin';
  const shareBytesPerSec = await timedShare(seeder, await files.make(name, sizeBytes), name, sizeBytes);
  await download(downloader.page, name, 1);
  const peak = await heapPeak.stop();
  await removeShare(downloader.page, name);
  await removeShare(seeder.page, name);
  const heap = ceilingFigure(`peak JS heap, share + download (${sizeBytes / MiB} MiB)`, peak / MiB, 'idle app heap', idleHeap / MiB, 'MiB', 256);
  return options.alsoTimesShare ? [await shareFigure(seeder, sizeBytes, shareBytesPerSec), heap] : [heap];
}
