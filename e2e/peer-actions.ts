/** What a person does in the Shoal UI, as reusable steps driven through accessible names. */
import { expect, type Page } from '@playwright/test';
import { sha256OfFile, type TestFile } from './test-files';

export async function share(page: Page, ...files: TestFile[]): Promise<void> {
  await page.getByLabel('Share files').setInputFiles(files.map((file) => file.path));
  const myFiles = page.getByRole('list', { name: 'My files' });
  for (const file of files) {
    await expect(myFiles.getByRole('listitem').filter({ hasText: file.name })).toBeVisible({ timeout: 120_000 });
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
