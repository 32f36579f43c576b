/**
 * `npm run bench:node [-- --quick]`: throughput of the Node peer (wrtc), each figure next to the
 * raw data-channel throughput of the same binding measured in the same run:
 *   Node -> Node: a NodePeer download from a NodePeer vs a raw wrtc data channel (both in this process);
 *   Node -> browser: Chromium downloading from a NodePeer vs a raw wrtc -> Chromium data channel.
 * Prints a table (bench/RESULTS.md is written by `npm run bench`, not here).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import wrtc from '@roamhq/wrtc';
import { chromium, type Page } from 'playwright-core';
import { NodePeer } from '../cli/node/node-peer';
import type { SearchResult } from '../shared/protocol/tracker-messages';
import { chunkSizeFor } from '../shared/content/chunking';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium-path';
import { createTracker } from '../signaling-server/app';
import { buildClientIfStale } from '../signaling-server/client-build';
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../shared/protocol/peer-messages';
import { SEND_HIGH_WATER_BYTES, SEND_LOW_WATER_BYTES } from '../shared/engine/transfer-policy';
import { download, join, removeShare, steadyBytesPerSecond } from './bench-actions';
import { median } from './rounds';
import { machineDescription, printTable, type Figure } from './report';
import { tempDataDirFor } from './temp-dirs';
import { BenchFiles } from './test-data';

const MiB = 1024 * 1024;
const quick = process.argv.includes('--quick');
const MESSAGE_BYTES = BLOCK_BYTES + BLOCK_HEADER_BYTES;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The subset of wrtc's RTCDataChannel the raw baselines use. */
interface RawChannel {
  readyState: string;
  bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  send(data: Uint8Array): void;
  addEventListener(type: string, listener: (event: { data?: ArrayBuffer; channel?: RawChannel }) => void): void;
  close(): void;
}

function ratioFigure(name: string, value: number, baselineName: string, baseline: number): Figure {
  const ratio = value / baseline;
  return {
    name,
    value: value / MiB,
    unit: 'MiB/s',
    baseline: { name: baselineName, value: baseline / MiB, unit: 'MiB/s' },
    ratio,
    target: 'ratio >= 0.9',
    meetsTarget: ratio >= 0.9,
  };
}

/**
 * Sends `totalBytes` in Shoal-sized messages with Shoal's send-buffer marks. wrtc never fires
 * `bufferedamountlow`, so it waits for drain as Shoal's channel does there: polling every 10 ms.
 */
