/**
 * `npx tsx bench/cpu-budget/transport-counts.ts [--turns N] [--mib M]`: the raw data channel and a
 * Shoal download between the same two Chromiums, turn about, with what each turn asked of the
 * transport: send() calls and bytes per call (RTCDataChannel.prototype.send, counted in the page),
 * the data channel's messages and the transport's UDP packets both ways (getStats), and CPU ms per
 * MiB by thread group from /proc. A tool for issue 16's question of why the transport costs more
 * per MiB under Shoal than under the raw channel; it prints and writes nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chunkSizeFor } from '../../shared/content/chunking';
import { createTracker } from '../../signaling-server/app';
import { download, join, removeShare, shareFile, steadyBytesPerSecond, steadyWindowOf } from '../bench-actions';
import { launchBenchBrowser, type BenchBrowser } from '../bench-browsers';
import type { SteadyWindow } from '../machine-cpu';
import { waitForQuiet } from '../quiet';
import { measureRawChannel } from '../raw-channel';
import { tempDataDirFor } from '../temp-dirs';
import { BenchFiles } from '../test-data';
import { buildForProfiling } from './budget-build';
import { browserProcessTree } from './process-tree';
import { rowOfThread, tabRendererPid } from './budget-rows';
import { ThreadCpuSampler, type ThreadCpu } from './thread-cpu';

const MiB = 1024 * 1024;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argValue = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const TURNS = argValue('--turns', 2);
const SIZE_BYTES = argValue('--mib', 32) * MiB;
const FILE_NAME = 'bench-transport-counts.bin';

/** UDP datagrams the kernel dropped for a full socket receive buffer so far (IPv4 and IPv6), machine-wide. */
async function udpReceiveDrops(): Promise<number> {
  const snmp = await readFile('/proc/net/snmp', 'utf8').catch(() => '');
  const [header, values] = snmp.split('\n').filter((line) => line.startsWith('Udp:'));
  const column = header?.split(/\s+/).indexOf('RcvbufErrors') ?? -1;
  const v4 = column > 0 ? Number(values?.split(/\s+/)[column] ?? 0) : 0;
  const snmp6 = await readFile('/proc/net/snmp6', 'utf8').catch(() => '');
  const v6 = Number(/^Udp6RcvbufErrors\s+(\d+)/m.exec(snmp6)?.[1] ?? 0);
  return v4 + v6;
}

/** What one page asked of its data channels and what its connections carried, so far. */
interface TransportCounters {
  sendCalls: number;
  sendBytes: number;
  textSends: number;
  messagesSent: number;
  messagesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  /** The selected candidate pair of each open connection, as "local type/protocol -> remote type". */
  paths: string[];
}

interface CountingWindow {
  benchTransportCounters?: () => Promise<TransportCounters>;
}

/** Installs the counters in a loaded page (simple-peer reads window.RTCPeerConnection per connection). */
async function installCounters(page: Page): Promise<void> {
  await page.evaluate(() => {
    const counting = window as CountingWindow;
    if (counting.benchTransportCounters !== undefined) return;
    const sends = { calls: 0, bytes: 0, text: 0 };
    const nativeSend = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
      sends.calls += 1;
      if (typeof data === 'string') {
        sends.text += 1;
        sends.bytes += data.length;
      } else {
        sends.bytes += data instanceof Blob ? data.size : data.byteLength;
      }
      nativeSend.call(this, data);
    } as RTCDataChannel['send'];
    const connections: RTCPeerConnection[] = [];
    window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {
      construct(target, args: [RTCConfiguration?], newTarget) {
        const connection = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
        connections.push(connection);
        return connection;
      },
    });
    // Counters of closed connections are kept from their last read, taken just before they close.
    const lastRead = new Map<RTCPeerConnection, { messagesSent: number; messagesReceived: number; packetsSent: number; packetsReceived: number; path?: string }>();
    const readOne = async (connection: RTCPeerConnection): Promise<void> => {
      const read: { messagesSent: number; messagesReceived: number; packetsSent: number; packetsReceived: number; path?: string } = {
        messagesSent: 0,
        messagesReceived: 0,
        packetsSent: 0,
        packetsReceived: 0,
      };
      try {
        const reports = new Map<string, Record<string, unknown>>();
        (await connection.getStats()).forEach((report: Record<string, unknown>) => reports.set(report.id as string, report));
        for (const report of reports.values()) {
          if (report.type === 'data-channel') {
            read.messagesSent += Number(report.messagesSent ?? 0);
            read.messagesReceived += Number(report.messagesReceived ?? 0);
          } else if (report.type === 'transport') {
            read.packetsSent += Number(report.packetsSent ?? 0);
            read.packetsReceived += Number(report.packetsReceived ?? 0);
            const pair = reports.get(report.selectedCandidatePairId as string);
            const local = reports.get(pair?.localCandidateId as string);
            const remote = reports.get(pair?.remoteCandidateId as string);
            if (local !== undefined) read.path = `${String(local.candidateType)}/${String(local.protocol)} ${String(local.address)} -> ${String(remote?.candidateType)} ${String(remote?.address)}`;
          }
        }
        lastRead.set(connection, read);
      } catch {
        // closed while asked: its last read stands
      }
    };
    const nativeClose = RTCPeerConnection.prototype.close as (this: RTCPeerConnection) => void;
    RTCPeerConnection.prototype.close = function (this: RTCPeerConnection) {
      if (this.connectionState === 'closed') return nativeClose.call(this);
      void readOne(this).finally(() => nativeClose.call(this));
    };
    counting.benchTransportCounters = async () => {
      await Promise.all(connections.filter((connection) => connection.connectionState !== 'closed').map(readOne));
      const paths = [...lastRead.values()].flatMap((read) => (read.path === undefined ? [] : [read.path]));
      const total = { messagesSent: 0, messagesReceived: 0, packetsSent: 0, packetsReceived: 0 };
      for (const read of lastRead.values()) {
        total.messagesSent += read.messagesSent;
        total.messagesReceived += read.messagesReceived;
        total.packetsSent += read.packetsSent;
        total.packetsReceived += read.packetsReceived;
      }
      return { sendCalls: sends.calls, sendBytes: sends.bytes, textSends: sends.text, ...total, paths };
    };
  });
}

