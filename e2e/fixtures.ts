/**
 * Playwright fixtures: a real tracker (serving the built app) on an ephemeral port, and peers, each
 * a separate browser context (its own IndexedDB) that has joined the network under a name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './chromium-path';
import { createTracker, type RunningTracker, type TrackerOptions } from '../signaling-server/app';
import { removeTestFiles } from './test-files';

/** Shorter heartbeats than production so dead peers go within seconds, but not so short that a
 * busy two-core machine (several browsers hashing and transferring) misses a pong. */
const TEST_PING_INTERVAL_MS = 2000;
const TEST_PING_TIMEOUT_MS = 3000;

/** A fresh data directory, so registrations of one test never leak into another. */
export function tempDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'shoal-tracker-'));
}

/** A tracker on 127.0.0.1 (port 0 = any free port) with its own data directory unless given one. */
export async function startTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  return createTracker({
    host: '127.0.0.1',
    port: 0,
    pingIntervalMs: TEST_PING_INTERVAL_MS,
    pingTimeoutMs: TEST_PING_TIMEOUT_MS,
    dataDir: options.dataDir ?? (await tempDataDir()),
    ...options,
  });
}

export interface Peer {
  name: string;
  page: Page;
  close(): Promise<void>;
}

export async function openPeer(browser: Browser, baseUrl: string, name: string, networkKey?: string): Promise<Peer> {
  return joinedPeer(await browser.newContext({ acceptDownloads: true }), baseUrl, name, networkKey);
}

/**
 * A peer in a browser of its own with an on-disk profile, like a person's everyday browser. The
 * fixtures' usual contexts are incognito-like, and Chromium keeps their IndexedDB Blobs in memory,
 * which refuses multi-GiB files.
 */
export async function openPersistentPeer(baseUrl: string, name: string): Promise<Peer> {
  const profileDir = await mkdtemp(path.join(tmpdir(), 'shoal-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(),
    args: CHROMIUM_ARGS,
    headless: true,
    acceptDownloads: true,
  });
  const peer = await joinedPeer(context, baseUrl, name);
  return {
    ...peer,
    close: async () => {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

async function joinedPeer(context: BrowserContext, baseUrl: string, name: string, networkKey?: string): Promise<Peer> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(baseUrl);
  await expect(page.getByRole('status')).toContainText('Online');
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  if (networkKey) await page.getByLabel('Network key').fill(networkKey);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('status')).toContainText(`Online as ${name}`);
  return { name, page, close: () => context.close() };
}

interface Fixtures {
  /** Deletes the test's generated files when it ends (automatic). */
  cleanTestFiles: void;
  tracker: RunningTracker;
  /** Opens one joined peer per name, in order. */
  peers: <Names extends string[]>(...names: Names) => Promise<{ [K in keyof Names]: Peer }>;
}

export const test = base.extend<Fixtures>({
  cleanTestFiles: [
    async ({}, use) => {
      await use();
      await removeTestFiles();
    },
    { auto: true },
  ],
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
