import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newIdentity } from './test-support/identities';
import { requestJoin, useTracker } from './test-support/tracker-harness';

const NETWORK_KEY = 'correct horse battery staple';

const staticDir = mkdtempSync(join(tmpdir(), 'shoal-closed-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Shoal</title>');
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

describe('a network with a key', () => {
  const harness = useTracker({ networkKey: NETWORK_KEY, staticDir, adminToken: 'admin-token-0123456789abcdef' });

  it('refuses a join without the key or with a wrong one, and lets the refused see and reach nobody', async () => {
    const member = await harness.join('Member', { networkKey: NETWORK_KEY });
    const outsider = await harness.connect();
    const identity = await newIdentity();

    expect(await requestJoin(outsider.socket, 'Outsider', identity)).toEqual({
      ok: false,
      error: { code: 'NETWORK_KEY_INVALID', message: 'This network needs a network key' },
    });
    for (const wrong of ['correct horse battery stapl', `${NETWORK_KEY} `, 'x']) {
      expect(await requestJoin(outsider.socket, 'Outsider', identity, wrong)).toEqual({
        ok: false,
        error: { code: 'NETWORK_KEY_INVALID', message: 'The network key is wrong' },
      });
    }

    expect(await outsider.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    expect(await outsider.socket.emitWithAck('signal', { to: member.id, connectionId: 'c1', data: { type: 'offer' } })).toMatchObject({
      ok: false,
      error: { code: 'NOT_JOINED' },
    });
    await member.waitForPeers((peers) => peers.length === 1, 'the member alone');
    expect(outsider.pushes.peerSnapshots).toEqual([]);
    expect(outsider.pushes.peerDeltas).toEqual([]);
    expect(member.pushes.signals).toEqual([]);
    expect(member.latestPeers()).toEqual([member.summary(0)]);
  });

  it('needs the key in X-Shoal-Network-Key for every REST call', async () => {
    for (const path of ['/api/health', '/api/peers', '/api/files?q=x', '/api/nope']) {
      const missing = await fetch(`${harness.url}${path}`);
      expect([path, missing.status, await missing.json()]).toEqual([
        path,
        401,
        { code: 'NETWORK_KEY_INVALID', error: 'NETWORK_KEY_INVALID', message: 'This network needs a network key' },
      ]);
      const wrong = await fetch(`${harness.url}${path}`, { headers: { 'x-shoal-network-key': 'guess' } });
      expect([path, wrong.status, await wrong.json()]).toEqual([path, 401, { code: 'NETWORK_KEY_INVALID', error: 'NETWORK_KEY_INVALID', message: 'The network key is wrong' }]);
    }
    const allowed = await fetch(`${harness.url}/api/peers`, { headers: { 'x-shoal-network-key': NETWORK_KEY } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ peers: [] });
  });

  it('still serves the web app to anyone, so the join form can ask for the key', async () => {
    const page = await fetch(`${harness.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Shoal</title>');
  });

  it('leaves the admin API to its own token', async () => {
    const response = await fetch(`${harness.url}/api/admin/bans`, { headers: { authorization: 'Bearer admin-token-0123456789abcdef' } });
    expect(response.status).toBe(200);
  });
});
