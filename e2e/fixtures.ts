/**
 * Playwright fixtures: a real tracker (serving the built app) on an ephemeral port, and peers, each
 * a separate browser context (its own IndexedDB) that has joined the network under a name.
 */
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { createTracker, type RunningTracker } from '../signaling-server/app';

/** Short heartbeats so the tests see dead peers removed in about a second. */
const TEST_PING_INTERVAL_MS = 500;
const TEST_PING_TIMEOUT_MS = 500;

export async function startTracker(port = 0): Promise<RunningTracker> {
  return createTracker({
    host: '127.0.0.1',
    port,
    pingIntervalMs: TEST_PING_INTERVAL_MS,
    pingTimeoutMs: TEST_PING_TIMEOUT_MS,
  });
}

export interface Peer {
  name: string;
  page: Page;
  close(): Promise<void>;
}

export async function openPeer(browser: Browser, baseUrl: string, name: string): Promise<Peer> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await expect(page.getByRole('status')).toContainText('Online');
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('status')).toContainText(`Online as ${name}`);
  return { name, page, close: () => context.close() };
}

interface Fixtures {
  tracker: RunningTracker;
  /** Opens one joined peer per name, in order. */
  peers: <Names extends string[]>(...names: Names) => Promise<{ [K in keyof Names]: Peer }>;
}

export const test = base.extend<Fixtures>({
  tracker: async ({}, use) => {
    const tracker = await startTracker();
    await use(tracker);
    await tracker.close();
  },
  peers: async ({ browser, tracker }, use) => {
    const opened: Peer[] = [];
    await use(async <Names extends string[]>(...names: Names) => {
      const peers = await Promise.all(names.map((name) => openPeer(browser, tracker.url, name)));
      opened.push(...peers);
      // Promise.all keeps the order and length of `names`, which the mapped tuple type states.
      return peers as { [K in keyof Names]: Peer };
    });
    await Promise.all(opened.map((peer) => peer.close().catch(() => undefined)));
  },
});

export { expect };
