/**
 * What both CPU-budget tools (bench/cpu-budget.ts, transport-counts.ts) measure in: a tracker
 * serving the source-mapped profiling build, and two Chromiums joined as 'seeder' and 'downloader'
 * with the transport counters installed in their pages. `close` stops them all and removes the
 * generated files, whatever state the run ended in.
 */
import { createTracker, type RunningTracker } from '../../signaling-server/app';
import { join } from '../bench-actions';
import { launchBenchBrowser, type BenchBrowser } from '../bench-browsers';
import { tempDataDirFor } from '../temp-dirs';
import { BenchFiles } from '../test-data';
import { buildForProfiling } from './budget-build';
import type { Side } from './budget-rows';
import { installCounters } from './transport-counters';

export const SIDES: readonly Side[] = ['seeder', 'downloader'];

export interface BudgetBrowsers {
  /** The profiling build's directory, whose source maps name the profiled functions' files. */
  buildDir: string;
  tracker: RunningTracker;
  files: BenchFiles;
  browsers: Record<Side, BenchBrowser>;
  close(): Promise<void>;
}

/** Builds the app for profiling, starts the tracker (its data under `label`) and opens both browsers. */
export async function openBudgetBrowsers(repoRoot: string, label: string): Promise<BudgetBrowsers> {
  const buildDir = await buildForProfiling(repoRoot, (message) => console.log(message));
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, dataDir: await tempDataDirFor(label), staticDir: buildDir });
  const files = await BenchFiles.create();
  const opened: Partial<Record<Side, BenchBrowser>> = {};
  const close = async (): Promise<void> => {
    await Promise.all(Object.values(opened).map((bench) => bench.close().catch(() => undefined)));
    await tracker.close();
    await files.remove();
  };
  try {
    for (const side of SIDES) {
      const bench = await launchBenchBrowser(tracker.url);
      opened[side] = bench;
      await join(bench.page, side);
      await installCounters(bench.page);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { buildDir, tracker, files, browsers: opened as Record<Side, BenchBrowser>, close };
}
