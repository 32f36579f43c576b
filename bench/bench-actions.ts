/** The UI steps the benchmarks drive, through the same accessible names the e2e tests use. */
import type { Page } from 'playwright-core';
import type { SteadyWindow } from './machine-cpu';
import type { ReceivedBytesWindow } from './received-bytes';
import type { ReceivedSnapshot, SteadySpan } from './steady-window';

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
  /** With a `steadySpan`: what had arrived when the row first showed its `fromBytes` and its
   * `toBytes` (or, when the row skipped from before `toBytes` to Completed, at completion). */
  steady?: { from: ReceivedSnapshot; to: ReceivedSnapshot; isClosedAtCompletion: boolean };
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
  steadyFrom?: Promise<ReceivedSnapshot>;
  steadyTo?: Promise<ReceivedSnapshot>;
  isSteadyClosedAtCompletion?: boolean;
}

/**
 * Searches, clicks Download, and times the transfer (see DownloadTiming). The times are taken in
 * the page by a MutationObserver on the transfer's row, so measuring costs the measured tab nothing
 * between progress updates (polling every frame would) and adds no round trip to the figures. With
 * a `steadySpan`, the page's received-byte counters are read where the row passes its two points
 * (the page must come from launchBenchBrowser, which installs them).
 */
export async function download(page: Page, name: string, expectedHolders: number, steadySpan?: SteadySpan): Promise<DownloadTiming> {
  const box = page.getByRole('searchbox', { name: 'Search files' });
  await box.fill(name);
  await box.press('Enter');
  const row = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: name });
  await row.filter({ hasText: `${expectedHolders} ${expectedHolders === 1 ? 'peer' : 'peers'}` }).waitFor({ timeout: 60_000 });
  const saved = page.waitForEvent('download', { timeout: LONG_MS });
  await page.evaluate(({ fileName, span }) => {
    const receivedBytes = (window as ReceivedBytesWindow).benchReceivedBytes;
    if (span !== undefined && receivedBytes === undefined) throw new Error('This page does not count received bytes (launchBenchBrowser does)');
    const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
    // The progress text's bytes done, as bytesDoneOf reads it (this runs in the page).
    const bytesDoneIn = (text: string): number => {
      const match = /, ([\d.]+) (B|KiB|MiB|GiB|TiB) of /.exec(text);
      return match?.[1] && match[2] ? Number(match[1]) * (units[match[2]] ?? Number.NaN) : 0;
    };
    const watch = { clickedAtMs: performance.now(), clickedAtEpochMs: Date.now() } as TransferWatch;
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
        if (span !== undefined && receivedBytes !== undefined) {
          // The window closes at a later update than it opens, at completion if none came between.
          const done = text ? bytesDoneIn(text) : 0;
          if (watch.steadyFrom === undefined) {
            if (!isCompleted && done >= span.fromBytes) watch.steadyFrom = receivedBytes();
          } else if (watch.steadyTo === undefined && (isCompleted || done >= span.toBytes)) {
            watch.isSteadyClosedAtCompletion = isCompleted;
            watch.steadyTo = receivedBytes();
          }
        }
        if (isCompleted) {
          watch.completedAtMs = performance.now();
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    (window as { benchWatch?: TransferWatch }).benchWatch = watch;
  }, { fileName: name, span: steadySpan });
  await row.getByRole('button', { name: 'Download' }).click();
  const watch = await page.evaluate(async () => {
    const { benchWatch } = window as { benchWatch?: TransferWatch };
    await benchWatch?.completed;
    if (benchWatch === undefined) return undefined;
    const from = await benchWatch.steadyFrom;
    const to = await benchWatch.steadyTo;
    const steady = from === undefined || to === undefined ? undefined : { from, to, isClosedAtCompletion: benchWatch.isSteadyClosedAtCompletion ?? false };
    return { ...benchWatch, completed: undefined, steadyFrom: undefined, steadyTo: undefined, steady };
  });
  if (watch?.first === undefined || watch.completedAtMs === undefined) throw new Error(`The download of ${name} was not seen to finish`);
  if (steadySpan !== undefined && watch.steady === undefined) throw new Error(`The download of ${name} was not seen to pass ${steadySpan.fromBytes} bytes before completing`);
  await (await saved).delete();
  return {
    clickedAtEpochMs: watch.clickedAtEpochMs,
    firstChunkMs: watch.first.atMs - watch.clickedAtMs,
    totalMs: watch.completedAtMs - watch.clickedAtMs,
    bytesAtFirstChunk: bytesDoneOf(watch.first.text),
    ...(watch.steady === undefined ? {} : { steady: watch.steady }),
  };
}

/** Removes a file from "My files" (withdraws it and frees its storage). */
export async function removeShare(page: Page, name: string): Promise<void> {
  const row = page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: name });
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached', timeout: 60_000 });
}
