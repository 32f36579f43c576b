import { openPersistentPeer, test, expect } from './fixtures';
import { search, share, startDownload, transferRow } from './peer-actions';
import { makeRandomFile } from './test-files';
import type { Page } from '@playwright/test';

const GiB = 1024 * 1024 * 1024;
const HEAP_LIMIT_BYTES = 256 * 1024 * 1024;

/** Samples a page's JS heap through DevTools every 250 ms; `stop` returns the peak. */
async function watchHeap(page: Page): Promise<{ stop(): Promise<number> }> {
  const session = await page.context().newCDPSession(page);
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { usedSize } = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
      peak = Math.max(peak, usedSize);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

test('a 2 GiB file is shared and downloaded with each tab\'s JS heap under 256 MiB', async ({ tracker }) => {
  test.setTimeout(20 * 60_000);
  const file = await makeRandomFile('two-gigabytes.bin', 2 * GiB);
  const ana = await openPersistentPeer(tracker.url, 'ana');
  const ben = await openPersistentPeer(tracker.url, 'ben');
  try {
    const anaHeap = await watchHeap(ana.page);
    const benHeap = await watchHeap(ben.page);

    await share(ana.page, file);
    await search(ben.page, 'two-gigabytes');
    const saved = await startDownload(ben.page, file.name, 12 * 60_000);
    await expect(transferRow(ben.page, file.name)).toContainText('Completed', { timeout: 12 * 60_000 });

    const peaks = { ana: await anaHeap.stop(), ben: await benHeap.stop() };
    expect(peaks.ana).toBeLessThan(HEAP_LIMIT_BYTES);
    expect(peaks.ben).toBeLessThan(HEAP_LIMIT_BYTES);
    expect(await saved.savedSha256()).toBe(file.sha256);
  } finally {
    await Promise.all([ana.close(), ben.close()]);
  }
});
