/**
 * Accessibility checked by a machine (issue 17): axe-core scans of the join view, the main view,
 * the main view with a transfer listed, the view of a link to a file and a folder's download (as a
 * ZIP and with "Save to folder…"), in the light and the dark theme; and the phone layout at 320 px:
 * no sideways scrolling, controls at least 44 px tall, screenshots to look at.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { downloadAndHash, resultRow, search, share } from './peer-actions';
import { makeRandomFile } from './test-files';

/** Serious and critical axe violations, as "rule: target" lines that say what to fix. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')} — ${node.failureSummary ?? ''}`));
}

/** A person's browser with the given viewport or colour scheme, on the join page. */
async function openApp(browser: Browser, url: string, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.getByRole('status')).toContainText('Online');
  return page;
}

async function join(page: Page, name: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('status')).toContainText(`Online as ${name}`);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious in the join view, main view and transfer list (${colorScheme})`, async ({
    browser,
    tracker,
    peers,
  }) => {
    const file = await makeRandomFile('report for axe.pdf', 400_000);
    const [ana] = await peers('ana');
    await share(ana.page, file);

    const page = await openApp(browser, tracker.url, { colorScheme });
    expect(await seriousViolations(page), 'join view').toEqual([]);

    await join(page, 'ben');
    await search(page, '');
    await expect(page.getByRole('list', { name: 'Search results' }).getByRole('listitem')).toHaveCount(1);
    expect(await seriousViolations(page), 'main view with search results').toEqual([]);

    expect(await downloadAndHash(page, file.name)).toBe(file.sha256);
    expect(await seriousViolations(page), 'main view with a finished transfer').toEqual([]);
    await page.screenshot({ path: `test-results/desktop-main-${colorScheme}.png`, fullPage: true });
    await page.context().close();
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious in a link's join view and link view (${colorScheme})`, async ({ browser, tracker, peers }) => {
    const file = await makeRandomFile('linked report for axe.pdf', 300_000);
    const [ana] = await peers('ana');
    await share(ana.page, file);
    await ana.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tracker.url });
    await ana.page.getByRole('button', { name: `Copy link to ${file.name}` }).click();
    await expect(ana.page.getByText('Link copied')).toBeVisible();
    const link = await ana.page.evaluate(() => navigator.clipboard.readText());

    const page = await openApp(browser, link, { colorScheme });
    await expect(page.getByText('A file is waiting for you')).toBeVisible();
    expect(await seriousViolations(page), 'join view opened from a link').toEqual([]);
    await join(page, 'ben');
    await expect(page.getByRole('region', { name: 'Shared file' })).toContainText('Held by 1 peer (ana)');
    expect(await seriousViolations(page), 'link view').toEqual([]);
    await page.screenshot({ path: `test-results/desktop-link-view-${colorScheme}.png`, fullPage: true });
    await page.context().close();
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing serious in a folder's download, as a ZIP and saved to a folder (${colorScheme})`, async ({
    browser,
    tracker,
    peers,
  }) => {
    const parent = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-axe-folder-'));
    try {
      const root = path.join(parent, 'axe-folder');
      for (const relative of ['cover.txt', 'notes/day-1.txt', 'notes/day-2.txt', 'notes/photos/pier.jpg']) {
        await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
        await writeFile(path.join(root, relative), randomBytes(20_000));
      }
      const [ana] = await peers('ana');
      await ana.page.getByLabel('Share folder').setInputFiles(root);
      await expect(ana.page.getByRole('list', { name: 'My files' })).toContainText('Folder · 4 files');

      const page = await openApp(browser, tracker.url, { colorScheme });
      await join(page, 'ben');
      // Headless Chromium cannot show the directory picker's dialog: it answers with a directory of
      // the origin private file system instead, so the save (and its progress row) is real.
      await page.evaluate(async () => {
        const picked = await (await navigator.storage.getDirectory()).getDirectoryHandle('axe-picked', { create: true });
        Object.defineProperty(window, 'showDirectoryPicker', { configurable: true, value: async () => picked });
      });
      await search(page, 'axe-folder');
      const row = resultRow(page, 'axe-folder');
      await expect(row).toContainText('Folder · 4 files');
      expect(await seriousViolations(page), 'main view with a folder result').toEqual([]);

      const saved = page.waitForEvent('download');
      await row.getByRole('button', { name: 'Download' }).click();
      expect((await saved).suggestedFilename()).toBe('axe-folder.zip');
      expect(await seriousViolations(page), 'folder downloaded as a ZIP').toEqual([]);

      await search(page, 'axe-folder');
      await resultRow(page, 'axe-folder').getByRole('button', { name: 'Save to folder…' }).click();
      await expect(page.getByRole('list', { name: 'Folders saved to disk' })).toContainText('Saved 4 files');
      expect(await seriousViolations(page), 'folder saved to a folder').toEqual([]);
      await page.screenshot({ path: `test-results/desktop-folder-download-${colorScheme}.png`, fullPage: true });
      await page.context().close();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`at 320 px wide nothing scrolls sideways and every control is 44 px tall (${colorScheme})`, async ({
    browser,
    tracker,
    peers,
  }, testInfo) => {
    const file = await makeRandomFile('a-rather-long-file-name-from-the-phone-test.mp4', 300_000);
    const [ana] = await peers('ana');
    await share(ana.page, file);

    const page = await openApp(browser, tracker.url, { viewport: { width: 320, height: 640 }, colorScheme, hasTouch: true });
    await page.screenshot({ path: `test-results/mobile-join-${colorScheme}.png`, fullPage: true });
    await join(page, 'ben');
    await search(page, '');
    expect(await downloadAndHash(page, file.name)).toBe(file.sha256);

    const fitsWidth = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    expect(fitsWidth, 'the page scrolls sideways at 320 px').toBe(true);

    // Every visible button and field, and the "Choose files…" label that stands for the file picker.
    const controls = page.locator('button:visible, label.button:visible, input[type="search"]:visible, input[type="number"]:visible');
    // Choose files, the search box and Search, Save again, Remove, the two limit fields.
    expect(await controls.count()).toBeGreaterThanOrEqual(7);
    const tooSmallOrSqueezed = await controls.evaluateAll((elements) =>
      elements
        .map((element) => ({
          text: element.textContent?.trim() ?? '',
          height: element.getBoundingClientRect().height,
          // Squeezed so narrow that its label spills out of it.
          spills: element.scrollWidth > element.clientWidth + 1,
        }))
        .filter((control) => control.height < 44 || control.spills),
    );
    expect(tooSmallOrSqueezed).toEqual([]);
    const chooseFiles = page.getByText('Choose files…');
    // The share area's button spans the panel: most of a 320 px screen.
    expect((await chooseFiles.boundingBox())?.width ?? 0).toBeGreaterThan(0.75 * 320);

    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(12, 23, 34)' : 'rgb(242, 246, 250)');

    await page.screenshot({ path: `test-results/mobile-main-${colorScheme}.png`, fullPage: true });
    await testInfo.attach(`mobile-${colorScheme}`, { path: `test-results/mobile-main-${colorScheme}.png` });
    await page.context().close();
  });
}
