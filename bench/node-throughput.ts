/**
 * `npm run bench:node [-- --quick]`: throughput of the Node peer (wrtc), each figure next to the
 * raw data-channel throughput of the same binding measured in the same run:
 *   Node -> Node: a NodePeer here downloading from a `shoal share` process vs a raw wrtc channel
 *     from a sender process (bench/raw-wrtc-sender.ts) to a receiver here;
 *   Node -> browser: Chromium downloading from that `shoal share` process vs a raw channel from
 *     the sender process to Chromium.
 * The sending ends run in processes of their own, as peers on a server do, rather than on this
 * process's event loop beside the tracker and Playwright. Prints a table (bench/RESULTS.md is
 * written by `npm run bench`, not here), and each end's CPU per MiB by process: the machine's figure
 * counts every other process on a shared machine too.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import wrtc from '@roamhq/wrtc';
import { chromium, type Page } from 'playwright-core';
import { NodePeer } from '../cli/node/node-peer';
import { runCli, type CliProcess } from '../cli/test-support/cli-process';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium-path';
import { createTracker } from '../signaling-server/app';
import { buildClientIfStale } from '../signaling-server/client-build';
import { chunkSizeFor } from '../shared/content/chunking';
import type { SearchResult } from '../shared/protocol/tracker-messages';
import { download, join, removeShare, steadyBytesPerSecond, steadyWindowOf } from './bench-actions';
import { preparePages } from './bench-browsers';
import { answerInPage, receivedIn } from './raw-channel';
import { iceGathered, steadyRate, type RawChannel, type ReceiveTimes } from './raw-wrtc';
import { LOOPBACK_UNBOUNDED, ratesOf, turnsAndCpu, turnsMiBps, type Turn } from './figures';
import { CpuSampler } from './machine-cpu';
import { printRefusals } from './physical-limit';
import { endsCpu, printEndsCpu, withEndsCpu, type EndsCpu } from './ends-cpu';
import { machineDescription, printTable, type Figure } from './report';
import { median, roundsFor } from './rounds';
import { figureOf, TARGETS, type Target } from './targets';
import { tempDataDirFor } from './temp-dirs';
import { BenchFiles } from './test-data';

const MiB = 1024 * 1024;
const quick = process.argv.includes('--quick');
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

type Description = { type: 'offer' | 'answer'; sdp: string };

/** A throughput figure in MiB/s, the median of Shoal's turns against the median of the raw channel's. */
function throughputFigure(name: string, shoal: readonly Turn[], baselineName: string, raw: readonly Turn[], target: Target): Figure {
  return figureOf({
    name,
    value: median(ratesOf(shoal)) / MiB,
    unit: 'MiB/s',
    baseline: { name: baselineName, value: median(ratesOf(raw)) / MiB },
    target,
    limit: LOOPBACK_UNBOUNDED,
    turns: { value: turnsMiBps(shoal), baseline: turnsMiBps(raw) },
  });
}

/** Now, in epoch ms with performance.now()'s precision: times here compare with times taken in pages. */
const epochNowMs = (): number => performance.timeOrigin + performance.now();

function turnOf(times: ReceiveTimes, totalBytes: number): Turn {
  return {
    bytesPerSecond: steadyRate(times, totalBytes),
    window: { fromEpochMs: times.markAtMs, toEpochMs: times.doneAtMs, bytes: totalBytes - times.bytesAtMark },
  };
}

/** Runs one raw transfer of `totalBytes` from a sender process to the receiver `receive` sets up
 * (its times in epoch ms); the ends' CPU goes to `cpu` (the receiver's when `countsReceiver`). */
async function rawFromSenderProcess(
  totalBytes: number,
  receive: (offer: Description) => Promise<{ answer: Description; received: Promise<ReceiveTimes> }>,
  cpu: EndsCpu,
  countsReceiver: boolean,
): Promise<Turn> {
  const sender = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'raw-wrtc-sender.ts'), String(totalBytes)], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => sender.once('exit', resolve));
  try {
    const lines = createInterface({ input: sender.stdout })[Symbol.asyncIterator]();
    const offerLine = (await lines.next()).value as string | undefined;
    if (offerLine === undefined) throw new Error('The raw sender printed no offer');
    const { answer, received } = await receive(JSON.parse(offerLine) as Description);
    const times = await withEndsCpu(cpu, sender.pid, totalBytes, countsReceiver, async () => {
      sender.stdin.write(`${JSON.stringify(answer)}\n`);
      return received;
    });
    sender.stdin.end('done\n');
    await exited;
    return turnOf(times, totalBytes);
  } finally {
    sender.kill();
  }
}

