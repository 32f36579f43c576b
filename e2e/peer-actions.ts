/** What a person does in the Shoal UI, as reusable steps driven through accessible names. */
import { expect, type Page } from '@playwright/test';
import { sha256OfFile, type TestFile } from './test-files';

export async function share(page: Page, ...files: TestFile[]): Promise<void> {
  await page.getByLabel('Share files').setInputFiles(files.map((file) => file.path));
  const myFiles = page.getByRole('list', { name: 'My files' });
  for (const file of files) {
    await expect(myFiles.getByRole('listitem').filter({ hasText: file.name })).toBeVisible({ timeout: 300_000 });
  }
}

export async function search(page: Page, query: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Search files' });
  await box.fill(query);
  await box.press('Enter');
}

export function resultRow(page: Page, name: string) {
  return page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({ hasText: name });
}

/** Clicks Download on a search result and returns the SHA-256 of the file the browser saved. */
export async function downloadAndHash(page: Page, name: string, timeoutMs = 120_000): Promise<string> {
  const saved = page.waitForEvent('download', { timeout: timeoutMs });
  await resultRow(page, name).getByRole('button', { name: 'Download' }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe(name);
  const filePath = await download.path();
  const row = page.getByRole('list', { name: 'Transfers' }).getByRole('listitem').filter({ hasText: name });
  await expect(row).toContainText('Completed');
  return sha256OfFile(filePath);
}

export function transferRow(page: Page, name: string) {
  return page.getByRole('list', { name: 'Transfers' }).getByRole('listitem').filter({ hasText: name });
}

/** A download that was started; the browser saves the file once every chunk is verified. */
export interface PendingDownload {
  /** Waits for the browser to save the finished file and returns its SHA-256. */
  savedSha256(): Promise<string>;
}

/** Clicks Download on a search result and returns at once, while the transfer runs. */
export async function startDownload(page: Page, name: string, timeoutMs = 300_000): Promise<PendingDownload> {
  const saved = page.waitForEvent('download', { timeout: timeoutMs });
  // Handled here so a download that is cancelled (and never saved) leaves no unhandled rejection.
  saved.catch(() => undefined);
  await resultRow(page, name).getByRole('button', { name: 'Download' }).click();
  return { savedSha256: async () => sha256OfFile(await (await saved).path()) };
}

/** Percent done of a transfer, read from its progressbar. */
export async function percentDone(page: Page, name: string): Promise<number> {
  const value = await transferRow(page, name).getByRole('progressbar').getAttribute('aria-valuenow');
  return Number(value ?? '0');
}

/** Waits until a transfer is at least `percent` done. */
export async function waitForPercent(page: Page, name: string, percent: number): Promise<void> {
  await expect.poll(() => percentDone(page, name), { timeout: 120_000 }).toBeGreaterThanOrEqual(percent);
}

export async function setLimit(page: Page, which: 'Upload limit' | 'Download limit', kiBps: number): Promise<void> {
  const field = page.getByRole('spinbutton', { name: which });
  await field.fill(String(kiBps));
  await field.press('Enter');
  await field.blur();
  await expect(field).toHaveValue(String(kiBps));
}
