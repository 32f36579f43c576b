/**
 * The installable app (issue 17): the manifest and its icons as Chromium sees them, the service
 * worker's offline shell, and the notification for a download that finishes out of sight.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Page } from '@playwright/test';
import { z } from 'zod';
import { CHROMIUM_ARGS, findChromium } from './chromium-path';
import { test, expect, openPeer, startTracker } from './fixtures';
import { downloadAndHash, search, setLimit, share, startDownload } from './peer-actions';
import { makeRandomFile } from './test-files';

const ManifestSchema = z.object({
  name: z.string().min(1),
  short_name: z.string().min(1).max(12),
  start_url: z.literal('/'),
  display: z.literal('standalone'),
  theme_color: z.string().regex(/^#[0-9a-f]{6}$/i),
  background_color: z.string().regex(/^#[0-9a-f]{6}$/i),
  icons: z.array(z.object({ src: z.string(), sizes: z.string(), type: z.literal('image/png'), purpose: z.string() })),
});

/** Width and height from a PNG's IHDR chunk (bytes 16..24). */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/** Waits until this page's service worker is active and, after a reload, controls the page. */
async function waitForControllingWorker(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toMatch(/\/sw\.js$/);
}

test('the manifest and icons make the app installable, and the service worker controls it after a reload', async ({ tracker }) => {
  // A browser profile on disk: Chromium never offers to install from an incognito-like context.
  const profileDir = await mkdtemp(path.join(tmpdir(), 'shoal-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(),
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(tracker.url);
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(manifestHref).toBe('/manifest.webmanifest');

  const manifestReply = await context.request.get(new URL(manifestHref ?? '', tracker.url).href);
  expect(manifestReply.status()).toBe(200);
  expect(manifestReply.headers()['content-type']).toMatch(/^application\/manifest\+json/);
  const manifest = ManifestSchema.parse(await manifestReply.json());
  expect(manifest.short_name).toBe('Shoal');
  const sizesByPurpose = manifest.icons.map((icon) => `${icon.purpose} ${icon.sizes}`);
  expect(sizesByPurpose).toEqual(expect.arrayContaining(['any 192x192', 'any 512x512', 'maskable 512x512']));
  for (const icon of manifest.icons) {
    const reply = await context.request.get(new URL(icon.src, tracker.url).href);
    expect(reply.status(), icon.src).toBe(200);
    expect(reply.headers()['content-type']).toBe('image/png');
    expect(pngSize(await reply.body()), icon.src).toBe(icon.sizes);
  }

  // Chromium's own reading of the manifest and its installability checks, as DevTools shows them.
  const cdp = await context.newCDPSession(page);
  const parsed = (await cdp.send('Page.getAppManifest')) as { errors: { message: string; critical: number }[] };
  expect(parsed.errors).toEqual([]);
  await waitForControllingWorker(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  await context.close();
  await rm(profileDir, { recursive: true, force: true });
});

test('offline, a reload still opens the app from the cached shell, with My files and an offline status', async ({ browser }) => {
  const file = await makeRandomFile('kept offline.txt', 300_000);
  const tracker = await startTracker();
  let isTrackerRunning = true;
  try {
    const ana = await openPeer(browser, tracker.url, 'ana');
    const { page } = ana;
    await share(page, file);
    await waitForControllingWorker(page);
    await expect(page.getByRole('status')).toContainText('Online as ana');

    // The cache holds the built shell under this build's version, and nothing of the tracker's API.
    const cached = await page.evaluate(async () => {
      const names = (await caches.keys()).filter((name) => name.startsWith('shoal-shell-'));
      const paths = names.length === 1 ? (await (await caches.open(names[0] ?? '')).keys()).map((r) => new URL(r.url).pathname) : [];
      return { names, paths };
    });
    expect(cached.names).toHaveLength(1);
    expect(cached.paths).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest', '/icons/icon-192.png']));
    expect(cached.paths.some((path) => path.endsWith('.js'))).toBe(true);
    expect(cached.paths.filter((path) => path.startsWith('/api') || path.startsWith('/socket.io'))).toEqual([]);

    // No network for the browser, and no tracker to answer even if a request got out.
    await page.context().setOffline(true);
    await tracker.close();
    isTrackerRunning = false;
    await page.reload();

    await expect(page.getByRole('status')).toContainText('Offline');
    await expect(page.getByText('No network.')).toBeVisible();
    await expect(page.getByRole('list', { name: 'My files' })).toContainText(file.name);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')).toEqual([]);
    await page.screenshot({ path: 'test-results/offline-shell.png', fullPage: true });
    await ana.close();
  } finally {
    if (isTrackerRunning) await tracker.close();
  }
});

test('a download that finishes while another window is in front shows a system notification', async ({ peers, tracker }) => {
  const first = await makeRandomFile('first-look.bin', 200_000);
  const slow = await makeRandomFile('while-away.bin', 3 * 1024 * 1024);
  const [ana, ben] = await peers('ana', 'ben');
  const benContext = ben.page.context();
  await benContext.grantPermissions(['notifications'], { origin: tracker.url });
  await waitForControllingWorker(ben.page);
  await expect(ben.page.getByRole('status')).toContainText('Online as ben');
  await share(ana.page, first, slow);
  const shownNotifications = () =>
    ben.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body }));
    });

  // Playwright makes every page think it has focus; without that emulation focus is real again.
  const cdp = await benContext.newCDPSession(ben.page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  await ben.page.bringToFront();

  // Watched to the end: no notification.
  await search(ben.page, 'first-look');
  expect(await downloadAndHash(ben.page, first.name)).toBe(first.sha256);
  expect(await ben.page.evaluate(() => document.hasFocus())).toBe(true);
  expect(await shownNotifications()).toEqual([]);

  // Slow enough (about 6 s) that another window is in front when it finishes.
  await setLimit(ana.page, 'Upload limit', 512);
  await search(ben.page, 'while-away');
  const pending = await startDownload(ben.page, slow.name);
  const inFront = await benContext.newPage();
  await inFront.bringToFront();
  expect(await ben.page.evaluate(() => document.hasFocus())).toBe(false);
  expect(await pending.savedSha256()).toBe(slow.sha256);
  await expect.poll(shownNotifications).toEqual([{ title: 'Download finished', body: `${slow.name} is ready in your downloads.` }]);
  await inFront.close();
});

