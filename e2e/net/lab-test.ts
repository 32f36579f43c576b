/**
 * Playwright fixtures for the network specs: a fresh lab per test (leftovers of a killed run
 * removed first), browsers and CLI peers that run inside its namespaces, all stopped and deleted
 * when the test ends, passed or not.
 */
import { writeFile } from 'node:fs/promises';
import { chromium, type Browser, type Locator, type TestInfo } from '@playwright/test';
import { SHOAL_BIN } from '../../cli/test-support/cli-process';
import { CHROMIUM_ARGS, findChromium } from '../chromium-path';
import { test as base, openPeer, expect, type Peer } from '../fixtures';
import { Lab, removeLeftovers, TEST_PREFIX } from './lab';
import type { NamespaceProcess } from './namespace-process';

/**
 * Chromium as it ships: the shared CHROMIUM_ARGS turn off hiding the host's own addresses behind
 * random mDNS names (.local) in ICE candidates, because contexts on one machine cannot resolve
 * them; here every browser has a machine of its own, so the lab keeps Chromium's default and a
 * LAN connection goes the real way (mDNS on the segment, or a peer-reflexive candidate learned
 * from the other side's checks), while NATed peers use STUN or TURN candidates, which are not hidden.
 */
export const LAB_CHROMIUM_ARGS = CHROMIUM_ARGS.filter((arg) => arg !== '--disable-features=WebRtcHideLocalIpsWithMdns');

export interface NetLab {
  lab: Lab;
  /** A headless Chromium whose network is that of `ns`. */
  browserIn(ns: string): Promise<Browser>;
  /** A browser in `ns` with one context that opened `url` and joined as `name`. */
  peerIn(ns: string, url: string, name: string): Promise<Peer>;
  /** `shoal ARGS` run inside `ns` with a data dir of its own. */
  cliIn(ns: string, trackerUrl: string, name: string, args: string[]): Promise<NamespaceProcess>;
}

/** Why the lab cannot run here, or undefined when it can. */
function missingLabReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)';
  return undefined;
}

/**
 * Skips the test with `reason` on a developer's machine; in CI (`CI` set) nothing may be skipped,
 * so the test fails with the same reason instead.
 */
export function skipOutsideCi(testInfo: TestInfo, reason: string | undefined): void {
  if (reason === undefined) return;
  if (process.env.CI) throw new Error(`This network test cannot run here, and CI runs every test: ${reason}`);
  testInfo.skip(true, reason);
}

/** What a failed network test leaves for its reader: each page's status and transfers, and the servers' logs. */
async function attachDiagnostics(testInfo: TestInfo, lab: Lab, browsers: Browser[]): Promise<void> {
  const pages = browsers.flatMap((browser) => browser.contexts().flatMap((context) => context.pages()));
  const texts = await Promise.all(
    pages.map(async (page) => {
      const read = (locator: Locator): Promise<string> => locator.innerText({ timeout: 2_000 }).catch(() => '(none)');
      const status = await read(page.getByRole('status').first());
      const transfers = await read(page.getByRole('list', { name: 'Transfers' }));
      return `--- ${page.url()}\nstatus: ${status}\ntransfers:\n${transfers}`;
    }),
  );
  // A file in the test's output folder, so it outlives the run whatever the reporter.
  const file = testInfo.outputPath('network-diagnostics.txt');
  await writeFile(file, `${texts.join('\n')}\n\n${lab.describeProcesses()}\n`);
  await testInfo.attach('network diagnostics', { path: file, contentType: 'text/plain' });
}

export const test = base.extend<{ net: NetLab }>({
  net: async ({}, use, testInfo) => {
    skipOutsideCi(testInfo, missingLabReason());
    await removeLeftovers(TEST_PREFIX);
    const lab = new Lab(TEST_PREFIX);
    const browsers: Browser[] = [];
    const browserIn = async (ns: string): Promise<Browser> => {
      const browser = await chromium.launch({
        executablePath: await lab.chromiumWrapper(ns, findChromium()),
        args: LAB_CHROMIUM_ARGS,
        headless: true,
      });
      browsers.push(browser);
      return browser;
    };
    try {
      await use({
        lab,
        browserIn,
        peerIn: async (ns, url, name) => openPeer(await browserIn(ns), url, name),
        cliIn: async (ns, trackerUrl, name, args) =>
          lab.spawn(ns, process.execPath, [SHOAL_BIN, '--tracker', trackerUrl, '--name', name, '--data-dir', await lab.tempDir(`cli-${name}`), ...args]),
      });
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await attachDiagnostics(testInfo, lab, browsers);
      await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
      await lab.cleanup();
    }
  },
});

export { expect };