/** Raw wrtc channel from the sender process to a receiver here, timed after the first `markBytes`. */
function rawNodeToNode(totalBytes: number, markBytes: number, cpu: EndsCpu): Promise<Turn> {
  return rawFromSenderProcess(totalBytes, async (offer) => {
    const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
    const received = new Promise<ReceiveTimes>((resolve) => {
      pc.addEventListener('datachannel', (event) => {
        const incoming = event.channel as unknown as RawChannel;
        let bytes = 0;
        let markAtMs = 0;
        let bytesAtMark = 0;
        incoming.addEventListener('message', ({ data }) => {
          bytes += (data as ArrayBuffer).byteLength;
          if (markAtMs === 0 && bytes >= markBytes) {
            markAtMs = epochNowMs();
            bytesAtMark = bytes;
          }
          if (bytes >= totalBytes) {
            resolve({ markAtMs, bytesAtMark, doneAtMs: epochNowMs() });
            setTimeout(() => pc.close(), 100);
          }
        });
      });
    });
    await pc.setRemoteDescription(new wrtc.RTCSessionDescription(offer as { type: 'offer'; sdp: string }));
    await pc.setLocalDescription(await pc.createAnswer());
    await iceGathered(pc);
    const local = pc.localDescription;
    if (local === null) throw new Error('No local answer');
    return { answer: { type: 'answer', sdp: local.sdp }, received };
  }, cpu, true);
}

/** Raw wrtc channel from the sender process to Chromium, signalled by hand, timed after the first `markBytes`. */
function rawNodeToBrowser(page: Page, totalBytes: number, markBytes: number, cpu: EndsCpu): Promise<Turn> {
  return rawFromSenderProcess(totalBytes, async (offer) => {
    const answer = (await answerInPage(page, offer, totalBytes, markBytes)) as Description;
    return { answer, received: receivedIn(page) };
  }, cpu, false);
}

/** A NodePeer download timed like the browser's: after the first verified chunk. */
async function timedNodeDownload(downloader: NodePeer, file: SearchResult): Promise<Turn> {
  const transfer = downloader.download(file);
  let first: { atMs: number; bytes: number } | undefined;
  const stop = transfer.download.onChange((snapshot) => {
    if (first === undefined && snapshot.progress.bytesDone > 0) first = { atMs: epochNowMs(), bytes: snapshot.progress.bytesDone };
  });
  await transfer.done;
  const doneAtMs = epochNowMs();
  stop();
  if (first === undefined) throw new Error('The download reported no progress');
  return turnOf({ markAtMs: first.atMs, bytesAtMark: first.bytes, doneAtMs }, file.size);
}

/** A page of the web app, joined to the tracker, for the Node -> browser figure. */
async function joinedAppPage(trackerUrl: string): Promise<{ page: Page; close(): Promise<void> }> {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ acceptDownloads: true });
  await preparePages(context);
  const page = await context.newPage();
  await page.goto(trackerUrl);
  await join(page, 'bench-browser');
  return { page, close: () => browser.close() };
}

