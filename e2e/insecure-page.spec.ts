/**
 * A browser on "another machine" opens Shoal over plain HTTP: Chromium maps a made-up host name to
 * the tracker on 127.0.0.1, so the page is genuinely not a secure context (no crypto.subtle, no
 * navigator.storage) and falls back to @noble for hashes and signatures. It must join, share,
 * search and download with a localhost (secure) page, both ways, byte for byte.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './chromium-path';
import { expect, openPeer, test } from './fixtures';
import { downloadAndHash, resultRow, search, share } from './peer-actions';
import { makeRandomFile } from './test-files';

const LAN_HOST = 'shoal-lan.test';
const MiB = 1024 * 1024;
const UNENCRYPTED_NOTICE = /Not encrypted:.*plain HTTP/;

/** A Chromium of its own whose resolver sends LAN_HOST to this machine. */
function launchLanBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`],
  });
}

async function join(page: Page, name: string): Promise<void> {
  await expect(page.getByRole('status')).toContainText('Online');
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('status')).toContainText(`Online as ${name}`);
}

test('a page over plain HTTP joins, shares and downloads with a localhost page, both ways', async ({ browser, tracker }) => {
  const fromLan = await makeRandomFile('site survey.pdf', 3 * MiB + 4321);
  const fromLocal = await makeRandomFile('floor plan.png', 2 * MiB + 99);
  const both = await makeRandomFile('minutes.txt', 1 * MiB + 7);
  const lanBrowser = await launchLanBrowser();
  try {
    const context = await lanBrowser.newContext({ acceptDownloads: true });
    const lan = await context.newPage();
    const consoleTexts: string[] = [];
    const consoleErrors: string[] = [];
    lan.on('console', (message) => {
      consoleTexts.push(message.text());
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    lan.on('pageerror', (error) => consoleTexts.push(error.message));

    await lan.goto(`http://${LAN_HOST}:${tracker.port}/`);
    expect(await lan.evaluate(() => window.isSecureContext)).toBe(false);
    expect(await lan.evaluate(() => typeof (crypto as Partial<Crypto>).subtle)).toBe('undefined');
    await join(lan, 'lan');
    await expect(lan.getByText(UNENCRYPTED_NOTICE)).toBeVisible();
    await expect(lan.getByText(/identity key is stored in this browser in a form/)).toBeVisible();
    await expect(lan.getByText('Storage use is not reported by this browser.')).toBeVisible();

    const local = await openPeer(browser, tracker.url, 'local');
    await expect(local.page.getByText(UNENCRYPTED_NOTICE)).toHaveCount(0);

    // Insecure -> secure: the localhost page checks chunk hashes made by the fallback with WebCrypto.
    await share(lan, fromLan);
    await search(local.page, 'survey');
    expect(await downloadAndHash(local.page, fromLan.name)).toBe(fromLan.sha256);

    // Secure -> insecure: the plain-HTTP page checks WebCrypto's hashes and signatures with the fallback.
    await share(local.page, fromLocal);
    await search(lan, 'plan');
    expect(await downloadAndHash(lan, fromLocal.name)).toBe(fromLocal.sha256);

    // The same bytes shared on both pages get one content id: one result held by both peers.
    await share(lan, both);
    await share(local.page, both);
    await search(local.page, 'minutes');
    await expect(resultRow(local.page, both.name)).toHaveCount(1);
    await expect(resultRow(local.page, both.name)).toContainText('2 peers');

    // The stored key comes back after a reload: the name, bound to it, is still ours.
    await lan.reload();
    await expect(lan.getByRole('status')).toContainText('Online as lan');

    const headerComplaints = consoleTexts.filter((text) => /Cross-Origin-Opener-Policy|Origin-Agent-Cluster/i.test(text));
    expect(headerComplaints).toEqual([]);
    // Nothing else either (a missing favicon, say): the console of a page over plain HTTP stays clean.
    expect(consoleErrors).toEqual([]);
    await local.close();
  } finally {
    await lanBrowser.close();
  }
});
