import { test, expect } from '@playwright/test';
import { openPeer, startTracker, tempDataDir } from './fixtures';
import { downloadAndHash, resultRow, search, share } from './peer-actions';
import { makeRandomFile } from './test-files';

test('both peers go offline when the tracker stops and recover when it is back', async ({ browser }) => {
  const file = await makeRandomFile('after-restart.dat', 1_500_000);
  const dataDir = await tempDataDir();
  let tracker = await startTracker({ dataDir });
  const port = tracker.port;
  const ana = await openPeer(browser, tracker.url, 'ana');
  const ben = await openPeer(browser, tracker.url, 'ben');
  try {
    await share(ana.page, file);

    await tracker.close();
    await expect(ana.page.getByRole('status')).toContainText(/Offline|Reconnecting/);
    await expect(ben.page.getByRole('status')).toContainText(/Offline|Reconnecting/);

    // Same port and data: the registrations of 'ana' and 'ben' survive, so both re-join as themselves.
    tracker = await startTracker({ port, dataDir });
    await expect(ana.page.getByRole('status')).toContainText('Online as ana');
    await expect(ben.page.getByRole('status')).toContainText('Online as ben');
    await expect(ben.page.getByRole('list', { name: 'Peers' }).getByRole('listitem')).toHaveCount(2);

    // Ana re-announced her share after re-joining, so Ben can find and fetch it.
    await search(ben.page, 'restart');
    await expect(resultRow(ben.page, file.name)).toBeVisible();
    expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);
  } finally {
    await ana.close();
    await ben.close();
    await tracker.close();
  }
});