/** `shoal share` in a process of its own, seeding `filePaths` until stopped. */
async function startSeederProcess(trackerUrl: string, filePaths: string[]): Promise<CliProcess> {
  const dataDir = await tempDataDirFor('bench-node-seeder');
  const seeder = runCli(['--tracker', trackerUrl, '--name', 'node-seeder', '--data-dir', dataDir, 'share', ...filePaths]);
  for (const filePath of filePaths) {
    await seeder.waitForOutput(new RegExp(`Shared ${path.basename(filePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), { timeoutMs: 120_000 });
  }
  return seeder;
}

/**
 * The Node peer's figures, against a running tracker that serves the web app. `npm run bench`
 * passes its downloading tab as `appPage` (a page joined to the tracker); alone it opens its own.
 */
export async function benchNodePeers(options: {
  trackerUrl: string;
  files: BenchFiles;
  sizeBytes: number;
  rounds: number;
  appPage?: Page;
}): Promise<Figure[]> {
  const { trackerUrl, files, sizeBytes, rounds } = options;
  const ownApp = options.appPage === undefined ? await joinedAppPage(trackerUrl) : undefined;
  const page = options.appPage ?? ownApp?.page;
  if (page === undefined) throw new Error('No app page for the Node -> browser figure');
  const sizeMiB = sizeBytes / MiB;
  const chunkBytes = chunkSizeFor(sizeBytes);
  const seeder = await startSeederProcess(trackerUrl, [
    await files.make('node-to-node.bin', sizeBytes),
    await files.make('node-to-browser.bin', sizeBytes),
  ]);
  try {
    const figures: Figure[] = [];
    console.log(`… Node -> Node, ${sizeMiB} MiB: raw wrtc data channel and Shoal downloads, taking turns`);
    const cpu = CpuSampler.start();
    const rawNode: Turn[] = [];
    const shoalNode: Turn[] = [];
    const rawNodeCpu = endsCpu();
    const shoalNodeCpu = endsCpu();
    // Taking turns, medians of `rounds` runs each (see benchSingleSource).
    for (let round = 0; round < rounds; round++) {
      rawNode.push(await rawNodeToNode(sizeBytes, chunkBytes, rawNodeCpu));
      const downloader = await NodePeer.start({
        trackerUrl,
        name: `node-downloader-${round}`,
        dataDir: await tempDataDirFor('bench-node-downloader'),
        downloadDir: await tempDataDirFor('bench-node-downloads'),
        seedsLibrary: false,
      });
      try {
        const [found] = await downloader.search('node-to-node');
        if (found === undefined) throw new Error('The shared file was not found');
        shoalNode.push(await withEndsCpu(shoalNodeCpu, seeder.child.pid, sizeBytes, true, () => timedNodeDownload(downloader, found)));
      } finally {
        await downloader.stop();
      }
    }
    figures.push(throughputFigure(`Node -> Node download (${sizeMiB} MiB)`, shoalNode, 'raw wrtc channel', rawNode, TARGETS.nodeToNode));
    figures.push(...turnsAndCpu(`Node -> Node (${sizeMiB} MiB)`, cpu, rawNode, shoalNode));
    printEndsCpu('Node -> Node', rawNodeCpu, shoalNodeCpu, { sender: 'seeder', receiver: 'downloader' });

    console.log(`… Node -> browser, ${sizeMiB} MiB: raw wrtc -> Chromium data channel and Shoal downloads in Chromium, taking turns`);
    const rawPage = await page.context().newPage();
    await rawPage.goto('about:blank');
    const rawBrowser: Turn[] = [];
    const shoalBrowser: Turn[] = [];
    const rawBrowserCpu = endsCpu();
    const shoalBrowserCpu = endsCpu();
    for (let round = 0; round < rounds; round++) {
      rawBrowser.push(await rawNodeToBrowser(rawPage, sizeBytes, chunkBytes, rawBrowserCpu));
      const timing = await withEndsCpu(shoalBrowserCpu, seeder.child.pid, sizeBytes, false, () => download(page, 'node-to-browser.bin', 1));
      shoalBrowser.push({ bytesPerSecond: steadyBytesPerSecond(timing, sizeBytes), window: steadyWindowOf(timing, sizeBytes) });
      await removeShare(page, 'node-to-browser.bin');
    }
    await rawPage.close();
    figures.push(throughputFigure(`Node -> browser download (${sizeMiB} MiB)`, shoalBrowser, 'raw wrtc -> Chromium channel', rawBrowser, TARGETS.nodeToBrowser));
    figures.push(...turnsAndCpu(`Node -> browser (${sizeMiB} MiB)`, cpu, rawBrowser, shoalBrowser));
    printEndsCpu('Node -> browser', rawBrowserCpu, shoalBrowserCpu, { sender: 'seeder', receiver: 'browser' });
    cpu?.stop();
    return figures;
  } finally {
    seeder.kill('SIGINT');
    await seeder.waitForExit(30_000).catch(() => seeder.kill('SIGKILL'));
    await ownApp?.close();
  }
}

async function main(): Promise<void> {
  await buildClientIfStale(repoRoot, (message) => console.log(message));
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, dataDir: await tempDataDirFor('bench-node') });
  const files = await BenchFiles.create();
  try {
    const figures = await benchNodePeers({ trackerUrl: tracker.url, files, sizeBytes: (quick ? 64 : 256) * MiB, rounds: roundsFor(quick) });
    printTable(figures);
    console.log(`\n${new Date().toISOString()} · ${machineDescription()} · Node ${process.version} · ${quick ? 'quick' : 'full'} run`);
    if (printRefusals(figures)) process.exitCode = 1;
  } finally {
    await tracker.close();
    await files.remove();
  }
}

// Run as `npm run bench:node`; imported by run-bench.ts without running.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    await main();
    process.exit(process.exitCode ?? 0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
