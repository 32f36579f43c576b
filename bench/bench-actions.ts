/** The UI steps the benchmarks drive, through the same accessible names the e2e tests use. */
import type { Page } from 'playwright-core';

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

/** Searches, clicks Download, and returns the timings: first verified chunk and completion (ms after the click). */
export async function download(page: Page, name: string, expectedHolders: number): Promise<{ firstChunkMs: number; totalMs: number }> {
  const box = page.getByRole('searchbox', { name: 'Search files' });
  await box.fill(name);
  await box.press('Enter');
  const row = page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: name });
  await row.filter({ hasText: `${expectedHolders} ${expectedHolders === 1 ? 'peer' : 'peers'}` }).waitFor({ timeout: 60_000 });
  const saved = page.waitForEvent('download', { timeout: LONG_MS });
  const clickedMs = performance.now();
  await row.getByRole('button', { name: 'Download' }).click();
  const progress = transferRow(page, name).getByRole('progressbar');
  await progress.waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    (target) => {
      const bar = [...document.querySelectorAll('[role="progressbar"]')].find((el) => el.getAttribute('aria-label') === target);
      return bar !== undefined && !bar.getAttribute('aria-valuetext')?.includes(' 0 B of');
    },
    `Download of ${name}`,
    { timeout: LONG_MS, polling: 'raf' },
  );
  const firstChunkMs = performance.now() - clickedMs;
  await transferRow(page, name).filter({ hasText: 'Completed' }).waitFor({ timeout: LONG_MS });
  const totalMs = performance.now() - clickedMs;
  await (await saved).delete();
  return { firstChunkMs, totalMs };
}

/** Removes a file from "My files" (withdraws it and frees its storage). */
export async function removeShare(page: Page, name: string): Promise<void> {
  const row = page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: name });
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.waitFor({ state: 'detached', timeout: 60_000 });
}
