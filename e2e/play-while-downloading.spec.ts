/**
 * Play while downloading (issue 17): a video found by search plays from its first chunks while the
 * rest is still arriving (its upload is capped, so the download takes half a minute), through the
 * service worker's media route; a seek near the end plays before the middle has arrived; and the
 * finished download is the seeder's file byte for byte. The video is generated in the test
 * (e2e/support/media/: WebCodecs VP8 of noise, muxed into WebM with its duration and cues).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect, type Peer } from './fixtures';
import { percentDone, resultRow, search, setLimit, share, transferRow } from './peer-actions';
import { generateWebmInPage, removeGeneratedWebm, saveGeneratedWebm, type WebmRequest } from './support/media/webm-in-page';
import { sha256OfFile, type TestFile } from './test-files';

const MiB = 1024 * 1024;
/** Small frames at a modest bitrate: quick to generate, yet a long video for its size (1 MiB chunk ≈ 4 s). */
const VIDEO = { widthPx: 320, heightPx: 180, framesPerSecond: 15, bitrateBps: 2_000_000, keyFrameIntervalSeconds: 1 } as const;

const tempDirs: string[] = [];
test.afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Generates a WebM in the seeder's page and writes it to disk, so it is shared as a person would share a file. */
async function generatedVideo(page: Page, request: WebmRequest): Promise<TestFile & { durationSeconds: number }> {
  const info = await generateWebmInPage(page, request);
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-video-'));
  tempDirs.push(dir);
  const filePath = path.join(dir, request.name);
  await saveGeneratedWebm(page, request.name, filePath);
  await removeGeneratedWebm(page, request.name);
  return { path: filePath, name: request.name, size: info.sizeBytes, sha256: await sha256OfFile(filePath), durationSeconds: info.durationSeconds };
}

/** The media route needs the app's service worker in control of the page (it claims pages on activation). */
async function waitForControllingWorker(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toMatch(/\/sw\.js$/);
}

function videoIn(page: Page, name: string): Locator {
  return page.getByRole('region', { name }).locator('video');
}

function currentTimeOf(video: Locator): Promise<number> {
  return video.evaluate((element: HTMLVideoElement) => element.currentTime);
}

/**
 * Waits until the video's playhead passes `seconds`, and returns the transfer's percent read right
 * after: progress only grows, so the playhead got there while the download was at most that far.
 */
async function percentWhenPlayheadPasses(page: Page, video: Locator, name: string, seconds: number, timeoutMs = 90_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const playhead = await currentTimeOf(video);
    const percent = await percentDone(page, name);
    if (playhead > seconds) return percent;
    if (percent === 100) throw new Error(`The download completed before the playhead passed ${seconds} s (it is at ${playhead} s)`);
    if (Date.now() > deadline) throw new Error(`The playhead did not pass ${seconds} s within ${timeoutMs} ms (it is at ${playhead} s, the download at ${percent} %)`);
    await page.waitForTimeout(100);
  }
}

async function seederWithVideo(ana: Peer, request: WebmRequest, uploadKiBps: number) {
  const video = await generatedVideo(ana.page, request);
  await share(ana.page, video);
  await setLimit(ana.page, 'Upload limit', uploadKiBps);
  return video;
}

test('a video plays while it downloads, and the finished download is the seeder’s file', async ({ peers }) => {
  const [ana, ben] = await peers('ana', 'ben');
  // About 8 chunks and half a minute of video; at 256 KiB/s the download takes about as long.
  const video = await seederWithVideo(ana, { name: 'harbour-at-dawn.webm', sizeBytes: 8 * MiB, ...VIDEO }, 256);
  expect(video.size).toBeGreaterThan(7 * MiB);
  await waitForControllingWorker(ben.page);

  await search(ben.page, 'harbour');
  const saved = ben.page.waitForEvent('download', { timeout: 150_000 });
  saved.catch(() => undefined);
  await resultRow(ben.page, video.name).getByRole('button', { name: 'Play' }).click();

  // The player: the file's name as its heading, a video element, a way to close it.
  const player = ben.page.getByRole('region', { name: video.name });
  await expect(player.getByRole('heading', { name: video.name })).toBeVisible();
  await expect(player.getByRole('button', { name: 'Close' })).toBeVisible();
  // Playing started the download: it is listed under Transfers, with its progress.
  await expect(transferRow(ben.page, video.name).getByRole('progressbar')).toBeVisible();

  const percentAtTwoSeconds = await percentWhenPlayheadPasses(ben.page, videoIn(ben.page, video.name), video.name, 2);
  expect(percentAtTwoSeconds).toBeLessThan(50);
  await expect(player).toContainText(/Playing|Waiting for the next part/);
  const axe = await new AxeBuilder({ page: ben.page }).analyze();
  expect(axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')).toEqual([]);

  const download = await saved;
  expect(download.suggestedFilename()).toBe(video.name);
  expect(await sha256OfFile(await download.path())).toBe(video.sha256);
  await expect(transferRow(ben.page, video.name)).toContainText('Completed');
  await ben.page.screenshot({ path: 'test-results/play-while-downloading.png', fullPage: true });

  // The media route as HTTP: the whole file (200), a range (206) and a range past the end (416).
  const src = await videoIn(ben.page, video.name).getAttribute('src');
  expect(src).toMatch(/^\/__shoal\/media\/[0-9a-f]{64}\/harbour-at-dawn\.webm$/);
  const answers = await ben.page.evaluate(
    async ({ url, sizeBytes }) => {
      const hex = (buffer: ArrayBuffer) => Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
      const headersOf = (reply: Response) => Object.fromEntries(['content-type', 'content-length', 'content-range', 'accept-ranges'].map((name) => [name, reply.headers.get(name)]));
      const whole = await fetch(url);
      const wholeBytes = await whole.arrayBuffer();
      const part = await fetch(url, { headers: { Range: 'bytes=1048570-1048585' } });
      const partBytes = new Uint8Array(await part.arrayBuffer());
      const tooFar = await fetch(url, { headers: { Range: `bytes=${sizeBytes}-` } });
      return {
        whole: { status: whole.status, headers: headersOf(whole), sha256: hex(await crypto.subtle.digest('SHA-256', wholeBytes)) },
        part: { status: part.status, headers: headersOf(part), isSameBytes: partBytes.every((byte, i) => byte === new Uint8Array(wholeBytes)[1048570 + i]), length: partBytes.length },
        tooFar: { status: tooFar.status, contentRange: tooFar.headers.get('content-range') },
      };
    },
    { url: src ?? '', sizeBytes: video.size },
  );
  expect(answers.whole).toEqual({
    status: 200,
    headers: { 'content-type': 'video/webm', 'content-length': String(video.size), 'content-range': null, 'accept-ranges': 'bytes' },
    sha256: video.sha256,
  });
  // Across the first two chunks' boundary (1 MiB).
  expect(answers.part).toEqual({
    status: 206,
    headers: { 'content-type': 'video/webm', 'content-length': '16', 'content-range': `bytes 1048570-1048585/${video.size}`, 'accept-ranges': 'bytes' },
    isSameBytes: true,
    length: 16,
  });
  expect(answers.tooFar).toEqual({ status: 416, contentRange: `bytes */${video.size}` });

  // Held now: My files plays it too, straight from the stored chunks.
  await player.getByRole('button', { name: 'Close' }).click();
  await expect(player).toHaveCount(0);
  await ben.page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: video.name }).getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => currentTimeOf(videoIn(ben.page, video.name))).toBeGreaterThan(1);
});

