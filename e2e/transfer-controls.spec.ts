import { test, expect } from './fixtures';
import { percentDone, resultRow, search, setLimit, share, startDownload, transferRow, waitForPercent } from './peer-actions';
import { makeRandomFile } from './test-files';

const MiB = 1024 * 1024;

test('a transfer can be paused, resumed and cancelled from its row', async ({ peers }) => {
  const file = await makeRandomFile('controlled.bin', 6 * MiB);
  const other = await makeRandomFile('cancelled.bin', 6 * MiB);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file, other);
  await setLimit(ben.page, 'Download limit', 1024);

  await search(ben.page, '');
  const saved = await startDownload(ben.page, file.name);
  await waitForPercent(ben.page, file.name, 10);
  const row = transferRow(ben.page, file.name);
  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row).toContainText('Paused');
  // Nothing more arrives while paused. Proving an absence needs an observation window (1.5 s, several
  // progress intervals); it is not used to wait for anything.
  const pausedAt = await percentDone(ben.page, file.name);
  await ben.page.waitForTimeout(1500);
  expect(await percentDone(ben.page, file.name)).toBeLessThanOrEqual(pausedAt + 5);

  await row.getByRole('button', { name: 'Resume' }).click();
  await setLimit(ben.page, 'Download limit', 0);
  await expect(row).toContainText('Completed', { timeout: 60_000 });
  expect(await saved.savedSha256()).toBe(file.sha256);

  await setLimit(ben.page, 'Download limit', 512);
  await startDownload(ben.page, other.name); // cancelled below: never saved
  await waitForPercent(ben.page, other.name, 5);
  await transferRow(ben.page, other.name).getByRole('button', { name: 'Cancel' }).click();
  await expect(transferRow(ben.page, other.name)).toContainText('Cancelled');
  // The cancelled file is withdrawn: only Ana holds it.
  await search(ana.page, 'cancelled');
  await expect(resultRow(ana.page, other.name)).toContainText('1 peer');
});

test('removing a shared file withdraws it from the index', async ({ peers }) => {
  const file = await makeRandomFile('withdrawn.txt', 10_000);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file);
  await search(ben.page, 'withdrawn');
  await expect(resultRow(ben.page, file.name)).toBeVisible();

  await ana.page.getByRole('list', { name: 'My files' }).getByRole('listitem').filter({ hasText: file.name })
    .getByRole('button', { name: 'Remove' }).click();
  await expect(ana.page.getByRole('list', { name: 'My files' }).getByRole('listitem')).toHaveCount(0);
  await expect(resultRow(ben.page, file.name)).toHaveCount(0);
});

test('rate limits are remembered across reloads and storage use is shown', async ({ peers }) => {
  const [ana] = await peers('ana');
  await setLimit(ana.page, 'Upload limit', 300);
  await setLimit(ana.page, 'Download limit', 700);
  await ana.page.reload();
  await expect(ana.page.getByRole('status')).toContainText('Online as ana');
  await expect(ana.page.getByRole('spinbutton', { name: 'Upload limit' })).toHaveValue('300');
  await expect(ana.page.getByRole('spinbutton', { name: 'Download limit' })).toHaveValue('700');
  await expect(ana.page.getByText(/Storage: .* used, .* available/)).toBeVisible();
});

test('a download that would not fit in storage is refused up front', async ({ browser, tracker, peers }) => {
  const file = await makeRandomFile('too-big.bin', 2 * MiB);
  const [ana] = await peers('ana');
  await share(ana.page, file);

  // Filling a real disk is not possible here: the browser's estimate reports 1 MiB left instead.
  const context = await browser.newContext();
  await context.addInitScript(() => {
    navigator.storage.estimate = async () => ({ usage: 9 * 1024 * 1024, quota: 10 * 1024 * 1024 });
  });
  const page = await context.newPage();
  await page.goto(tracker.url);
  await page.getByRole('textbox', { name: 'Display name' }).fill('ben');
  await page.getByRole('button', { name: 'Join' }).click();
  await search(page, 'too-big');
  await resultRow(page, file.name).getByRole('button', { name: 'Download' }).click();
  await expect(page.getByRole('alert')).toContainText("Not enough storage for 'too-big.bin'");
  await expect(page.getByRole('list', { name: 'Transfers' }).getByRole('listitem')).toHaveCount(0);
  await context.close();
});
