/**
 * `npm run bench:budget [-- --quick] [--print-only]`: what each MiB of a single-source download
 * between two Chromiums costs in CPU, part by part (issue 16's budget table). Four turns of the
 * same file through the real app: the raw data channel between the same two pages, Shoal without
 * the profiler (every thread's CPU from /proc), Shoal with both renderers' main threads profiled
 * (how their CPU divides into parts), and Shoal with both browsers traced (what the other threads'
 * work was for). Prints the tables and writes them into bench/RESULTS.md as a section of its own.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkSizeFor } from '../shared/content/chunking';
import { download, removeShare, shareFile, steadyBytesPerSecond, steadyWindowOf } from './bench-actions';
import type { SteadyWindow } from './machine-cpu';
import { waitForQuiet } from './quiet';
import { measureRawChannel } from './raw-channel';
import { machineDescription } from './report';
import { sourceResolverFor } from './cpu-budget/budget-build';
import { printBudget, writeBudget, type BudgetRun } from './cpu-budget/budget-report';
import {
  budgetRows,
  mainThreadMsPerMiB,
  otherThreadRows,
  rowOfThread,
  tabRendererPid,
  totalMsPerMiB,
  type Side,
  type SideMeasurement,
  type TurnCpu,
} from './cpu-budget/budget-rows';
import { digestedBytes, probeDigestCost, probeStoreCost, startCountingDigests } from './cpu-budget/cost-probes';
import { attributeProfile } from './cpu-budget/profile-attribution';
import { browserProcessTree } from './cpu-budget/process-tree';
import { RendererProfiler, type RecordedProfile } from './cpu-budget/renderer-profiler';
import { splitByActivity, tracedTasks, type TracedTask } from './cpu-budget/task-activities';
import { ThreadCpuSampler } from './cpu-budget/thread-cpu';
import { countersOf, difference, type TransportCounters } from './cpu-budget/transport-counters';
import { openBudgetBrowsers, SIDES } from './cpu-budget/budget-browsers';

const MiB = 1024 * 1024;
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const quick = process.argv.includes('--quick');
/** Prints the table without writing RESULTS.md (a trial run on a busy machine). */
const printOnly = process.argv.includes('--print-only');
const SIZE_BYTES = (quick ? 32 : 128) * MiB;
/** Bytes hashed, and written to and read from IndexedDB, when those steps are measured apart. */
const PROBE_BYTES = (quick ? 32 : 64) * MiB;
const FILE_NAME = 'bench-budget.bin';
/** Each task with where it was posted from, and the IPC interfaces it served. */
const TRACE_CATEGORIES = ['toplevel', 'mojom'];

/**
 * The tasks that began inside an epoch-ms window. Trace times are the browser's monotonic clock,
 * which on Linux is Node's hrtime clock too; if none fall inside (the clocks differ), all count.
 */
function tasksInWindow(tasks: TracedTask[], fromEpochMs: number, toEpochMs: number): TracedTask[] {
  const offsetUs = Number(process.hrtime.bigint() / 1000n) - Date.now() * 1000;
  const inside = tasks.filter((task) => task.startUs >= fromEpochMs * 1000 + offsetUs && task.startUs < toEpochMs * 1000 + offsetUs);
  return inside.length === 0 ? tasks : inside;
}

/**
 * What a turn asked of the transport per MiB: send() calls and bytes per call, UDP packets from the
 * seeder and how many of them never arrived (each lost one costs a retransmission and gap SACKs,
 * and the transport's CPU per MiB follows its packets per MiB; see cpu-budget/transport-counters.ts).
 */
function packetsLine(turn: string, counts: Record<Side, TransportCounters>): string {
  const perMiB = (value: number): string => (value / (SIZE_BYTES / MiB)).toFixed(0);
  const { seeder, downloader } = counts;
  const bytesPerCall = seeder.sendCalls === 0 ? 0 : seeder.sendBytes / seeder.sendCalls;
  return (
    `${turn}: seeder send() ${perMiB(seeder.sendCalls)}/MiB at ${bytesPerCall.toFixed(0)} B/call (${seeder.textSends} text); ` +
    `UDP packets seeder->downloader ${perMiB(seeder.packetsSent)}/MiB, lost ${perMiB(seeder.packetsSent - downloader.packetsReceived)}/MiB; ` +
    `downloader->seeder (SACKs, requests) ${perMiB(downloader.packetsSent)}/MiB`
  );
}

