/**
 * `npm run bench [-- --quick]`: measures Shoal in real Chromium against baselines taken in the same
 * run (raw data channel, raw IndexedDB writes, idle memory), prints a table and writes
 * bench/RESULTS.md and bench/results.json.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientIfStale } from '../signaling-server/client-build';
import { createTracker } from '../signaling-server/app';
import { tempDataDirFor } from './temp-dirs';
import { launchBenchBrowser, type BenchBrowser } from './bench-browsers';
import { join } from './bench-actions';
import { BenchFiles } from './test-data';
import { machineDescription, printTable, writeResults, type Figure } from './report';
import { benchSingleSource, benchShare, benchLargeFileMemory } from './figures';
import { benchCappedSwarm } from './capped-swarm';
import { printRefusals } from './physical-limit';
import { benchNodePeers } from './node-throughput';
import { waitForQuiet } from './quiet';
import { roundsFor } from './rounds';

const MiB = 1024 * 1024;
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const quick = process.argv.includes('--quick');

/** `--only node|single|swarm|share`: one group of figures, printed and not written (to try a change). */
const onlyArgument = process.argv.indexOf('--only');
const only = onlyArgument >= 0 ? process.argv[onlyArgument + 1] : undefined;
const GROUPS = ['node', 'single', 'swarm', 'share'] as const;
if (only !== undefined && !(GROUPS as readonly string[]).includes(only)) throw new Error(`--only takes one of ${GROUPS.join(', ')}`);
const runs = (group: (typeof GROUPS)[number]): boolean => only === undefined || only === group;

const ROUNDS = roundsFor(quick);

/** Sizes: the full figures, or the quick run's smaller files. The swarm's file leaves a
 * steady window (steady-window.ts) of 32 MiB quick (4 s at the four caps), 80 MiB full (10 s). */
export const SIZES = quick
  ? { transferBytes: 64 * MiB, shareBytes: 256 * MiB, largeBytes: 256 * MiB, swarmBytes: 48 * MiB }
  : { transferBytes: 256 * MiB, shareBytes: 1024 * MiB, largeBytes: 2048 * MiB, swarmBytes: 96 * MiB };

async function main(): Promise<void> {
  await buildClientIfStale(repoRoot, (message) => console.log(message));
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, dataDir: await tempDataDirFor('bench') });
  const files = await BenchFiles.create();
  const browsers: BenchBrowser[] = [];
  try {
    const names = ['seeder-a', 'downloader', 'seeder-c', 'seeder-d', 'seeder-e'];
    for (const name of names) {
      const bench = await launchBenchBrowser(tracker.url);
      await join(bench.page, name);
      browsers.push(bench);
    }
    const [seeder, downloader, ...extraSeeders] = browsers as [BenchBrowser, BenchBrowser, ...BenchBrowser[]];
    const figures: Figure[] = [];
    const startedMs = performance.now();
    const step = async (label: string): Promise<void> => {
      await waitForQuiet();
      console.log(`… ${((performance.now() - startedMs) / 1000).toFixed(0)} s: ${label}`);
    };

    if (runs('node')) {
      await step(`Node peer: Node -> Node and Node -> browser (${SIZES.transferBytes / MiB} MiB) vs raw wrtc channels`);
      figures.push(...(await benchNodePeers({ trackerUrl: tracker.url, files, sizeBytes: SIZES.transferBytes, rounds: ROUNDS, appPage: downloader.page })));
    }
    if (runs('single')) {
      await step(`single-source transfer of ${SIZES.transferBytes / MiB} MiB vs the raw data channel`);
      figures.push(...(await benchSingleSource({ seeder, downloader, files, sizeBytes: SIZES.transferBytes, rounds: ROUNDS })));
    }
    if (runs('swarm')) {
      await step(`4 seeders capped at 2 MiB/s vs 1 over a steady window (${SIZES.swarmBytes / MiB} MiB)`);
      figures.push(await benchCappedSwarm({ seeders: [seeder, ...extraSeeders], downloader, files, sizeBytes: SIZES.swarmBytes, rounds: ROUNDS }));
    }

    // The quick run shares the same size for both figures, so one share is timed for both.
    const alsoTimesShare = SIZES.shareBytes === SIZES.largeBytes;
    if (runs('share') && !alsoTimesShare) {
      await step(`sharing ${SIZES.shareBytes / MiB} MiB vs raw IndexedDB writes`);
      figures.push(await benchShare({ seeder, files, sizeBytes: SIZES.shareBytes }));
    }
    if (runs('share')) {
      await step(`peak JS heap while sharing${alsoTimesShare ? ' (timed, vs raw IndexedDB writes)' : ''} and downloading ${SIZES.largeBytes / MiB} MiB`);
      figures.push(...(await benchLargeFileMemory({ seeder, downloader, files, sizeBytes: SIZES.largeBytes, alsoTimesShare })));
    }

    printTable(figures);
    if (only !== undefined) {
      if (printRefusals(figures)) process.exitCode = 1;
      return;
    }
    const chromiumVersion = seeder.browser.version();
    await writeResults(
      benchDir,
      {
        date: new Date().toISOString(),
        mode: quick ? 'quick' : 'full',
        machine: machineDescription(),
        versions: { node: process.version, chromium: chromiumVersion },
      },
      figures,
    );
    console.log('\nWrote bench/RESULTS.md and bench/results.json');
    // Refused figures are written as INVALID (never as met), and the run fails.
    if (printRefusals(figures)) process.exitCode = 1;
  } finally {
    await Promise.all(browsers.map((bench) => bench.close().catch(() => undefined)));
    await tracker.close();
    await files.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
