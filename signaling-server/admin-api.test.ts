import { describe, expect, it } from 'vitest';
import { fileNamed } from './test-support/fixtures';
import { newIdentity } from './test-support/identities';
import { requestJoin, useTracker } from './test-support/tracker-harness';
import type { JoinedPeer } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

interface JsonResponse {
  status: number;
  body: unknown;
}

function adminCaller(url: () => string) {
  return async (method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN): Promise<JsonResponse> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  };
}

describe('the admin API without SHOAL_ADMIN_TOKEN', () => {
  const harness = useTracker();
  const call = adminCaller(() => harness.url);

  it('is off, and says how to turn it on', async () => {
    for (const [method, path] of [['GET', '/api/admin/registrations'], ['POST', '/api/admin/bans'], ['DELETE', '/api/admin/bans/x']]) {
      expect(await call(method!, path!, undefined, 'anything')).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', error: 'NOT_FOUND', message: 'The admin API is off; start the tracker with SHOAL_ADMIN_TOKEN set to use it' },
      });
    }
  });
});

describe('the admin API', () => {
  const harness = useTracker({ adminToken: ADMIN_TOKEN });
  const call = adminCaller(() => harness.url);

  it('refuses a missing or wrong token with 401 UNAUTHORIZED', async () => {
    const missing = await fetch(`${harness.url}/api/admin/registrations`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(await missing.json()).toEqual({
      code: 'UNAUTHORIZED',
      error: 'UNAUTHORIZED',
      message: 'This request needs the admin token: send "Authorization: Bearer <SHOAL_ADMIN_TOKEN>"',
    });
    for (const token of ['wrong', `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), '']) {
      const response = await call('DELETE', '/api/admin/bans/1a2b3c4d5e6f7a8b', undefined, token);
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ error: 'UNAUTHORIZED' });
    }
  });

  it('lists registrations with their keys, whether online, and whether banned', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    bo.socket.disconnect();
    await ana.waitForPeers((peers) => peers.length === 1, 'Bo to leave');
    expect(await call('POST', '/api/admin/bans', { fingerprint: bo.identity.fingerprint })).toMatchObject({ status: 200 });

    expect(await call('GET', '/api/admin/registrations')).toEqual({
      status: 200,
      body: {
        registrations: [
          { name: 'Ana', fingerprint: ana.identity.fingerprint, publicKey: ana.identity.publicKey, registeredAt: expect.any(String), online: true, banned: false },
          { name: 'Bo', fingerprint: bo.identity.fingerprint, publicKey: bo.identity.publicKey, registeredAt: expect.any(String), online: false, banned: true },
        ],
      },
    });
  });

  async function sharingPeers(): Promise<{ target: JoinedPeer; watcher: JoinedPeer }> {
    const target = await harness.join('Mallory');
    const watcher = await harness.join('Watcher');
    // Searching for the file makes it the watcher's live query: its removal must reach the watcher.
    expect(await watcher.socket.emitWithAck('search', { query: 'mallory' })).toMatchObject({ ok: true });
    expect(await target.socket.emitWithAck('announce', { files: [fileNamed('mallory.txt')] })).toEqual({ ok: true });
    await watcher.waitForPeers((peers) => peers.some((peer) => peer.name === 'Mallory' && peer.files === 1), 'Mallory to share');
    return { target, watcher };
  }

  async function expectRemoved(target: JoinedPeer, watcher: JoinedPeer, code: string, message: string): Promise<void> {
    await waitFor(() => target.socket.disconnected, 'the removed peer to be disconnected');
    expect(target.pushes.removed).toEqual([{ error: { code, message } }]);
    await watcher.waitForPeers((peers) => peers.length === 1, 'the peer list without the removed peer');
    expect(await watcher.socket.emitWithAck('search', { query: 'mallory' })).toEqual({ ok: true, total: 0, results: [] });
  }

  it('revokes a name: its peer is told why, disconnected at once, its files withdrawn, and the name is free', async () => {
    const { target, watcher } = await sharingPeers();
    const indexChangesBefore = watcher.pushes.indexChanged;
    expect(await call('DELETE', '/api/admin/registrations/MALLORY')).toEqual({
      status: 200,
      body: {
        revoked: { name: 'Mallory', fingerprint: target.identity.fingerprint, publicKey: target.identity.publicKey, registeredAt: expect.any(String) },
        disconnected: 1,
      },
    });
    await expectRemoved(target, watcher, 'REVOKED', "The tracker operator revoked the name 'Mallory'");
    await waitFor(() => watcher.pushes.indexChanged > indexChangesBefore, 'index-changed after the revocation');

    await expect(harness.join('Mallory')).resolves.toMatchObject({ name: 'Mallory' });
    expect(await call('DELETE', '/api/admin/registrations/Nobody')).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', error: 'NOT_FOUND', message: "No name 'Nobody' is registered", details: { peerName: 'Nobody' } },
    });
  });

  it('bans a key by public key: its peer is removed at once and every later join is refused', async () => {
    const { target, watcher } = await sharingPeers();
    const response = await call('POST', '/api/admin/bans', { publicKey: target.identity.publicKey });
    expect(response).toEqual({
      status: 200,
      body: {
        ban: { fingerprint: target.identity.fingerprint, publicKey: target.identity.publicKey, bannedAt: expect.any(String) },
        disconnected: 1,
      },
    });
    await expectRemoved(target, watcher, 'BANNED', 'The tracker operator banned this identity key');

    const again = await harness.connect();
    expect(await requestJoin(again.socket, 'Mallory', target.identity)).toMatchObject({ ok: false, error: { code: 'BANNED' } });
    expect(await requestJoin(again.socket, 'New name', target.identity)).toMatchObject({ ok: false, error: { code: 'BANNED' } });
  });

  it('bans by fingerprint in any common spelling, lists bans, and lifts them', async () => {
    const { target, watcher } = await sharingPeers();
    const spelled = target.identity.fingerprint.replace(/ /g, ':').toUpperCase();
    expect(await call('POST', '/api/admin/bans', { fingerprint: spelled })).toMatchObject({
      status: 200,
      body: { ban: { fingerprint: target.identity.fingerprint, publicKey: target.identity.publicKey }, disconnected: 1 },
    });
    await expectRemoved(target, watcher, 'BANNED', 'The tracker operator banned this identity key');
    expect(await call('GET', '/api/admin/bans')).toEqual({
      status: 200,
      body: { bans: [{ fingerprint: target.identity.fingerprint, publicKey: target.identity.publicKey, bannedAt: expect.any(String) }] },
    });

    const compact = target.identity.fingerprint.replace(/ /g, '');
    expect(await call('DELETE', `/api/admin/bans/${compact}`)).toMatchObject({
      status: 200,
      body: { unbanned: { fingerprint: target.identity.fingerprint } },
    });
    expect(await call('GET', '/api/admin/bans')).toEqual({ status: 200, body: { bans: [] } });
    await expect(harness.join('Mallory', { identity: target.identity })).resolves.toMatchObject({ name: 'Mallory' });
    expect(await call('DELETE', `/api/admin/bans/${encodeURIComponent(target.identity.fingerprint)}`)).toMatchObject({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
  });

  it('answers a bad ban request with a 400 and bans nothing', async () => {
    const valid = await newIdentity();
    for (const body of [
      {},
      { fingerprint: 'xyz' },
      { fingerprint: '1a2b 3c4d' },
      { publicKey: 'A'.repeat(88) },
      { publicKey: valid.publicKey, fingerprint: valid.fingerprint },
      { publicKey: 'x'.repeat(200) },
      'just text',
    ]) {
      const response = await call('POST', '/api/admin/bans', body);
      expect(response.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(response.body).toMatchObject({ error: 'BAD_REQUEST', message: expect.any(String) });
    }
    expect((await call('POST', '/api/admin/bans', { publicKey: 'x'.repeat(10_000) })).status).toBe(413);
    expect(await call('GET', '/api/admin/bans')).toEqual({ status: 200, body: { bans: [] } });
  });
});
