import { test, expect } from './fixtures';
import { resultRow } from './peer-actions';
import { makeRandomFile, sha256OfFile } from './test-files';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';

/** Drops files onto the share area the way a person dragging from their desktop would. */
async function dropFiles(page: Page, files: { name: string; bytes: number[] }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) transfer.items.add(new File([new Uint8Array(file.bytes)], file.name));
    return transfer;
  }, files);
  const zone = page.getByRole('group', { name: 'Drop files here to share them' });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, isTarget: () => Promise<boolean>): Promise<void> {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    if (await isTarget()) return;
  }
  throw new Error('Could not reach the control with the Tab key');
}

test('files dropped onto the page are shared, and a keyboard alone finds and downloads them', async ({ browser, tracker, peers }) => {
  const first = await makeRandomFile('dropped-one.bin', 200_000);
  const second = await makeRandomFile('dropped-two.bin', 300_000);
  const [ana] = await peers('ana');
  await dropFiles(ana.page, [
    { name: first.name, bytes: [...(await readFile(first.path))] },
    { name: second.name, bytes: [...(await readFile(second.path))] },
  ]);
  const myFiles = ana.page.getByRole('list', { name: 'My files' });
  await expect(myFiles.getByRole('listitem')).toHaveCount(2);

  // Ben uses only the keyboard: type a name and press Enter, type a query and press Enter, Tab to Download.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(tracker.url);
  await page.getByRole('textbox', { name: 'Display name' }).focus();
  await page.keyboard.type('ben');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Online as ben');

  await tabTo(page, () => page.getByRole('searchbox', { name: 'Search files' }).evaluate((el) => el === document.activeElement));
  await page.keyboard.type('two');
  await page.keyboard.press('Enter');
  const download = resultRow(page, second.name).getByRole('button', { name: 'Download' });
  await expect(download).toBeVisible();

  await tabTo(page, () => download.evaluate((el) => el === document.activeElement));
  const saved = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect(await sha256OfFile(await (await saved).path())).toBe(second.sha256);
  await context.close();
});
