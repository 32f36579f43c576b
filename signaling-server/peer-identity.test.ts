import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTracker } from './app';
import { MemoryRegistrationStore } from './store/memory-registration-store';
import { newIdentity, signedJoin } from './test-support/identities';
import { challengeOf, joinClient, requestJoin, useTracker } from './test-support/tracker-harness';
import type { TestClient } from './test-support/tracker-harness';

const signatureInvalid = {
  ok: false,
  error: {
    code: 'SIGNATURE_INVALID',
    message: 'The join signature does not match the public key; ask for a new challenge and sign it',
  },
};
const noChallenge = {
  ok: false,
  error: { code: 'BAD_REQUEST', message: "Ask for a challenge before joining: send 'challenge', sign its nonce, then join" },
};

/** Nothing about a refused join reaches anyone: no peer list, and the refused connection stays out. */
async function expectStillOutside(client: TestClient): Promise<void> {
  expect(await client.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  expect(client.pushes.peerSnapshots).toEqual([]);
  expect(client.pushes.peerDeltas).toEqual([]);
}

describe('the join challenge', () => {
  const harness = useTracker();

  it('hands out a fresh random nonce each time', async () => {
    const client = await harness.connect();
    const nonces = [await challengeOf(client.socket), await challengeOf(client.socket), await challengeOf(client.socket)];
    expect(new Set(nonces).size).toBe(3);
    for (const nonce of nonces) expect(nonce.length).toBeGreaterThanOrEqual(16);
  });

  it('refuses a join that asked for no challenge', async () => {
    const client = await harness.connect();
    const request = await signedJoin(await newIdentity(), 'made-up-nonce-0123456789', 'Ana');
    expect(await client.socket.emitWithAck('join', request)).toEqual(noChallenge);
    await expectStillOutside(client);
  });

  it('refuses a signature over another nonce, another name, or by another key', async () => {
    const client = await harness.connect();
    const identity = await newIdentity();
    const stranger = await newIdentity();
    const cases = [
      async (nonce: string) => ({ ...(await signedJoin(identity, nonce, 'Ana')), signature: (await signedJoin(identity, `${nonce}x`, 'Ana')).signature }),
      async (nonce: string) => ({ ...(await signedJoin(identity, nonce, 'Bo')), name: 'Ana' }),
      async (nonce: string) => ({ ...(await signedJoin(stranger, nonce, 'Ana')), publicKey: identity.publicKey }),
      async () => ({ ...(await signedJoin(identity, 'x', 'Ana')), signature: 'not base64 at all!' }),
    ];
    for (const makeRequest of cases) {
      const request = await makeRequest(await challengeOf(client.socket));
      expect(await client.socket.emitWithAck('join', request)).toEqual(signatureInvalid);
    }
    await expectStillOutside(client);
    // The name is still free: none of those joins registered it.
    await expect(harness.join('Ana', { identity: stranger })).resolves.toMatchObject({ name: 'Ana' });
  });

  it('refuses a public key that is not a P-256 point', async () => {
    const client = await harness.connect();
    const identity = await newIdentity();
    const request = await signedJoin(identity, await challengeOf(client.socket), 'Ana');
    const notAPoint = Buffer.alloc(65, 7).toString('base64');
    expect(await client.socket.emitWithAck('join', { ...request, publicKey: notAPoint })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Invalid join request: publicKey — not a P-256 public key (base64 of its 65 raw bytes)' },
    });
  });

  it('lets each nonce be tried once: a failed or malformed join uses it up', async () => {
    const identity = await newIdentity();
    const other = await harness.connect();
    const nonce = await challengeOf(other.socket);
    const good = await signedJoin(identity, nonce, 'Ana');
    expect(await other.socket.emitWithAck('join', { ...good, signature: 'AAAA' })).toEqual(signatureInvalid);
    expect(await other.socket.emitWithAck('join', good)).toEqual(noChallenge);

    const malformedNonce = await challengeOf(other.socket);
    expect(await other.socket.emitWithAck('join', { name: 'Ana' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await other.socket.emitWithAck('join', await signedJoin(identity, malformedNonce, 'Ana'))).toEqual(noChallenge);
  });

  it('refuses a replayed join, on another connection or after a newer challenge', async () => {
    const identity = await newIdentity();
    const first = await harness.connect();
    const request = await signedJoin(identity, await challengeOf(first.socket), 'Ana');
    expect(await first.socket.emitWithAck('join', request)).toMatchObject({ ok: true });

    // An eavesdropper replays the same signed join on a connection of its own.
    const replayer = await harness.connect();
    expect(await replayer.socket.emitWithAck('join', request)).toEqual(noChallenge);
    await challengeOf(replayer.socket);
    expect(await replayer.socket.emitWithAck('join', request)).toEqual(signatureInvalid);

    // A newer challenge replaces the older one.
    const late = await harness.connect();
    const older = await challengeOf(late.socket);
    await challengeOf(late.socket);
    expect(await late.socket.emitWithAck('join', await signedJoin(await newIdentity(), older, 'Cy'))).toEqual(signatureInvalid);
  });
});

describe('names owned by keys', () => {
  const harness = useTracker();

  it('keeps a name for the key that registered it, online or offline', async () => {
    const ana = await harness.join('Ana');
    const thief = await newIdentity();
    const belongs = (name: string) => ({ ok: false, error: { code: 'NAME_TAKEN', message: `Name '${name}' belongs to someone else — choose another`, details: { peerName: name } } });

    const online = await harness.connect();
    expect(await requestJoin(online.socket, 'ana', thief)).toEqual(belongs('ana'));

    const watcher = await harness.join('Watcher');
    ana.socket.disconnect();
    await watcher.waitForPeers((peers) => peers.length === 1, 'Ana to leave');
    const offline = await harness.connect();
    expect(await requestJoin(offline.socket, ' ANA ', thief)).toEqual(belongs('ANA'));
    await expectStillOutside(offline);

    await expect(harness.join('Ana', { identity: ana.identity })).resolves.toMatchObject({ name: 'Ana' });
  });

  it('shows every peer its key and fingerprint in the peer list, as verified at join', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const peers = await ana.waitForPeers((list) => list.length === 2, 'both peers');
    expect(peers).toEqual([ana.summary(0), bo.summary(0)]);
    expect(ana.identity.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
  });
});

describe('banned keys', () => {
  const registrations = new MemoryRegistrationStore();
  const harness = useTracker(() => ({ registrations }));

  it('refuses a banned key, whatever name it asks for', async () => {
    const banned = await newIdentity();
    await registrations.ban({ fingerprint: banned.fingerprint, publicKey: null, bannedAtMs: Date.now() });
    const client = await harness.connect();
    for (const name of ['Mallory', 'Someone new']) {
      expect(await requestJoin(client.socket, name, banned)).toEqual({
        ok: false,
        error: { code: 'BANNED', message: 'This identity key is banned from the network' },
      });
    }
    await expectStillOutside(client);
    expect(await registrations.registrationOf('Someone new')).toBeUndefined();
  });
});

describe('registrations across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shoal-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('still binds a name to its key after the tracker restarts on the same DATA_DIR', async () => {
    const options = { host: '127.0.0.1', port: 0, staticDir: null, dataDir };
    const owner = await newIdentity();
    const first = await createTracker(options);
    try {
      const ana = await joinClient(first.url, 'Ana', { identity: owner });
      ana.socket.disconnect();
    } finally {
      await first.close();
    }

    const second = await createTracker(options);
    try {
      const thief = await joinClient(second.url, 'ana').then(
        () => 'joined',
        (error: unknown) => String(error),
      );
      expect(thief).toContain("NAME_TAKEN Name 'ana' belongs to someone else — choose another");
      const ana = await joinClient(second.url, 'Ana', { identity: owner });
      expect(ana.name).toBe('Ana');
      ana.socket.disconnect();
    } finally {
      await second.close();
    }
  });
});
