import { test, expect } from './fixtures';
import { percentDone, search, setLimit, share, startDownload, transferRow, waitForPercent } from './peer-actions';
import { makeRandomFile, sha256OfFile } from './test-files';

const MiB = 1024 * 1024;

test('a reload mid-download resumes from the stored chunks and re-joins without asking', async ({ peers }) => {
  const file = await makeRandomFile('resumable.bin', 8 * MiB);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file);
  await setLimit(ben.page, 'Download limit', 1024);

  await search(ben.page, 'resumable');
  // The page is reloaded before the file is saved, so nothing waits for this first page's download.
  await startDownload(ben.page, file.name);
  await waitForPercent(ben.page, file.name, 30);
  const beforeReload = await percentDone(ben.page, file.name);
  // Storage use follows the download as it goes, not only when it ends.
  await expect(ben.page.getByText(/Storage: [\d.]+ MiB used/)).toBeVisible({ timeout: 10_000 });

  const saved = ben.page.waitForEvent('download', { timeout: 120_000 });
  await ben.page.reload();
  // No join form: the remembered name is used again.
  await expect(ben.page.getByRole('status')).toContainText('Online as ben');
  const row = transferRow(ben.page, file.name);
  await expect(row).toBeVisible();
  // At most the in-flight window (a few chunks at this rate) may be lost.
  const inFlightPercent = 15;
  expect(await percentDone(ben.page, file.name)).toBeGreaterThanOrEqual(beforeReload - inFlightPercent);
  await expect(ben.page.getByRole('spinbutton', { name: 'Download limit' })).toHaveValue('1024');

  await setLimit(ben.page, 'Download limit', 0);
  await expect(row).toContainText('Completed', { timeout: 60_000 });
  expect(await sha256OfFile(await (await saved).path())).toBe(file.sha256);
});
