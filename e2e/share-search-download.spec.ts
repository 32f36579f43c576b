import { test, expect } from './fixtures';
import { downloadAndHash, resultRow, search, share, transferRow } from './peer-actions';
import { makeRandomFile } from './test-files';

const MiB = 1024 * 1024;

test('a file shared by one browser is found and downloaded byte for byte by another', async ({ peers }) => {
  const small = await makeRandomFile('quarterly report.pdf', 3 * MiB + 12_345);
  const large = await makeRandomFile('holiday-video.mp4', 52 * MiB + 777);
  const [ana, ben] = await peers('ana', 'ben');

  await share(ana.page, small, large);

  await search(ben.page, '');
  await expect(resultRow(ben.page, small.name)).toBeVisible();
  await expect(resultRow(ben.page, large.name)).toBeVisible();
  await expect(resultRow(ben.page, small.name)).toContainText('1 peer');

  await search(ben.page, 'REPORT quarterly');
  await expect(resultRow(ben.page, small.name)).toBeVisible();
  await expect(resultRow(ben.page, large.name)).toHaveCount(0);

  expect(await downloadAndHash(ben.page, small.name)).toBe(small.sha256);
  // Two tabs of one machine reach each other straight, and the row says so with the round trip.
  await expect(transferRow(ben.page, small.name)).toContainText(/From ana \(direct, \d+ ms\)/);

  await search(ben.page, 'video');
  expect(await downloadAndHash(ben.page, large.name)).toBe(large.sha256);

  // The downloader now holds both files and announces them.
  const benFiles = ben.page.getByRole('list', { name: 'My files' });
  await expect(benFiles.getByRole('listitem')).toHaveCount(2);
  await search(ana.page, '');
  await expect(resultRow(ana.page, large.name)).toContainText('2 peers');
});

test('shares survive a reload: the peer re-joins by itself and serves them again', async ({ peers }) => {
  const file = await makeRandomFile('notes.txt', 700_000);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file);

  await ana.page.reload();
  await expect(ana.page.getByRole('status')).toContainText('Online as ana');
  await expect(ana.page.getByRole('list', { name: 'My files' })).toContainText(file.name);

  await search(ben.page, 'notes');
  expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);
});
