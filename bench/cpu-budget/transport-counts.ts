/**
 * `npx tsx bench/cpu-budget/transport-counts.ts [--turns N] [--mib M] [--with-store] [--paced-mibps R]`: the raw data channel and a
 * Shoal download between the same two Chromiums, turn about, with what each turn asked of the
 * transport: send() calls and bytes per call (RTCDataChannel.prototype.send, counted in the page),
 * the data channel's messages and the transport's UDP packets both ways (getStats), and CPU ms per
 * MiB by thread group from /proc. A tool for issue 16's question of why the transport costs more
 * per MiB under Shoal than under the raw channel; it prints and writes nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chunkSizeFor } from '../../shared/content/chunking';
import { download, removeShare, shareFile, steadyBytesPerSecond, steadyWindowOf } from '../bench-actions';
import type { SteadyWindow } from '../machine-cpu';
import { waitForQuiet } from '../quiet';
import { measureRawChannel } from '../raw-channel';
import { deleteIdb, writeIdbChunks } from '../idb-write';
import { browserProcessTree, type BrowserProcess } from './process-tree';
import { rowOfThread, tabRendererPid, type Side } from './budget-rows';
import { ThreadCpuSampler, type ThreadCpu } from './thread-cpu';
import { countersOf, difference, udpReceiveDrops, type TransportCounters } from './transport-counters';
import { openBudgetBrowsers, SIDES } from './budget-browsers';

const MiB = 1024 * 1024;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argValue = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const TURNS = argValue('--turns', 2);
const SIZE_BYTES = argValue('--mib', 32) * MiB;
const FILE_NAME = 'bench-transport-counts.bin';
/** `--with-store`: a third turn, the raw channel while the receiving page writes to IndexedDB. */
const WITH_STORE_TURN = process.argv.includes('--with-store');
/** `--paced-mibps R`: a further turn, the raw channel sending no faster than R MiB/s. */
const PACED_MIBPS = argValue('--paced-mibps', 0);


/** CPU ms per MiB of one side's threads by coarse group. */
function cpuGroups(threads: ThreadCpu[], bytes: number): Record<string, number> {
  const tab = tabRendererPid(threads);
  const groups: Record<string, number> = { main: 0, webrtc: 0, ipcIo: 0, network: 0, rest: 0 };
  for (const thread of threads) {
    const row = rowOfThread(thread, tab);
    const group =
      row === undefined ? 'main' : row.label.startsWith('WebRTC') ? 'webrtc' : row.label.startsWith('IPC I/O') ? 'ipcIo' : row.label.startsWith('network service') ? 'network' : 'rest';
    groups[group] = (groups[group] ?? 0) + thread.cpuMs / (bytes / MiB);
  }
  return groups;
}

