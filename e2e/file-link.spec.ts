/**
 * Links to a file (issue 17): "Copy link" in one browser, the link opened in a fresh one (join
 * first, then the link view with name, size and holders, then Download), a link to a file nobody
 * holds that waits for a holder, and `shoal get <link>` from the command line.
 */
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Locator, type Page } from '@playwright/test';
import { runCliToEnd } from '../cli/test-support/cli-process';
import { CHROMIUM_ARGS, findChromium } from './chromium-path';
import { formatBytes } from '../client/format';
import { parseFileLink } from '../shared/protocol/file-link';
import { test, expect } from './fixtures';
import { resultRow, search, share } from './peer-actions';
import { makeRandomFile, sha256OfFile, type TestFile } from './test-files';

const MiB = 1024 * 1024;

function myFilesRow(page: Page, name: string): Locator {
  return page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: name });
}

/** Clicks a row's "Copy link" and returns what landed on the clipboard. */
async function copyLink(page: Page, row: Locator, name: string): Promise<string> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await row.getByRole('button', { name: `Copy link to ${name}` }).click();
  await expect(row).toContainText('Link copied');
  return page.evaluate(() => navigator.clipboard.readText());
}

/** A browser that has never joined opens the link: the join form says a file is waiting; it joins. */
async function openLinkAndJoin(browser: Browser, link: string, name: string, file: TestFile): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole('status')).toContainText('Online');
  await expect(page.getByText('A file is waiting for you')).toContainText(`${file.name} (${formatBytes(file.size)})`);
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('status')).toContainText(`Online as ${name}`);
  await expect(page.getByRole('heading', { name: 'Shared file' })).toBeVisible();
  return page;
}

async function downloadFromLinkView(page: Page, file: TestFile): Promise<string> {
  const saved = page.waitForEvent('download', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe(file.name);
  await expect(page.getByRole('list', { name: 'Transfers' }).getByRole('listitem').filter({ hasText: file.name })).toContainText('Completed');
  return sha256OfFile(await download.path());
}

test('a link copied in one browser opens in a fresh one, which joins and downloads the file byte for byte', async ({
  browser,
  tracker,
  peers,
}) => {
  const file = await makeRandomFile('plans & notes #2 (50% final).pdf', 3 * MiB + 4321);
  const [ana] = await peers('ana');
  await share(ana.page, file);

  const link = await copyLink(ana.page, myFilesRow(ana.page, file.name), file.name);
  expect(link.startsWith(`${tracker.url}/#/file/`)).toBe(true);
  expect(parseFileLink(link)).toMatchObject({ name: file.name, sizeBytes: file.size });

  const ben = await openLinkAndJoin(browser, link, 'ben', file);
  const view = ben.getByRole('region', { name: 'Shared file' });
  await expect(view).toContainText(file.name);
  await expect(view).toContainText(formatBytes(file.size));
  await expect(view).toContainText('Held by 1 peer (ana)');
  expect(await downloadFromLinkView(ben, file)).toBe(file.sha256);

  // Ben now holds it too; his own copy is never counted, so he sees ana alone and "In My files".
  await expect(view).toContainText('In My files');
  await expect(view).toContainText('Held by 1 peer (ana)');
  await ben.getByRole('button', { name: 'Back to all files' }).click();
  await expect(myFilesRow(ben, file.name)).toBeVisible();
  await ben.context().close();
});

test('a link to a file nobody holds says so and waits; Download appears when a holder shares it', async ({ browser, peers }) => {
  const file = await makeRandomFile('waiting for a holder.bin', 2 * MiB + 99);
  const [ana] = await peers('ana');
  await share(ana.page, file);
  const link = await copyLink(ana.page, myFilesRow(ana.page, file.name), file.name);
  await myFilesRow(ana.page, file.name).getByRole('button', { name: 'Remove' }).click();
  await expect(myFilesRow(ana.page, file.name)).toHaveCount(0);

  const ben = await openLinkAndJoin(browser, link, 'ben', file);
  const view = ben.getByRole('region', { name: 'Shared file' });
  await expect(view).toContainText('Nobody is sharing this file right now; waiting for a holder…');
  await expect(view).toContainText(formatBytes(file.size));
  await expect(ben.getByRole('button', { name: 'Download', exact: true })).toBeDisabled();

  await share(ana.page, file);
  await expect(view).toContainText('Held by 1 peer (ana)', { timeout: 15_000 });
  await expect(ben.getByRole('button', { name: 'Download', exact: true })).toBeEnabled();
  expect(await downloadFromLinkView(ben, file)).toBe(file.sha256);
  await ben.context().close();
});

test('shoal get <link> downloads the file a search result links to; a bad link is refused', async ({ tracker, peers }) => {
  const file = await makeRandomFile('for the command line.dat', 2 * MiB + 7);
  const [ana] = await peers('ana');
  await share(ana.page, file);
  await search(ana.page, 'command line');
  const link = await copyLink(ana.page, resultRow(ana.page, file.name), file.name);

  const dataDir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-link-'));
  const outDir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-link-out-'));
  try {
    const result = await runCliToEnd(['--tracker', tracker.url, '--data-dir', dataDir, 'get', link, '--out', outDir, '--json'], {
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const saved = JSON.parse(result.stdout) as { path: string; name: string; size: number };
    expect(saved).toMatchObject({ name: file.name, size: file.size, path: path.join(outDir, file.name) });
    expect(await sha256OfFile(saved.path)).toBe(file.sha256);

    const bad = await runCliToEnd(['--tracker', tracker.url, '--data-dir', dataDir, 'get', `${tracker.url}/#/file/1234/x.txt`], {
      timeoutMs: 60_000,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Not a valid Shoal file link');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
});

test('on a page over plain HTTP, where there is no Clipboard API, Copy link shows the link selected in a field', async ({ tracker }) => {
  const file = await makeRandomFile('from the lan.txt', 200_000);
  const lanHost = 'shoal-link-lan.test';
  // Chromium sends the made-up host to 127.0.0.1, so the page is genuinely not a secure context.
  const lanBrowser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${lanHost} 127.0.0.1`] });
  try {
    const page = await lanBrowser.newPage();
    const pageUrl = tracker.url.replace('127.0.0.1', lanHost);
    await page.goto(pageUrl);
    expect(await page.evaluate(() => window.isSecureContext || navigator.clipboard !== undefined)).toBe(false);
    await expect(page.getByRole('status')).toContainText('Online');
    await page.getByRole('textbox', { name: 'Display name' }).fill('lan');
    await page.getByRole('button', { name: 'Join' }).click();
    await expect(page.getByRole('status')).toContainText('Online as lan');
    await share(page, file);

    await myFilesRow(page, file.name).getByRole('button', { name: `Copy link to ${file.name}` }).click();
    const field = page.getByRole('textbox', { name: `Link to ${file.name}` });
    await expect(field).toBeFocused();
    const link = await field.inputValue();
    expect(link.startsWith(`${pageUrl}/#/file/`)).toBe(true);
    expect(parseFileLink(link)).toMatchObject({ name: file.name, sizeBytes: file.size });
    // The whole link is selected, ready for Ctrl+C (Chromium's execCommand copy also put it on the clipboard).
    await expect(myFilesRow(page, file.name)).toContainText('Link copied');
    expect(await field.evaluate((input: HTMLInputElement) => input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0))).toBe(link);
  } finally {
    await lanBrowser.close();
  }
});
