/**
 * Four seeders capped at 2 MiB/s against one such seeder, both timed over the same steady window
 * (steady-window.ts): the bytes that arrived between two points of the download, after each
 * seeder's first burst and before the end game. Four caps allow at most four times one; the figure
 * declares that limit and is refused (INVALID) past it.
 */
import { chunkSizeFor } from '../shared/content/chunking';
import type { BenchBrowser } from './bench-browsers';
import { download, removeShare, setUploadLimit, shareFile, type DownloadTiming } from './bench-actions';
import type { Figure } from './report';
import { median } from './rounds';
import { cappedSwarmLimit, steadyRateOfSeries, steadySpanFor, type SteadyRate, type SteadySpan } from './steady-window';
import { figureOf, TARGETS } from './targets';
import type { BenchFiles } from './test-data';

const MiB = 1024 * 1024;
const SEEDER_CAP_KIBPS = 2048;

function steadyRateOf(timing: DownloadTiming, span: SteadySpan, label: string): SteadyRate {
  if (timing.received === undefined) throw new Error(`${label}: the received bytes were not read`);
  const rate = steadyRateOfSeries(timing.received, span);
  console.log(`  ${label}: ${(rate.bytesPerSecond / MiB).toFixed(2)} MiB/s, ${(rate.bytes / MiB).toFixed(1)} MiB received in ${rate.seconds.toFixed(2)} s`);
  return rate;
}

/**
 * The one-seeder baseline is as steady as its cap, so it is timed once; the swarm is timed `rounds`
 * times and the median taken, since on two cores four senders at 2 MiB/s each come near what the
 * machine's data channels can carry and one busy spell moves a single turn by a tenth.
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
    const single = steadyRateOf(await download(downloader.page, name, 1, true), span, '1 seeder');
    await removeShare(downloader.page, name);
    for (const seeder of others) await shareFile(seeder.page, filePath, name);
    const swarm: SteadyRate[] = [];
    for (let round = 0; round < rounds; round++) {
      swarm.push(steadyRateOf(await download(downloader.page, name, seeders.length, true), span, `${seeders.length} seeders, turn ${round + 1}`));
      await removeShare(downloader.page, name);
    }
    for (const seeder of seeders) await removeShare(seeder.page, name);
    const swarmMiBps = swarm.map((turn) => turn.bytesPerSecond / MiB);
    return figureOf({
      name: `${seeders.length} seeders at 2 MiB/s each, steady window (${sizeBytes / MiB} MiB)`,
      value: median(swarmMiBps),
      unit: 'MiB/s',
      baseline: { name: '1 such seeder, same window', value: single.bytesPerSecond / MiB },
      target: TARGETS.cappedSwarm,
      limit: cappedSwarmLimit({
        capBytesPerSec: SEEDER_CAP_KIBPS * 1024,
        seeders: seeders.length,
        swarmSeconds: Math.min(...swarm.map((turn) => turn.seconds)),
        singleSeconds: single.seconds,
      }),
      turns: { value: swarmMiBps, baseline: [single.bytesPerSecond / MiB] },
    });
  } finally {
    for (const seeder of seeders) await setUploadLimit(seeder.page, 0);
  }
}