/** The window's thread CPU, once the sampler has a sample after its end (a round of reads can take a while). */
async function threadsBetween(sampler: ThreadCpuSampler, window: SteadyWindow): Promise<ThreadCpu[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return sampler.cpuBetween(window.fromEpochMs, window.toEpochMs);
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The transport's threads by coarse group: the renderers' WebRTC and IPC I/O threads, the network service. */
function wakeGroupOf(process: BrowserProcess, threadName: string): string | undefined {
  if (process.kind === 'network') return 'network';
  if (process.kind !== 'renderer') return undefined;
  if (threadName.startsWith('WebRTC_')) return 'webrtc';
  if (threadName.startsWith('Chrome_ChildIOT')) return 'ipcIo';
  return undefined;
}

/** Context switches so far (voluntary: a thread that slept and was woken) of the transport's threads, by group. */
async function wakeUps(processes: readonly BrowserProcess[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const process of processes) {
    for (const tid of await readdir(`/proc/${process.pid}/task`).catch(() => [] as string[])) {
      const status = await readFile(`/proc/${process.pid}/task/${tid}/status`, 'utf8').catch(() => '');
      const group = wakeGroupOf(process, /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '');
      if (group === undefined) continue;
      counts[group] = (counts[group] ?? 0) + Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
  }
  return counts;
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);

function printTurn(name: string, mibPerSecond: number, cpu: Record<Side, Record<string, number>>, counts: Record<Side, TransportCounters>, totalMiB: number): void {
  const perMiB = (value: number): string => fixed(value / totalMiB, 0);
  const sum = (side: Side): number => Object.values(cpu[side]).reduce((total, value) => total + value, 0);
  console.log(`\n${name}: ${fixed(mibPerSecond, 2)} MiB/s, CPU ms/MiB both ${fixed(sum('seeder') + sum('downloader'))} (seeder ${fixed(sum('seeder'))}, downloader ${fixed(sum('downloader'))})`);
  for (const side of SIDES) {
    const groups = Object.entries(cpu[side]).map(([group, ms]) => `${group} ${fixed(ms)}`).join(', ');
    const count = counts[side];
    console.log(
      `  ${side}: ${groups}; send() ${perMiB(count.sendCalls)}/MiB (${count.textSends} text), ${fixed(count.sendCalls === 0 ? 0 : count.sendBytes / count.sendCalls, 0)} B/call;` +
        ` messages out ${perMiB(count.messagesSent)}/MiB, in ${perMiB(count.messagesReceived)}/MiB; UDP packets out ${perMiB(count.packetsSent)}/MiB, in ${perMiB(count.packetsReceived)}/MiB`,
    );
  }
  console.log(`  paths: ${[...new Set([...counts.seeder.paths, ...counts.downloader.paths])].join(' | ')}`);
}

async function main(): Promise<void> {
  const opened = await openBudgetBrowsers(repoRoot, 'transport-counts');
  const { files, browsers } = opened;
  try {
    const { seeder, downloader } = browsers;
    const pages: Record<Side, Page> = { seeder: seeder.page, downloader: downloader.page };
    await shareFile(seeder.page, await files.make(FILE_NAME, SIZE_BYTES), FILE_NAME);
    const processes = { seeder: await browserProcessTree(seeder), downloader: await browserProcessTree(downloader) };
    const pids = { seeder: new Set(processes.seeder.map((p) => p.pid)), downloader: new Set(processes.downloader.map((p) => p.pid)) };
    const sampler = ThreadCpuSampler.start([...processes.seeder, ...processes.downloader]);
    const snapshot = async (): Promise<Record<Side, TransportCounters>> => ({ seeder: await countersOf(pages.seeder), downloader: await countersOf(pages.downloader) });
    const wakeUpsNow = async (): Promise<Record<Side, Record<string, number>>> => ({ seeder: await wakeUps(processes.seeder), downloader: await wakeUps(processes.downloader) });
    let wakesBefore = await wakeUpsNow();
    const report = async (name: string, window: SteadyWindow, mibPerSecond: number, before: Record<Side, TransportCounters>, dropsBefore: number): Promise<void> => {
      const after = await snapshot();
      const wakesAfter = await wakeUpsNow();
      for (const side of SIDES) {
        const perMiB = Object.entries(wakesAfter[side]).map(([group, count]) => `${group} ${fixed((count - (wakesBefore[side][group] ?? 0)) / (SIZE_BYTES / MiB), 0)}`);
        console.log(`\n${name}: ${side} transport threads woken per MiB: ${perMiB.join(', ')}`);
      }
      console.log(`\n${name}: UDP datagrams dropped for full receive buffers: ${fixed(((await udpReceiveDrops()) - dropsBefore) / (SIZE_BYTES / MiB), 1)}/MiB`);
      const threads = await threadsBetween(sampler, window);
      const cpu = {
        seeder: cpuGroups(threads.filter((t) => pids.seeder.has(t.pid)), window.bytes),
        downloader: cpuGroups(threads.filter((t) => pids.downloader.has(t.pid)), window.bytes),
      };
      printTurn(name, mibPerSecond, cpu, { seeder: difference(after.seeder, before.seeder), downloader: difference(after.downloader, before.downloader) }, SIZE_BYTES / MiB);
    };
    for (let turn = 1; turn <= TURNS; turn++) {
      await waitForQuiet();
      let before = await snapshot();
      let drops = await udpReceiveDrops();
      wakesBefore = await wakeUpsNow();
      const raw = await measureRawChannel(seeder.page, downloader.page, SIZE_BYTES, chunkSizeFor(SIZE_BYTES));
      await report(`turn ${turn}, raw data channel`, raw.steadyWindow, raw.bytesPerSecond / MiB, before, drops);
      if (PACED_MIBPS > 0) {
        await waitForQuiet();
        before = await snapshot();
        drops = await udpReceiveDrops();
        wakesBefore = await wakeUpsNow();
        const paced = await measureRawChannel(seeder.page, downloader.page, SIZE_BYTES, chunkSizeFor(SIZE_BYTES), PACED_MIBPS * MiB);
        await report(`turn ${turn}, raw data channel paced to ${PACED_MIBPS} MiB/s`, paced.steadyWindow, paced.bytesPerSecond / MiB, before, drops);
      }
      if (WITH_STORE_TURN) {
        // The raw channel again while the receiving page writes the same bytes to IndexedDB, as a
        // Shoal downloader does: whether the receiver's storage work alone costs the transport.
        await waitForQuiet();
        before = await snapshot();
        drops = await udpReceiveDrops();
        wakesBefore = await wakeUpsNow();
        const storeName = `bench-transport-counts-${turn}`;
        const writing = writeIdbChunks(downloader.page, storeName, SIZE_BYTES, chunkSizeFor(SIZE_BYTES));
        const rawWithStore = await measureRawChannel(seeder.page, downloader.page, SIZE_BYTES, chunkSizeFor(SIZE_BYTES));
        await writing;
        await report(`turn ${turn}, raw data channel, the receiver writing to IndexedDB meanwhile`, rawWithStore.steadyWindow, rawWithStore.bytesPerSecond / MiB, before, drops);
        await deleteIdb(downloader.page, storeName);
      }
      await waitForQuiet();
      before = await snapshot();
      drops = await udpReceiveDrops();
      wakesBefore = await wakeUpsNow();
      const shoal = await download(downloader.page, FILE_NAME, 1);
      await report(`turn ${turn}, Shoal`, steadyWindowOf(shoal, SIZE_BYTES), steadyBytesPerSecond(shoal, SIZE_BYTES) / MiB, before, drops);
      await removeShare(downloader.page, FILE_NAME);
    }
    await sampler.stop();
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