async function main(): Promise<void> {
  const opened = await openBudgetBrowsers(repoRoot, 'budget');
  const { files, browsers, buildDir } = opened;
  try {
    const benches = browsers;
    const { seeder, downloader } = benches;
    await shareFile(seeder.page, await files.make(FILE_NAME, SIZE_BYTES), FILE_NAME);
    const processesOf = { seeder: await browserProcessTree(seeder), downloader: await browserProcessTree(downloader) };
    const pidsOf = {
      seeder: new Set(processesOf.seeder.map((process) => process.pid)),
      downloader: new Set(processesOf.downloader.map((process) => process.pid)),
    };
    const sampler = ThreadCpuSampler.start([...processesOf.seeder, ...processesOf.downloader]);
    const turnCpu = (side: Side, window: SteadyWindow): TurnCpu => ({
      threads: sampler.cpuBetween(window.fromEpochMs, window.toEpochMs).filter((thread) => pidsOf[side].has(thread.pid)),
      bytes: window.bytes,
    });

    const countersNow = async (): Promise<Record<Side, TransportCounters>> => ({ seeder: await countersOf(seeder.page), downloader: await countersOf(downloader.page) });
    const countersSince = async (before: Record<Side, TransportCounters>): Promise<Record<Side, TransportCounters>> => {
      const after = await countersNow();
      return { seeder: difference(after.seeder, before.seeder), downloader: difference(after.downloader, before.downloader) };
    };
    await waitForQuiet();
    console.log(`raw data channel, ${SIZE_BYTES / MiB} MiB…`);
    const beforeRaw = await countersNow();
    const raw = await measureRawChannel(seeder.page, downloader.page, SIZE_BYTES, chunkSizeFor(SIZE_BYTES));
    const rawCounts = await countersSince(beforeRaw);
    await waitForQuiet();
    console.log('Shoal, without the profiler…');
    // Counting what is hashed costs a wrapper call per chunk: nothing next to the hashing itself.
    for (const side of SIDES) await startCountingDigests(benches[side].page);
    const beforePlain = await countersNow();
    const plain = await download(downloader.page, FILE_NAME, 1);
    const plainCounts = await countersSince(beforePlain);
    const plainHashedBytes = { seeder: await digestedBytes(seeder.page), downloader: await digestedBytes(downloader.page) };
    await removeShare(downloader.page, FILE_NAME);
    await waitForQuiet();
    console.log('Shoal, both main threads profiled…');
    for (const side of SIDES) await startCountingDigests(benches[side].page);
    const profilers = { seeder: await RendererProfiler.start(seeder.page), downloader: await RendererProfiler.start(downloader.page) };
    const profiled = await download(downloader.page, FILE_NAME, 1);
    const profiles: Record<Side, RecordedProfile> = { seeder: await profilers.seeder.stop(), downloader: await profilers.downloader.stop() };
    const hashedBytes = { seeder: await digestedBytes(seeder.page), downloader: await digestedBytes(downloader.page) };
    await removeShare(downloader.page, FILE_NAME);
    await waitForQuiet();
    console.log('Shoal, both browsers traced…');
    for (const side of SIDES) await benches[side].browser.startTracing(undefined, { categories: TRACE_CATEGORIES });
    const traced = await download(downloader.page, FILE_NAME, 1);
    const traces = { seeder: (await seeder.browser.stopTracing()).toString(), downloader: (await downloader.browser.stopTracing()).toString() };
    await removeShare(downloader.page, FILE_NAME);
    await removeShare(seeder.page, FILE_NAME);
    await sampler.stop();

    console.log('SHA-256 and IndexedDB measured apart…');
    const chunkBytes = chunkSizeFor(SIZE_BYTES);
    const digestMsPerMiB = { seeder: 0, downloader: 0 };
    for (const side of SIDES) {
      await waitForQuiet();
      digestMsPerMiB[side] = await probeDigestCost(benches[side].page, processesOf[side], PROBE_BYTES, chunkBytes);
    }
    await waitForQuiet();
    const store = await probeStoreCost(downloader.page, processesOf.downloader, PROBE_BYTES, chunkBytes);

    const plainWindow = steadyWindowOf(plain, SIZE_BYTES);
    const profiledWindow = steadyWindowOf(profiled, SIZE_BYTES);
    const urls = SIDES.flatMap((side) => profiles[side].profile.nodes.map((node) => node.callFrame.url)).filter((url) => url !== '');
    const resolveSource = await sourceResolverFor(buildDir, repoRoot, urls);
    const measurementOf = (side: Side): SideMeasurement & { isWindowed: boolean } => {
      const window = profiles[side].windowOf(profiledWindow.fromEpochMs, profiledWindow.toEpochMs);
      return {
        plain: turnCpu(side, plainWindow),
        profiled: { ...turnCpu(side, profiledWindow), parts: attributeProfile(profiles[side].profile, resolveSource, window) },
        isWindowed: window !== undefined,
      };
    };
    const sides = { seeder: measurementOf('seeder'), downloader: measurementOf('downloader') };
    const tracedWindow = steadyWindowOf(traced, SIZE_BYTES);
    const activitiesOf = (side: Side): Record<string, number> => {
      const tasks = tasksInWindow(tracedTasks(traces[side]), tracedWindow.fromEpochMs, tracedWindow.toEpochMs);
      const tab = tabRendererPid(sides[side].plain.threads);
      const rowLabelOf = (task: TracedTask): string | undefined =>
        rowOfThread({ pid: task.pid, tid: task.tid, processKind: task.processKind, name: task.threadName, isMainThread: task.pid === task.tid }, tab)?.label;
      return Object.fromEntries(splitByActivity(otherThreadRows(sides[side].plain), tasks, rowLabelOf));
    };
    const rawTurn = { seeder: turnCpu('seeder', raw.steadyWindow), downloader: turnCpu('downloader', raw.steadyWindow) };
    const run: BudgetRun = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      machine: machineDescription(),
      versions: { node: process.version, chromium: seeder.browser.version() },
      sizeBytes: SIZE_BYTES,
      rows: budgetRows(sides, rawTurn),
      rawMsPerMiB: { seeder: totalMsPerMiB(rawTurn.seeder), downloader: totalMsPerMiB(rawTurn.downloader) },
      rawMainThreadMsPerMiB: { seeder: mainThreadMsPerMiB(rawTurn.seeder), downloader: mainThreadMsPerMiB(rawTurn.downloader) },
      throughputMiBps: { shoal: steadyBytesPerSecond(plain, SIZE_BYTES) / MiB, raw: raw.bytesPerSecond / MiB },
      mainThreadMsPerMiB: {
        seeder: { plain: mainThreadMsPerMiB(sides.seeder.plain), profiled: mainThreadMsPerMiB(sides.seeder.profiled) },
        downloader: { plain: mainThreadMsPerMiB(sides.downloader.plain), profiled: mainThreadMsPerMiB(sides.downloader.profiled) },
      },
      profileWindowed: { seeder: sides.seeder.isWindowed, downloader: sides.downloader.isWindowed },
      activities: { seeder: activitiesOf('seeder'), downloader: activitiesOf('downloader') },
      measuredApart: {
        digest: {
          seeder: {
            hashedPerMiBMoved: { plain: plainHashedBytes.seeder / SIZE_BYTES, profiled: hashedBytes.seeder / SIZE_BYTES },
            msPerMiBHashed: digestMsPerMiB.seeder,
          },
          downloader: {
            hashedPerMiBMoved: { plain: plainHashedBytes.downloader / SIZE_BYTES, profiled: hashedBytes.downloader / SIZE_BYTES },
            msPerMiBHashed: digestMsPerMiB.downloader,
          },
        },
        store,
      },
    };
    printBudget(run);
    console.log(`\n${packetsLine('raw data channel', rawCounts)}\n${packetsLine('Shoal, without the profiler', plainCounts)}`);
    if (printOnly) return;
    await writeBudget(benchDir, run);
    console.log('\nWrote the CPU budget section of bench/RESULTS.md (and cpuBudget in bench/results.json)');
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
