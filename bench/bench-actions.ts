/** The UI steps the benchmarks drive, through the same accessible names the e2e tests use. */
import type { Page } from 'playwright-core';
import type { SteadyWindow } from './machine-cpu';
import type { ReceivedBytesWindow } from './received-bytes';
import type { ReceivedSnapshot } from './steady-window';

/** How often a download that counts received bytes reads the counters (a getStats per connection). */
const RECEIVED_SNAPSHOT_INTERVAL_MS = 200;

const LONG_MS = 30 * 60_000;

export async function join(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('status').filter({ hasText: `Online as ${name}` }).waitFor({ timeout: 30_000 });
}

/** Shares one file from disk and resolves once it is listed in "My files" (hashed, stored, announced). */
export async function shareFile(page: Page, filePath: string, name: string): Promise<void> {
  await page.getByLabel('Share files').setInputFiles(filePath);
  await page
    .getByRole('list', { name: 'My files' })
    .getByRole('listitem')
    .filter({ hasText: name })
    .waitFor({ timeout: LONG_MS });
}

export async function setUploadLimit(page: Page, kiBps: number): Promise<void> {
  const field = page.getByRole('spinbutton', { name: 'Upload limit' });
  await field.fill(String(kiBps));
  await field.press('Enter');
  await field.blur();
}

export function transferRow(page: Page, name: string) {
  return page.getByRole('list', { name: 'Transfers' }).getByRole('listitem').filter({ hasText: name });
}

export interface DownloadTiming {
  /** When Download was clicked, epoch ms (to compare with times taken elsewhere on the machine). */
  clickedAtEpochMs: number;
  /** From the click to the first verified chunk in the transfer row. */
  firstChunkMs: number;
  /** From the click to "Completed". */
  totalMs: number;
  /** Bytes the row showed at the first verified chunk. */
  bytesAtFirstChunk: number;
  /** With `countsReceivedBytes`: what the page had received over WebRTC, read from the click (the
   * first) every RECEIVED_SNAPSHOT_INTERVAL_MS to completion (the last), for a steady window. */
  received?: ReceivedSnapshot[];
}

/**
 * Throughput once data flows: the bytes after the first verified chunk over the time after it. The
 * raw baselines are measured the same way (connection setup is its own figure), and both reading
 * points lag the real events by up to a progress tick, which only ever lowers Shoal's figure.
 */
export function steadyBytesPerSecond(timing: DownloadTiming, sizeBytes: number): number {
  return (sizeBytes - timing.bytesAtFirstChunk) / ((timing.totalMs - timing.firstChunkMs) / 1000);
}

/** The window `steadyBytesPerSecond` times, for the machine's CPU over it. */
export function steadyWindowOf(timing: DownloadTiming, sizeBytes: number): SteadyWindow {
  return {
    fromEpochMs: timing.clickedAtEpochMs + timing.firstChunkMs,
    toEpochMs: timing.clickedAtEpochMs + timing.totalMs,
    bytes: sizeBytes - timing.bytesAtFirstChunk,
  };
}

const UNIT_BYTES: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** "12%, 3.0 MiB of 16.0 MiB" -> the bytes done (to the precision shown). */
function bytesDoneOf(valueText: string): number {
  const match = /, ([\d.]+) (B|KiB|MiB|GiB|TiB) of /.exec(valueText);
  if (!match?.[1] || !match[2]) throw new Error(`Unexpected progress text: ${valueText}`);
  return Number(match[1]) * (UNIT_BYTES[match[2]] ?? Number.NaN);
}

interface TransferWatch {
  clickedAtMs: number;
  clickedAtEpochMs: number;
  first?: { atMs: number; text: string };
  completedAtMs?: number;
  completed: Promise<void>;
  received?: ReceivedSnapshot[];
  receivedDone?: Promise<void>;
}