test('a seek near the end plays from there before the middle of the file has arrived', async ({ peers }) => {
  const [ana, ben] = await peers('ana', 'ben');
  // About 40 chunks (≈ 80 s of video); at 1 MiB/s a chunk takes about a second to arrive. Playing
  // near the end costs about ten chunks: the first few, then for the seek the cues at the end and
  // the cluster it lands in, each behind the requests already queued at the seeder.
  const video = await seederWithVideo(ana, { name: 'long-swell.webm', sizeBytes: 40 * MiB, ...VIDEO, bitrateBps: 4_000_000 }, 1024);
  await waitForControllingWorker(ben.page);
  await ben.page.setViewportSize({ width: 320, height: 720 });

  await search(ben.page, 'swell');
  await resultRow(ben.page, video.name).getByRole('button', { name: 'Play' }).click();
  const element = videoIn(ben.page, video.name);
  await percentWhenPlayheadPasses(ben.page, element, video.name, 0.2);

  const target = video.durationSeconds - 5;
  await element.evaluate((media: HTMLVideoElement, seconds) => {
    media.currentTime = seconds;
  }, target);
  const percentNearEnd = await percentWhenPlayheadPasses(ben.page, element, video.name, target + 1);
  expect(percentNearEnd).toBeLessThan(50);
  // The player holds the start and the end, and nothing of the middle: it never had to wait for it.
  const middle = video.durationSeconds / 2;
  const buffered = await element.evaluate((media: HTMLVideoElement) =>
    Array.from({ length: media.buffered.length }, (_, i) => [media.buffered.start(i), media.buffered.end(i)] as const),
  );
  expect(buffered.some(([start, end]) => start <= middle && middle <= end)).toBe(false);
  await ben.page.screenshot({ path: 'test-results/play-while-downloading-320px.png', fullPage: true });

  // Closing the player leaves the download running.
  await ben.page.getByRole('region', { name: video.name }).getByRole('button', { name: 'Close' }).click();
  await expect(element).toHaveCount(0);
  await expect.poll(() => percentDone(ben.page, video.name), { timeout: 60_000 }).toBeGreaterThanOrEqual(percentNearEnd + 10);
});

test('playing goes on when the browser stops the service worker mid-file: the restarted worker asks the page for the file again', async ({ peers }) => {
  const [ana, ben] = await peers('ana', 'ben');
  const video = await seederWithVideo(ana, { name: 'tide-turning.webm', sizeBytes: 12 * MiB, ...VIDEO }, 384);
  await waitForControllingWorker(ben.page);

  await search(ben.page, 'tide');
  await resultRow(ben.page, video.name).getByRole('button', { name: 'Play' }).click();
  const element = videoIn(ben.page, video.name);
  await percentWhenPlayheadPasses(ben.page, element, video.name, 1);

  const askedAgain = ben.page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string }>) => {
          if (event.data.type === 'shoal-media-wanted') resolve(event.data.type);
        }),
      ),
  );
  // What the browser does to an idle worker, done now: every registration it held is gone.
  const cdp = await ben.page.context().newCDPSession(ben.page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const playheadAtStop = await currentTimeOf(element);

  expect(await askedAgain).toBe('shoal-media-wanted');
  await percentWhenPlayheadPasses(ben.page, element, video.name, playheadAtStop + 8);
  await expect(ben.page.getByRole('region', { name: video.name }).getByRole('alert')).toHaveCount(0);
});
