/**
 * Browsers for the benchmarks: each peer runs in its own Chromium process tree, so the memory of
 * one tab's renderer can be read from the operating system without guessing which tab it is.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium-path';
import { trackPeerConnections } from './received-bytes';

export interface BenchBrowser {
  browser: Browser;
  page: Page;
  /** Browser-level DevTools session, for process information. */
  cdp: CDPSession;
  close(): Promise<void>;
}

/**
 * What every bench page gets before its own scripts: `__name`, which tsx's keepNames transform
 * calls inside the functions the benches pass to page.evaluate (and which does not exist in a
 * page), as the identity; and the counters of bytes received over WebRTC (received-bytes.ts).
 */
export async function preparePages(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: 'globalThis.__name ??= (target) => target;' });
  await context.addInitScript(trackPeerConnections);
}

/**
 * A browser with an on-disk profile, as a person's everyday browser: incognito-like contexts keep
 * IndexedDB Blobs in memory, which refuses the multi-GiB files the benchmarks move.
 */
export async function launchBenchBrowser(
  url: string,
  options: { executablePath?: string; extraArgs?: string[] } = {},
): Promise<BenchBrowser> {
  const profileDir = await mkdtemp(path.join(tmpdir(), 'shoal-bench-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: options.executablePath ?? findChromium(),
    headless: true,
    acceptDownloads: true,
    // Precise heap figures instead of the bucketed ones pages normally get.
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', ...(options.extraArgs ?? [])],
  });
  const browser = context.browser();
  if (!browser) throw new Error('Chromium did not expose its browser for the benchmark');
  await preparePages(context);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  const cdp = await browser.newBrowserCDPSession();
  return {
    browser,
    page,
    cdp,
    close: async () => {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/** The process ids of this browser's renderers (its tab's among them), listed once so that sampling
 * reads /proc only: the browser process answers DevTools' getProcessInfo with work of its own. */
export async function rendererPids(bench: BenchBrowser): Promise<number[]> {
  const info = (await bench.cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  return info.processInfo.filter((entry) => entry.type === 'renderer').map((entry) => entry.id);
}

/** The largest resident memory among the processes (bytes): the tab's renderer, when it is busy. */
export async function largestRssOf(pids: number[]): Promise<number> {
  return Math.max(0, ...(await Promise.all(pids.map(rssOf))));
}

async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** JS heap in use by the page (bytes), from DevTools. */
export async function jsHeapUsedBytes(page: Page, session: CDPSession): Promise<number> {
  const usage = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usage.usedSize;
}

/** Samples a value every `intervalMs` until stopped; returns the peak seen. */
export function samplePeak(sample: () => Promise<number>, intervalMs = 100): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await sample().catch(() => 0));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
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