async function countersOf(page: Page): Promise<TransportCounters> {
  const counters = await page.evaluate(() => (window as CountingWindow).benchTransportCounters?.());
  if (counters === undefined) throw new Error('The transport counters are not installed in this page');
  return counters;
}

function difference(after: TransportCounters, before: TransportCounters): TransportCounters {
  return {
    sendCalls: after.sendCalls - before.sendCalls,
    sendBytes: after.sendBytes - before.sendBytes,
    textSends: after.textSends - before.textSends,
    messagesSent: after.messagesSent - before.messagesSent,
    messagesReceived: after.messagesReceived - before.messagesReceived,
    packetsSent: after.packetsSent - before.packetsSent,
    packetsReceived: after.packetsReceived - before.packetsReceived,
    paths: after.paths,
  };
}

type Side = 'seeder' | 'downloader';
const SIDES: readonly Side[] = ['seeder', 'downloader'];

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
  const buildDir = await buildForProfiling(repoRoot, (message) => console.log(message));
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, dataDir: await tempDataDirFor('transport-counts'), staticDir: buildDir });
  const files = await BenchFiles.create();
  const browsers: Partial<Record<Side, BenchBrowser>> = {};
  try {
    for (const side of SIDES) {
      browsers[side] = await launchBenchBrowser(tracker.url);
      await join((browsers[side] as BenchBrowser).page, side);
      await installCounters((browsers[side] as BenchBrowser).page);
    }
    const { seeder, downloader } = browsers as Record<Side, BenchBrowser>;
    const pages: Record<Side, Page> = { seeder: seeder.page, downloader: downloader.page };
    await shareFile(seeder.page, await files.make(FILE_NAME, SIZE_BYTES), FILE_NAME);
    const processes = { seeder: await browserProcessTree(seeder), downloader: await browserProcessTree(downloader) };
    const pids = { seeder: new Set(processes.seeder.map((p) => p.pid)), downloader: new Set(processes.downloader.map((p) => p.pid)) };
    const sampler = ThreadCpuSampler.start([...processes.seeder, ...processes.downloader]);
    const snapshot = async (): Promise<Record<Side, TransportCounters>> => ({ seeder: await countersOf(pages.seeder), downloader: await countersOf(pages.downloader) });
    const report = async (name: string, window: SteadyWindow, mibPerSecond: number, before: Record<Side, TransportCounters>, dropsBefore: number): Promise<void> => {
      const after = await snapshot();
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
      const raw = await measureRawChannel(seeder.page, downloader.page, SIZE_BYTES, chunkSizeFor(SIZE_BYTES));
      await report(`turn ${turn}, raw data channel`, raw.steadyWindow, raw.bytesPerSecond / MiB, before, drops);
      await waitForQuiet();
      before = await snapshot();
      drops = await udpReceiveDrops();
      const shoal = await download(downloader.page, FILE_NAME, 1);
      await report(`turn ${turn}, Shoal`, steadyWindowOf(shoal, SIZE_BYTES), steadyBytesPerSecond(shoal, SIZE_BYTES) / MiB, before, drops);
      await removeShare(downloader.page, FILE_NAME);
    }
    await sampler.stop();
  } finally {
    await Promise.all(Object.values(browsers).map((bench) => bench.close().catch(() => undefined)));
    await tracker.close();
    await files.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