test('notification permission is asked at the first Download click, not when the app loads', async ({ peers }) => {
  const file = await makeRandomFile('asks-later.bin', 100_000);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file);
  await search(ben.page, 'asks-later');
  const permission = () => ben.page.evaluate(() => Notification.permission);
  expect(await permission()).toBe('default');

  expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);
  // Headless Chromium answers a permission prompt nobody can see with a refusal.
  await expect.poll(permission).toBe('denied');
});

test('a new build replaces the old cache: the next worker installs its own version and deletes the old one', async ({ browser }) => {
  // A copy of the built app, so this test can stand in for a deploy without touching dist/.
  const siteDir = await mkdtemp(path.join(tmpdir(), 'shoal-site-'));
  await cp(path.resolve(import.meta.dirname, '../dist'), siteDir, { recursive: true });
  const tracker = await startTracker({ staticDir: siteDir });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(tracker.url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const shellCaches = () => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('shoal-shell-')));
    const [firstCache] = await shellCaches();
    expect(firstCache).toMatch(/^shoal-shell-[0-9a-f]{16}$/);

    // What a rebuild changes: the worker's version (the build hashes the shell's files into it).
    const workerPath = path.join(siteDir, 'sw.js');
    const worker = await readFile(workerPath, 'utf8');
    const oldVersion = (firstCache ?? '').slice('shoal-shell-'.length);
    expect(worker).toContain(`"${oldVersion}"`);
    await writeFile(workerPath, worker.replace(`"${oldVersion}"`, '"0123456789abcdef"'));

    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      await registration.update();
    });
    await expect.poll(shellCaches).toEqual(['shoal-shell-0123456789abcdef']);
    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Display name' })).toBeVisible();
  } finally {
    await context.close();
    await tracker.close();
    await rm(siteDir, { recursive: true, force: true });
  }
});
