/**
 * The test-video helpers in the app's own page, as the play-while-downloading spec and the
 * first-frame bench use them: under the app's Content-Security-Policy, saved to disk through a
 * browser download, and chosen in "Share files" straight from the page.
 */
import { open, stat } from 'node:fs/promises';
import { expect, test } from '../../fixtures';
import { generateWebmInPage, putGeneratedWebmInFileInput, removeGeneratedWebm, saveGeneratedWebm } from './webm-in-page';

const MiB = 1024 * 1024;

async function firstBytesOf(filePath: string, count: number): Promise<number[]> {
  const handle = await open(filePath);
  try {
    const { buffer } = await handle.read(Buffer.alloc(count), 0, count, 0);
    return [...buffer];
  } finally {
    await handle.close();
  }
}

test('a WebM generated in the app page is saved to disk and shared from the page', async ({ peers }, testInfo) => {
  const [ana] = await peers('ana');
  const name = 'generated clip.webm';
  const info = await generateWebmInPage(ana.page, { name, sizeBytes: 2 * MiB });
  expect(info.sizeBytes).toBeGreaterThanOrEqual(2 * MiB);
  expect(info.durationSeconds).toBeGreaterThan(0);

  const filePath = testInfo.outputPath(name);
  await saveGeneratedWebm(ana.page, name, filePath);
  expect((await stat(filePath)).size).toBe(info.sizeBytes);
  expect(await firstBytesOf(filePath, 4)).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML

  await putGeneratedWebmInFileInput(ana.page.getByLabel('Share files'), name);
  await expect(ana.page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: name })).toBeVisible();
  await removeGeneratedWebm(ana.page, name);
});
