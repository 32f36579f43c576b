import { test, expect } from './fixtures';
import { downloadAndHash, resultRow, search, share, startDownload } from './peer-actions';
import { makeRandomFile } from './test-files';
import type { Page } from '@playwright/test';

/** Makes a peer unreachable over WebRTC while it stays registered: its data channels never open. */
async function breakWebRtc(page: Page): Promise<void> {
  await page.evaluate(() => {
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      override setRemoteDescription(): Promise<void> {
        return new Promise(() => undefined);
      }
    } as typeof RTCPeerConnection;
  });
}

test('a download tries another holder when one cannot be reached', async ({ peers }) => {
  const file = await makeRandomFile('two-holders.bin', 2_000_000);
  const [ana, cleo, ben] = await peers('ana', 'cleo', 'ben');
  await share(ana.page, file);
  await share(cleo.page, file);
  await breakWebRtc(ana.page);

  await search(ben.page, 'holders');
  await expect(resultRow(ben.page, file.name)).toContainText('2 peers');
  expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);
});

test('a holder that cannot be reached gives a clear status, and the download goes on when a holder appears', async ({
  peers,
}) => {
  const file = await makeRandomFile('lonely.bin', 500_000);
  const [ana, ben, cleo] = await peers('ana', 'ben', 'cleo');
  await share(ana.page, file);
  await breakWebRtc(ana.page);

  await search(ben.page, 'lonely');
  const saved = await startDownload(ben.page, file.name);
  const row = ben.page.getByRole('list', { name: 'Transfers' }).getByRole('listitem').filter({ hasText: file.name });
  await expect(row).toContainText('Waiting for a peer', { timeout: 60_000 });
  await expect(row).toContainText(/could not be reached|No peer holding 'lonely\.bin'/);

  // A reachable holder comes online: the download resumes by itself and completes.
  await share(cleo.page, file);
  await expect(row).toContainText('Completed', { timeout: 60_000 });
  expect(await saved.savedSha256()).toBe(file.sha256);
});
