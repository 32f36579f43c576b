import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { joinAckSchema, iceServersAckSchema } from '../shared/protocol';
import { TrackerConnection } from '../shared/tracker-client/tracker-connection';
import { newIdentity } from './test-support/identities';
import { emitRawWithAck, requestJoin, useTracker } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

const secret = 'a turn secret only the tracker knows';
const stun = { urls: 'stun:stun.example.org:3478' };
const turnUrls = ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'];

/** Checks a TURN entry the way coturn does: the HMAC of the username, and an expiry still ahead. */
function expectValidTurnEntry(entry: { username?: string; credential?: string } | undefined, peerId: string, expireAtMs: number): void {
  const [expiry, id] = (entry?.username ?? '').split(':');
  expect(id).toBe(peerId);
  expect(Number(expiry) * 1000).toBe(expireAtMs);
  expect(entry?.credential).toBe(createHmac('sha1', secret).update(entry?.username ?? '').digest('base64'));
}

describe('ICE servers handed to peers', () => {
  const harness = useTracker({
    ice: { staticServers: [stun], turn: { urls: turnUrls, secret, ttlSeconds: 600 } },
  });

  it('gives a joined peer the configured servers with a TURN credential that expires after the lifetime', async () => {
    const client = await harness.connect();
    const beforeMs = Date.now();
    const ack = joinAckSchema.parse(await requestJoin(client.socket, 'Ana', await newIdentity()));
    if (!ack.ok) throw new Error(ack.error.message);
    const [first, turn] = ack.iceServers;
    expect(first).toEqual(stun);
    expect(turn?.urls).toEqual(turnUrls);
    const expireAt = ack.iceServersExpireAt ?? 0;
    expect(expireAt).toBeGreaterThanOrEqual(Math.floor(beforeMs / 1000) * 1000 + 600_000);
    expect(expireAt).toBeLessThanOrEqual(Date.now() + 600_000);
    expectValidTurnEntry(turn, ack.peer.id, expireAt);
    expect(JSON.stringify(ack)).not.toContain(secret);
  });

  it('renews them with a later expiry when a joined peer asks', async () => {
    const ana = await harness.join('Ana');
    const first = iceServersAckSchema.parse(await emitRawWithAck(ana.socket, 'ice-servers', {}));
    if (!first.ok) throw new Error(first.error.message);
    // Expiries are whole seconds: wait for the clock to reach the next one, then ask again.
    const askedInSecond = Math.floor(Date.now() / 1000);
    await waitFor(() => Math.floor(Date.now() / 1000) > askedInSecond, 'the next second');
    const renewed = iceServersAckSchema.parse(await emitRawWithAck(ana.socket, 'ice-servers'));
    if (!renewed.ok) throw new Error(renewed.error.message);
    expect(renewed.iceServersExpireAt).toBeGreaterThan(first.iceServersExpireAt ?? Infinity);
    expectValidTurnEntry(renewed.iceServers[1], ana.id, renewed.iceServersExpireAt ?? 0);
  });
});

describe('renewal requests the tracker refuses', () => {
  const harness = useTracker({
    ice: { staticServers: [stun], turn: { urls: turnUrls, secret, ttlSeconds: 600 } },
    rateLimits: { iceServers: { capacity: 2, refillPerSecond: 0.01 } },
  });

  it('refuses a peer that has not joined, a malformed request, and renewals past the budget', async () => {
    const stranger = await harness.connect();
    expect(await emitRawWithAck(stranger.socket, 'ice-servers', {})).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    const ana = await harness.join('Ana');
    expect(await emitRawWithAck(ana.socket, 'ice-servers', { give: 'me the secret' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await emitRawWithAck(ana.socket, 'ice-servers', {})).toMatchObject({ ok: true });
    expect(await emitRawWithAck(ana.socket, 'ice-servers', {})).toEqual({
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'Too many ICE server renewals — wait a moment' },
    });
  });
});

describe('a tracker without ICE servers', () => {
  const harness = useTracker();

  it('answers joins and renewals with an empty list that never expires', async () => {
    const ana = await harness.join('Ana');
    expect(iceServersAckSchema.parse(await emitRawWithAck(ana.socket, 'ice-servers', {}))).toEqual({ ok: true, iceServers: [] });
  });
});

describe('TrackerConnection', () => {
  const harness = useTracker({ ice: { staticServers: [stun], turn: { urls: turnUrls, secret, ttlSeconds: 600 } } });

  it('keeps the servers from its join for the transport, and renews them with a later expiry', async () => {
    const connection = new TrackerConnection(harness.url);
    try {
      const connected = new Promise<void>((resolve) => connection.onConnectionChange((isConnected) => isConnected && resolve()));
      expect(connection.iceServers).toEqual([]);
      connection.connect();
      await connected;
      const me = await connection.join({ name: 'Ana', identity: await newIdentity() });
      expect(Object.keys(me).sort()).toEqual(['fingerprint', 'id', 'name']);
      const joinedExpiry = connection.iceServersExpireAt ?? 0;
      expectValidTurnEntry(connection.iceServers[1], me.id, joinedExpiry);
      const askedInSecond = Math.floor(Date.now() / 1000);
      await waitFor(() => Math.floor(Date.now() / 1000) > askedInSecond, 'the next second');
      const renewed = await connection.renewIceServers();
      expect(connection.iceServers).toEqual(renewed.iceServers);
      expect(connection.iceServersExpireAt).toBeGreaterThan(joinedExpiry);
      expectValidTurnEntry(connection.iceServers[1], me.id, connection.iceServersExpireAt ?? 0);
    } finally {
      connection.disconnect();
    }
  });
});