/**
 * Searches, clicks Download, and times the transfer (see DownloadTiming). The times are taken in
 * the page by a MutationObserver on the transfer's row, so measuring costs the measured tab nothing
 * between progress updates (polling every frame would) and adds no round trip to the figures. With
 * `countsReceivedBytes`, the page's received-byte counters are read through the download (the page
 * must come from launchBenchBrowser, which installs them).
 */
export async function download(page: Page, name: string, expectedHolders: number, countsReceivedBytes = false): Promise<DownloadTiming> {
  const box = page.getByRole('searchbox', { name: 'Search files' });
  await box.fill(name);
  await box.press('Enter');
  const row = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: name });
  await row.filter({ hasText: `${expectedHolders} ${expectedHolders === 1 ? 'peer' : 'peers'}` }).waitFor({ timeout: 60_000 });
  const saved = page.waitForEvent('download', { timeout: LONG_MS });
  await page.evaluate(
    ({ fileName, countsReceived, intervalMs }) => {
      const watch = { clickedAtMs: performance.now(), clickedAtEpochMs: Date.now() } as TransferWatch;
      const receivedBytes = (window as ReceivedBytesWindow).benchReceivedBytes;
      if (countsReceived) {
        if (receivedBytes === undefined) throw new Error('This page does not count received bytes (launchBenchBrowser does)');
        const received: ReceivedSnapshot[] = [];
        watch.received = received;
        // One read at a time, from before the click to the first read after completion.
        watch.receivedDone = (async () => {
          do {
            received.push(await receivedBytes());
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
          } while (watch.completedAtMs === undefined);
          received.push(await receivedBytes());
        })();
      }
      watch.completed = new Promise<void>((resolve) => {
        // A file downloaded before keeps its row (one per file), still "Completed" until this
        // download's first update: nothing counts until the row has shown it running.
        let hasStarted = false;
        const observer = new MutationObserver(() => {
          const row = [...document.querySelectorAll('[aria-label="Transfers"] li')].find((li) => li.textContent?.includes(fileName));
          const isCompleted = row?.textContent?.includes('Completed') ?? false;
          if (!hasStarted) hasStarted = row !== undefined && !isCompleted;
          if (!hasStarted) return;
          const text = row?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext');
          if (watch.first === undefined && text && !text.includes(' 0 B of')) watch.first = { atMs: performance.now(), text };
          if (isCompleted) {
            watch.completedAtMs = performance.now();
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      });
      // The clock starts at the click itself: Playwright's checks before it (visible, stable over
      // two frames, hit target) took 100 to 180 ms on two busy cores, which no person waits for.
      document.addEventListener(
        'click',
        () => {
          watch.clickedAtMs = performance.now();
          watch.clickedAtEpochMs = Date.now();
        },
        { capture: true, once: true },
      );
      (window as { benchWatch?: TransferWatch }).benchWatch = watch;
    },
    { fileName: name, countsReceived: countsReceivedBytes, intervalMs: RECEIVED_SNAPSHOT_INTERVAL_MS },
  );
  await row.getByRole('button', { name: 'Download' }).click();
  const watch = await page.evaluate(async () => {
    const { benchWatch } = window as { benchWatch?: TransferWatch };
    await benchWatch?.completed;
    await benchWatch?.receivedDone;
    return benchWatch === undefined ? undefined : { ...benchWatch, completed: undefined, receivedDone: undefined };
  });
  if (watch?.first === undefined || watch.completedAtMs === undefined) throw new Error(`The download of ${name} was not seen to finish`);
  await (await saved).delete();
  return {
    clickedAtEpochMs: watch.clickedAtEpochMs,
    firstChunkMs: watch.first.atMs - watch.clickedAtMs,
    totalMs: watch.completedAtMs - watch.clickedAtMs,
    bytesAtFirstChunk: bytesDoneOf(watch.first.text),
    ...(watch.received === undefined ? {} : { received: watch.received }),
  };
}

/** Removes a file from "My files" (withdraws it and frees its storage). */
export async function removeShare(page: Page, name: string): Promise<void> {
  const row = page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: name });
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached', timeout: 60_000 });
}
