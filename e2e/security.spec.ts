import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { openPeer, startTracker, test } from './fixtures';
import { resultRow, search, share } from './peer-actions';
import { makeRandomFile } from './test-files';

async function openJoinForm(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await expect(page.getByRole('status')).toContainText('Online');
  return page;
}

async function tryJoin(page: Page, name: string, networkKey = ''): Promise<void> {
  await page.getByRole('textbox', { name: 'Display name' }).fill(name);
  await page.getByLabel('Network key').fill(networkKey);
  await page.getByRole('button', { name: 'Join' }).click();
}

base('a closed network refuses a missing or wrong network key and admits the right one', async ({ browser }) => {
  const tracker = await startTracker({ networkKey: 'sea-otters-42' });
  try {
    const page = await openJoinForm(browser, tracker.url);
    await tryJoin(page, 'ana');
    await expect(page.getByRole('alert')).toContainText('network key');
    await tryJoin(page, 'ana', 'wrong-key');
    await expect(page.getByRole('alert')).toContainText('network key');
    await tryJoin(page, 'ana', 'sea-otters-42');
    await expect(page.getByRole('status')).toContainText('Online as ana');

    // The REST API is closed too.
    expect((await fetch(`${tracker.url}/api/peers`)).status).toBe(401);
    const withKey = await fetch(`${tracker.url}/api/peers`, { headers: { 'X-Shoal-Network-Key': 'sea-otters-42' } });
    expect(withKey.status).toBe(200);
    await page.context().close();
  } finally {
    await tracker.close();
  }
});

test('a name belongs to the key that registered it, even while its owner is offline', async ({ browser, tracker, peers }) => {
  const [ana] = await peers('ana');
  await ana.close();

  const impostor = await openJoinForm(browser, tracker.url);
  await tryJoin(impostor, 'ANA');
  await expect(impostor.getByRole('alert')).toContainText('belongs to someone else');
  await impostor.context().close();
});

test('peers show key fingerprints and warn when a known name comes back with another key', async ({ browser }) => {
  const adminToken = 'admin-secret-token';
  const tracker = await startTracker({ adminToken });
  try {
    const ana = await openPeer(browser, tracker.url, 'ana');
    const ben = await openPeer(browser, tracker.url, 'ben');
    const anaRow = ben.page.getByRole('list', { name: 'Peers' }).getByRole('listitem').filter({ hasText: 'ana' });
    await expect(anaRow).toContainText(/key [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}/);

    // The operator revokes 'ana': her peer is disconnected at once and sees why.
    const revoke = await fetch(`${tracker.url}/api/admin/registrations/ana`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${adminToken}` },
    });
    expect(revoke.status).toBeLessThan(300);
    await expect(ana.page.getByRole('alert')).toContainText(/revoked/i);
    await expect(anaRow).toHaveCount(0);

    // Someone else (another key) now registers 'ana'; Ben remembers the first key and warns.
    const other = await openPeer(browser, tracker.url, 'ana');
    await expect(anaRow).toContainText('Key changed');
    await expect(ben.page.getByRole('alert')).toContainText("'ana' is using a different key");
    await Promise.all([ana.close(), ben.close(), other.close()]);
  } finally {
    await tracker.close();
  }
});

test('an offer altered on its way is refused and reported by the receiver', async ({ peers }) => {
  const file = await makeRandomFile('guarded.bin', 400_000);
  const [ana, mallory] = await peers('ana', 'mallory');
  await share(ana.page, file);

  // Mallory's outgoing socket frames get a different DTLS fingerprint after they were signed,
  // as a man in the middle would swap in his own certificate.
  await mallory.page.evaluate(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data === 'string' && data.includes('a=fingerprint:sha-256 ')) {
        data = data.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/, (_all, prefix: string, byte: string) =>
          `${prefix}${byte === '00' ? '11' : '00'}`,
        );
      }
      send.call(this, data);
    };
  });

  await search(mallory.page, 'guarded');
  await resultRow(mallory.page, file.name).getByRole('button', { name: 'Download' }).click();
  await expect(ana.page.getByRole('alert')).toContainText("'mallory' sent connection details whose signature does not match");
});

test('file names are shown as text, never run as markup', async ({ peers }) => {
  const hostile = await makeRandomFile('<img src=x onerror=window.__pwned=1>.txt', 1000);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, hostile);
  await search(ben.page, 'img');
  await expect(resultRow(ben.page, hostile.name)).toContainText(hostile.name);
  expect(await ben.page.locator('img[src="x"]').count()).toBe(0);
  expect(await ben.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

base('the web app is served with a strict Content-Security-Policy', async () => {
  const tracker = await startTracker();
  try {
    const response = await fetch(tracker.url);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  } finally {
    await tracker.close();
  }
});