async function sendPaced(channel: RawChannel, totalBytes: number): Promise<void> {
  const message = new Uint8Array(MESSAGE_BYTES);
  let roomBytes = 0;
  for (let sent = 0; sent < totalBytes; sent += MESSAGE_BYTES) {
    if (roomBytes <= 0) {
      if (channel.bufferedAmount > SEND_HIGH_WATER_BYTES) {
        while (channel.bufferedAmount > SEND_LOW_WATER_BYTES) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      roomBytes = SEND_HIGH_WATER_BYTES - channel.bufferedAmount;
    }
    channel.send(message);
    roomBytes -= MESSAGE_BYTES;
  }
}

function iceGathered(pc: wrtc.RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

async function openedChannel(channel: RawChannel): Promise<void> {
  if (channel.readyState !== 'open') await new Promise<void>((resolve) => channel.addEventListener('open', () => resolve()));
}

/** Throughput after the first `markBytes` arrived, as Shoal downloads are timed (see steadyBytesPerSecond). */
interface ReceiveTimes {
  markAtMs: number;
  bytesAtMark: number;
  doneAtMs: number;
}

function steadyRate(times: ReceiveTimes, totalBytes: number): number {
  return (totalBytes - times.bytesAtMark) / ((times.doneAtMs - times.markAtMs) / 1000);
}

/** Raw wrtc -> wrtc data channel in this process: bytes per second after the first `markBytes`. */
export async function rawNodeToNode(totalBytes: number, markBytes: number): Promise<number> {
  const sender = new wrtc.RTCPeerConnection({ iceServers: [] });
  const receiver = new wrtc.RTCPeerConnection({ iceServers: [] });
  const channel = sender.createDataChannel('raw', { ordered: true }) as unknown as RawChannel;
  const received = new Promise<ReceiveTimes>((resolve) => {
    receiver.addEventListener('datachannel', (event) => {
      const incoming = event.channel as unknown as RawChannel;
      let bytes = 0;
      let markAtMs = 0;
      let bytesAtMark = 0;
      incoming.addEventListener('message', ({ data }) => {
        bytes += (data as ArrayBuffer).byteLength;
        if (markAtMs === 0 && bytes >= markBytes) {
          markAtMs = performance.now();
          bytesAtMark = bytes;
        }
        if (bytes >= totalBytes) resolve({ markAtMs, bytesAtMark, doneAtMs: performance.now() });
      });
    });
  });
  await sender.setLocalDescription(await sender.createOffer());
  await iceGathered(sender);
  await receiver.setRemoteDescription(sender.localDescription!);
  await receiver.setLocalDescription(await receiver.createAnswer());
  await iceGathered(receiver);
  await sender.setRemoteDescription(receiver.localDescription!);
  await openedChannel(channel);
  const [, times] = await Promise.all([sendPaced(channel, totalBytes), received]);
  sender.close();
  receiver.close();
  return steadyRate(times, totalBytes);
}

/** Raw wrtc (here) -> Chromium data channel, signalled by hand: bytes per second after the first `markBytes`. */
export async function rawNodeToBrowser(page: Page, totalBytes: number, markBytes: number): Promise<number> {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  const channel = pc.createDataChannel('raw', { ordered: true }) as unknown as RawChannel;
  await pc.setLocalDescription(await pc.createOffer());
  await iceGathered(pc);
  const offer = { type: pc.localDescription!.type, sdp: pc.localDescription!.sdp };
  const answer = await page.evaluate(
    async ({ offer, totalBytes, markBytes }) => {
      const browserPc = new RTCPeerConnection({ iceServers: [] });
      (window as { benchReceived?: Promise<ReceiveTimes> }).benchReceived = new Promise<ReceiveTimes>((resolve) => {
        browserPc.addEventListener('datachannel', ({ channel: incoming }) => {
          incoming.binaryType = 'arraybuffer';
          let bytes = 0;
          let markAtMs = 0;
          let bytesAtMark = 0;
          incoming.onmessage = (event: MessageEvent<ArrayBuffer>) => {
            bytes += event.data.byteLength;
            if (markAtMs === 0 && bytes >= markBytes) {
              markAtMs = performance.now();
              bytesAtMark = bytes;
            }
            if (bytes >= totalBytes) resolve({ markAtMs, bytesAtMark, doneAtMs: performance.now() });
          };
        });
      });
      await browserPc.setRemoteDescription(offer as RTCSessionDescriptionInit);
      await browserPc.setLocalDescription(await browserPc.createAnswer());
      await new Promise<void>((resolve) => {
        if (browserPc.iceGatheringState === 'complete') resolve();
        browserPc.addEventListener('icegatheringstatechange', () => {
          if (browserPc.iceGatheringState === 'complete') resolve();
        });
      });
      return browserPc.localDescription!.toJSON();
    },
    { offer, totalBytes, markBytes },
  );
  await pc.setRemoteDescription(new wrtc.RTCSessionDescription(answer as { type: 'answer'; sdp: string }));
  await openedChannel(channel);
  const received = page.evaluate(() => (window as { benchReceived?: Promise<ReceiveTimes> }).benchReceived);
  const [, times] = await Promise.all([sendPaced(channel, totalBytes), received]);
  pc.close();
  if (times === undefined) throw new Error('The raw channel receiver was not set up');
  return steadyRate(times, totalBytes);
}

/** A NodePeer download timed like the browser's: throughput after the first verified chunk. */
async function timedNodeDownload(downloader: NodePeer, file: SearchResult): Promise<number> {
  const transfer = downloader.download(file);
  let first: { atMs: number; bytes: number } | undefined;
  const stop = transfer.download.onChange((snapshot) => {
    if (first === undefined && snapshot.progress.bytesDone > 0) first = { atMs: performance.now(), bytes: snapshot.progress.bytesDone };
  });
  await transfer.done;
  const doneAtMs = performance.now();
  stop();
  if (first === undefined) throw new Error('The download reported no progress');
  return steadyRate({ markAtMs: first.atMs, bytesAtMark: first.bytes, doneAtMs }, file.size);
}

/** A page of the web app, joined to the tracker, for the Node -> browser figure. */
async function joinedAppPage(trackerUrl: string): Promise<{ page: Page; close(): Promise<void> }> {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(trackerUrl);
  await join(page, 'bench-browser');
  return { page, close: () => browser.close() };
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
  const peers: NodePeer[] = [];
  const startPeer = async (name: string): Promise<NodePeer> => {
    const peer = await NodePeer.start({
      trackerUrl,
      name,
      dataDir: await tempDataDirFor(`bench-${name}`),
      downloadDir: await tempDataDirFor(`bench-${name}-downloads`),
      seedsLibrary: false,
    });
    peers.push(peer);
    return peer;
  };
  try {
    const figures: Figure[] = [];
    const sizeMiB = sizeBytes / MiB;
    const seeder = await startPeer('node-seeder');

    console.log(`… Node -> Node, ${sizeMiB} MiB: raw wrtc data channel and Shoal downloads, taking turns`);
    const chunkBytes = chunkSizeFor(sizeBytes);
    await seeder.sharePaths([await files.make('node-to-node.bin', sizeBytes)]);
    const rawNode: number[] = [];
    const shoalNode: number[] = [];
    // Taking turns, medians of `rounds` runs each (see benchSingleSource).
    for (let round = 0; round < rounds; round++) {
      rawNode.push(await rawNodeToNode(sizeBytes, chunkBytes));
      const downloader = await startPeer(`node-downloader-${round}`);
      const [found] = await downloader.search('node-to-node');
      if (found === undefined) throw new Error('The shared file was not found');
      shoalNode.push(await timedNodeDownload(downloader, found));
      await downloader.stop();
    }
    figures.push(ratioFigure(`Node -> Node download (${sizeMiB} MiB)`, median(shoalNode), 'raw wrtc channel', median(rawNode)));

    console.log(`… Node -> browser, ${sizeMiB} MiB: raw wrtc -> Chromium data channel and Shoal downloads in Chromium, taking turns`);
    const rawPage = await page.context().newPage();
    await rawPage.goto('about:blank');
    await seeder.sharePaths([await files.make('node-to-browser.bin', sizeBytes)]);
    const rawBrowser: number[] = [];
    const shoalBrowser: number[] = [];
    for (let round = 0; round < rounds; round++) {
      rawBrowser.push(await rawNodeToBrowser(rawPage, sizeBytes, chunkBytes));
      shoalBrowser.push(steadyBytesPerSecond(await download(page, 'node-to-browser.bin', 1), sizeBytes));
      await removeShare(page, 'node-to-browser.bin');
    }
    figures.push(
      ratioFigure(`Node -> browser download (${sizeMiB} MiB)`, median(shoalBrowser), 'raw wrtc -> Chromium channel', median(rawBrowser)),
    );

    await rawPage.close();
    return figures;
  } finally {
    await Promise.all(peers.map((peer) => peer.stop().catch(() => undefined)));
    await ownApp?.close();
  }
}

async function main(): Promise<void> {
  await buildClientIfStale(repoRoot, (message) => console.log(message));
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, dataDir: await tempDataDirFor('bench-node') });
  const files = await BenchFiles.create();
  try {
    printTable(await benchNodePeers({ trackerUrl: tracker.url, files, sizeBytes: (quick ? 64 : 256) * MiB, rounds: quick ? 2 : 3 }));
    console.log(`\n${new Date().toISOString()} · ${machineDescription()} · Node ${process.version} · ${quick ? 'quick' : 'full'} run`);
  } finally {
    await tracker.close();
    await files.remove();
  }
}

// Run as `npm run bench:node`; imported by run-bench.ts without running.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    await main();
    process.exit(0);
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
