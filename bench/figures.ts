/** Each benchmark figure: what Shoal does, and the baseline it is compared with, in one run. */
import os from 'node:os';
import { chunkSizeFor } from '../shared/content/chunking';
import type { BenchBrowser } from './bench-browsers';
import { jsHeapUsedBytes, largestRssOf, rendererPids, samplePeak } from './bench-browsers';
import { download, removeShare, shareFile, steadyBytesPerSecond, steadyWindowOf, type DownloadTiming } from './bench-actions';
import { measureIdbWriteKept } from './idb-write';
import { measureRawChannel, type RawChannelTiming } from './raw-channel';
import { CpuSampler, type SteadyWindow, type WindowCpu } from './machine-cpu';
import { noPhysicalLimit } from './physical-limit';
import { median, turnsInMiBps } from './rounds';
import type { Figure } from './report';
import { figureOf, TARGETS, type Target } from './targets';
import type { BenchFiles } from './test-data';

const MiB = 1024 * 1024;

/** Both ends of a transfer on this machine, over loopback: no link or cap bounds what they reach,
 * and Shoal may beat a raw channel (its connections may already be open, its writes batched). */
export const LOOPBACK_UNBOUNDED = noPhysicalLimit('both ends on this machine over loopback: no link or cap bounds the value or the ratio');
const MEMORY_UNBOUNDED = noPhysicalLimit('memory in use has no bound below the machine\'s RAM that the set-up sets');

/** One timed turn of a throughput figure: bytes per second after the first chunk, over `window`. */
export interface Turn {
  bytesPerSecond: number;
  window: SteadyWindow;
}

export const ratesOf = (turns: readonly Turn[]): number[] => turns.map((turn) => turn.bytesPerSecond);

/** Each turn's rate in MiB/s, for a figure's turns. */
export const turnsMiBps = (turns: readonly Turn[]): number[] => ratesOf(turns).map((rate) => rate / MiB);

/**
 * Prints each turn's throughput, and returns the figure for what each MiB moved cost the whole
 * machine in CPU, Shoal against the raw channel, over the same windows the throughputs are timed
 * on (medians of the turns). It shows why a ratio stops where it does, since where the transfer
 * keeps the cores busy, throughput follows it; the issue sets a target for the browser's single
 * source only. Empty where CPU time cannot be read.
 */
export function turnsAndCpu(label: string, cpu: CpuSampler | undefined, raw: readonly Turn[], shoal: readonly Turn[], target?: Target): Figure[] {
  console.log(`  each turn, MiB/s: raw ${turnsInMiBps(ratesOf(raw))}; Shoal ${turnsInMiBps(ratesOf(shoal))}`);
  const cpuOf = (turns: readonly Turn[]) => turns.flatMap((turn) => cpu?.cpuOf(turn.window) ?? []);
  const shoalCpu = cpuOf(shoal);
  const rawCpu = cpuOf(raw);
  if (shoalCpu.length === 0 || rawCpu.length === 0) return [];
  const cores = (turns: WindowCpu[]) => median(turns.map((turn) => turn.busyCores)).toFixed(2);
  console.log(`  cores busy while data flowed (of ${os.cpus().length}): raw ${cores(rawCpu)}, Shoal ${cores(shoalCpu)}`);
  const perTurn = (turns: WindowCpu[]) => turns.map((turn) => turn.msPerMiB);
  return [
    figureOf({
      name: `machine CPU per MiB, ${label}`,
      value: median(perTurn(shoalCpu)),
      unit: 'ms',
      baseline: { name: 'raw channel', value: median(perTurn(rawCpu)) },
      ...(target === undefined ? {} : { target }),
      limit: noPhysicalLimit('CPU time per MiB has no bound the set-up sets'),
      turns: { value: perTurn(shoalCpu), baseline: perTurn(rawCpu) },
    }),
  ];
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
  const cpuFigures = turnsAndCpu(`single-source (${sizeBytes / MiB} MiB)`, cpu, rawTurns, shoalTurns, TARGETS.singleSourceCpuPerMiB);
  cpu?.stop();

  const rawBytesPerSec = median(ratesOf(rawTurns));
  const rawFirstChunkMs = median(raw.map((run) => run.firstChunkMs));
  const shoalBytesPerSec = median(ratesOf(shoalTurns));
  const shoalFirstChunkMs = median(shoal.map((run) => run.firstChunkMs));
  const clickToCompletedMiBps = shoal.map((run) => sizeBytes / MiB / (run.totalMs / 1000));
  return [
    figureOf({
      name: `single-source transfer (${sizeBytes / MiB} MiB)`,
      value: shoalBytesPerSec / MiB,
      unit: 'MiB/s',
      baseline: { name: 'raw data channel', value: rawBytesPerSec / MiB },
      target: TARGETS.singleSource,
      limit: LOOPBACK_UNBOUNDED,
      turns: { value: turnsMiBps(shoalTurns), baseline: turnsMiBps(rawTurns) },
    }),
    ...cpuFigures,
    figureOf({
      name: `peak renderer RSS, downloading tab (${sizeBytes / MiB} MiB)`,
      value: peakRss / MiB,
      unit: 'MiB',
      baseline: { name: 'same tab before the download', value: idleRss / MiB },
      target: TARGETS.rendererRss,
      limit: MEMORY_UNBOUNDED,
    }),
    figureOf({
      name: `click Download → first verified chunk (${chunkBytes / MiB} MiB)`,
      value: shoalFirstChunkMs,
      unit: 'ms',
      baseline: { name: 'raw channel: connect + one chunk of bytes', value: rawFirstChunkMs },
      target: TARGETS.firstVerifiedChunk,
      // Shoal may already hold a connection to the seeder where the raw channel makes a new one.
      limit: noPhysicalLimit('a download may start on a connection already open, where the raw channel opens one'),
      turns: { value: shoal.map((run) => run.firstChunkMs), baseline: raw.map((run) => run.firstChunkMs) },
    }),
    figureOf({
      name: `single-source, click to completed (${sizeBytes / MiB} MiB)`,
      value: median(clickToCompletedMiBps),
      unit: 'MiB/s',
      baseline: { name: 'raw channel, connect to last byte', value: sizeBytes / MiB / ((rawFirstChunkMs + ((sizeBytes - chunkBytes) / rawBytesPerSec) * 1000) / 1000) },
      limit: LOOPBACK_UNBOUNDED,
      turns: { value: clickToCompletedMiBps },
    }),
  ];
}

