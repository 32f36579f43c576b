/**
 * Four seeders capped at 2 MiB/s against one such seeder, both timed over the same steady window
 * (steady-window.ts): between two points of the download, after each seeder's first burst and
 * before the end game, the lower of what arrived and what the seeders' limiters released (counted
 * on each seeder's page, sent-bytes.ts), so bytes queued in send buffers before the window opened
 * do not count in it. Four caps allow at most four times one; the figure declares that limit and
 * is refused (INVALID) past it.
 */
import { cpus } from 'node:os';
import { chunkSizeFor } from '../shared/content/chunking';
import { rendererPids, type BenchBrowser } from './bench-browsers';
import { CpuSampler } from './machine-cpu';
import { ProcessCpuSampler } from './process-cpu';
import { download, removeShare, setUploadLimit, shareFile, type DownloadTiming } from './bench-actions';
import type { Figure } from './report';
import { median } from './rounds';
import { startCountingSent, stopCountingSent } from './sent-bytes';
import { cappedSwarmLimit, steadySpanFor, swarmSteadyRate, type SteadySpan, type SwarmSteadyRate } from './steady-window';
import { figureOf, TARGETS } from './targets';
import type { BenchFiles } from './test-data';

const MiB = 1024 * 1024;
const SEEDER_CAP_KIBPS = 2048;

const perSecond = (rate: { bytesPerSecond: number }): string => (rate.bytesPerSecond / MiB).toFixed(2);

/** Downloads from `seeders` (each sharing the file) and times the steady window, counting what each seeder sent. */
async function timedDownload(downloader: BenchBrowser, seeders: BenchBrowser[], name: string, span: SteadySpan, label: string): Promise<SwarmSteadyRate> {
  // What the downloading tab and the whole machine spent over the window: a swarm short of its
  // caps with growing send buffers and a renderer near a full core was held back by the downloader.
  const downloaderCpu = new ProcessCpuSampler(await rendererPids(downloader));
  const machineCpu = CpuSampler.start();
  for (const seeder of seeders) await startCountingSent(seeder.page);
  const downloaded = await download(downloader.page, name, seeders.length, true).then(
    (timing: DownloadTiming) => ({ timing }),
    (error: unknown) => ({ error }),
  );
  // Stopped even when the download failed, so no page keeps reading its counters.
  const sentBySeeder = await Promise.all(seeders.map((seeder) => stopCountingSent(seeder.page)));
  downloaderCpu.stop();
  machineCpu?.stop();
  if ('error' in downloaded) throw downloaded.error;
  const { timing } = downloaded;
  if (timing.received === undefined) throw new Error(`${label}: the received bytes were not read`);
  const rate = swarmSteadyRate(timing.received, sentBySeeder, span);
  const mebibytes = (bytes: number): string => (bytes / MiB).toFixed(2);
  // Send buffers that grow through the window say the downloader fell behind what the caps released.
  const bySeeder = rate.bySeeder.map((seeder) => `${perSecond(seeder)} [${mebibytes(seeder.bufferedAtOpen)}->${mebibytes(seeder.bufferedAtClose)}]`);
  console.log(
    `  ${label}: ${perSecond(rate.rate)} MiB/s — released ${perSecond(rate.released)} over ${rate.released.seconds.toFixed(2)} s, ` +
      `arrived ${perSecond(rate.received)} over ${rate.received.seconds.toFixed(2)} s; ` +
      `by seeder, MiB/s [MiB in its send buffers at the opening->closing]: ${bySeeder.join(', ')}`,
  );
  const { fromMs, toMs } = rate.times;
  const rendererCores = downloaderCpu.busyCoresBetween(fromMs, toMs);
  const machineCores = machineCpu?.cpuOf({ fromEpochMs: fromMs, toEpochMs: toMs, bytes: rate.received.bytes })?.busyCores;
  console.log(
    `    over the window: the downloading tab's renderer ${rendererCores?.toFixed(2) ?? '?'} cores, ` +
      `the machine ${machineCores?.toFixed(2) ?? '?'} of ${cpus().length} cores busy`,
  );
  return rate;
}

/**
 * The swarm is timed `rounds` times and the median taken, since on two cores four senders at
 * 2 MiB/s each come near what the machine's data channels can carry and one busy spell moves a
 * single turn by a tenth. The one-seeder baseline is timed before the swarm's turns and after them
 * (its median, their mean): on a busy machine a lone seeder timed once read 1.88 MiB/s, held back by
 * its own page with nothing in its send buffers, and a ratio of 4.09 rested on it.
 */
export async function benchCappedSwarm(options: {
  seeders: BenchBrowser[];
  downloader: BenchBrowser;
  files: BenchFiles;
  sizeBytes: number;
  rounds: number;
}): Promise<Figure> {
  const { seeders, downloader, files, sizeBytes, rounds } = options;
  const [first, ...others] = seeders;
  if (!first) throw new Error('benchCappedSwarm needs seeders');
  const name = 'bench-swarm.bin';
  const filePath = await files.make(name, sizeBytes);
  const span = steadySpanFor(sizeBytes, chunkSizeFor(sizeBytes), seeders.length);
  console.log(`  steady window: from ${span.fromBytes / MiB} MiB received to ${span.toBytes / MiB} MiB`);
  for (const seeder of seeders) await setUploadLimit(seeder.page, SEEDER_CAP_KIBPS);
  try {
    await shareFile(first.page, filePath, name);
    const single: SwarmSteadyRate[] = [];
    const timeSingle = async (label: string): Promise<void> => {
      single.push(await timedDownload(downloader, [first], name, span, label));
      await removeShare(downloader.page, name);
    };
    await timeSingle('1 seeder, before');
    for (const seeder of others) await shareFile(seeder.page, filePath, name);
    const swarm: SwarmSteadyRate[] = [];
    for (let round = 0; round < rounds; round++) {
      swarm.push(await timedDownload(downloader, seeders, name, span, `${seeders.length} seeders, turn ${round + 1}`));
      await removeShare(downloader.page, name);
    }
    for (const seeder of others) await removeShare(seeder.page, name);
    await timeSingle('1 seeder, after');
    await removeShare(first.page, name);
    const swarmMiBps = swarm.map((turn) => turn.rate.bytesPerSecond / MiB);
    const singleMiBps = single.map((turn) => turn.rate.bytesPerSecond / MiB);
    return figureOf({
      name: `${seeders.length} seeders at 2 MiB/s each, steady window (${sizeBytes / MiB} MiB)`,
      value: median(swarmMiBps),
      unit: 'MiB/s',
      baseline: { name: '1 such seeder, same window', value: median(singleMiBps) },
      target: TARGETS.cappedSwarm,
      limit: cappedSwarmLimit({
        capBytesPerSec: SEEDER_CAP_KIBPS * 1024,
        seeders: seeders.length,
        // The figure is at most what the limiters released, over the seeders' windows.
        swarmSeconds: Math.min(...swarm.map((turn) => turn.released.seconds)),
        singleSeconds: Math.min(...single.map((turn) => turn.released.seconds)),
      }),
      turns: { value: swarmMiBps, baseline: singleMiBps },
    });
  } finally {
    for (const seeder of seeders) await setUploadLimit(seeder.page, 0);
  }
}