export async function benchShare(options: { seeder: BenchBrowser; files: BenchFiles; sizeBytes: number }): Promise<Figure> {
  const { seeder, files, sizeBytes } = options;
  const name = 'bench-share.bin';
  const filePath = await files.make(name, sizeBytes);
  const rawWrites = await measureIdbWriteKept(seeder.page, sizeBytes, chunkSizeFor(sizeBytes));
  const shareBytesPerSec = await timedShare(seeder, filePath, name, sizeBytes);
  await removeShare(seeder.page, name);
  await rawWrites.remove();
  return shareFigure(sizeBytes, shareBytesPerSec, rawWrites.bytesPerSecond);
}

async function timedShare(seeder: BenchBrowser, filePath: string, name: string, sizeBytes: number): Promise<number> {
  const startedMs = performance.now();
  await shareFile(seeder.page, filePath, name);
  return sizeBytes / ((performance.now() - startedMs) / 1000);
}

function shareFigure(sizeBytes: number, shareBytesPerSec: number, idbBytesPerSec: number): Figure {
  return figureOf({
    name: `share: hash + store (${sizeBytes / MiB} MiB)`,
    value: shareBytesPerSec / MiB,
    unit: 'MiB/s',
    baseline: { name: 'raw IndexedDB writes', value: idbBytesPerSec / MiB },
    target: TARGETS.share,
    // The same bytes in transactions of the same size at most; sharing also reads and hashes them, but
    // a batch waits while the previous one commits, so the two can differ either way by a little.
    limit: noPhysicalLimit('sharing batches what waits to be stored, up to the raw writes\' batch size, so the ratio is not bounded exactly'),
  });
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
  const name = 'bench-large.bin';
  const filePath = await files.make(name, sizeBytes);
  // Measured before the share and removed after it, as benchShare does (see measureIdbWriteKept).
  const rawWrites = options.alsoTimesShare ? await measureIdbWriteKept(seeder.page, sizeBytes, chunkSizeFor(sizeBytes)) : undefined;
  const seederSession = await seeder.page.context().newCDPSession(seeder.page);
  const downloaderSession = await downloader.page.context().newCDPSession(downloader.page);
  const idleHeap = Math.max(
    await jsHeapUsedBytes(seeder.page, seederSession),
    await jsHeapUsedBytes(downloader.page, downloaderSession),
  );
  const heapPeak = samplePeak(async () =>
    Math.max(await jsHeapUsedBytes(seeder.page, seederSession), await jsHeapUsedBytes(downloader.page, downloaderSession)),
  );
  const shareBytesPerSec = await timedShare(seeder, filePath, name, sizeBytes);
  await download(downloader.page, name, 1);
  const peak = await heapPeak.stop();
  await removeShare(downloader.page, name);
  await removeShare(seeder.page, name);
  await rawWrites?.remove();
  const heap = figureOf({
    name: `peak JS heap, share + download (${sizeBytes / MiB} MiB)`,
    value: peak / MiB,
    unit: 'MiB',
    baseline: { name: 'idle app heap', value: idleHeap / MiB },
    target: TARGETS.jsHeap,
    limit: MEMORY_UNBOUNDED,
  });
  return rawWrites !== undefined ? [shareFigure(sizeBytes, shareBytesPerSec, rawWrites.bytesPerSecond), heap] : [heap];
}
