import { describe, expect, it } from 'vitest';
import { NAME_MAX_CHARS } from '../shared/protocol';
import type { PeerSummary } from '../shared/protocol';
import { newIdentity, signedJoin } from './test-support/identities';
import { requestJoin, useTracker } from './test-support/tracker-harness';
import type { ClientSocket } from './test-support/tracker-harness';

function names(peers: PeerSummary[]): string[] {
  return peers.map((peer) => peer.name);
}

/** Joins under the name with a fresh key and answers with the tracker's ack. */
async function joinAs(socket: ClientSocket, name: string) {
  return requestJoin(socket, name, await newIdentity());
}

describe('joining the tracker', () => {
  const harness = useTracker();

  it('gives a joined peer a random id and echoes its name and key fingerprint', async () => {
    const client = await harness.connect();
    const identity = await newIdentity();
    const ack = await requestJoin(client.socket, 'Ana', identity);
    expect(ack).toEqual({ ok: true, peer: { id: expect.any(String), name: 'Ana', fingerprint: identity.fingerprint } });
    const second = await harness.join('Bo');
    expect(ack.ok && ack.peer.id).not.toBe(second.id);
  });

  it('trims white space around a name', async () => {
    const peer = await harness.join('  Ana Lopez \t');
    expect(peer.name).toBe('Ana Lopez');
  });

  it('refuses an empty or blank name', async () => {
    const client = await harness.connect();
    for (const name of ['', '   ']) {
      const ack = await joinAs(client.socket, name);
      expect(ack).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('Enter a display name') } });
    }
  });

  it(`refuses a name longer than ${NAME_MAX_CHARS} characters but takes one of exactly ${NAME_MAX_CHARS}`, async () => {
    const client = await harness.connect();
    const tooLong = await joinAs(client.socket, 'x'.repeat(NAME_MAX_CHARS + 1));
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(tooLong.ok ? '' : tooLong.error.message).toContain(`at most ${NAME_MAX_CHARS} characters`);
    expect(await joinAs(client.socket, 'x'.repeat(NAME_MAX_CHARS))).toMatchObject({ ok: true });
  });

  it('refuses a name an online peer holds, whatever the case, even to the same key in a second tab', async () => {
    const ana = await harness.join('Ana');
    const secondTab = await harness.connect();
    const ack = await requestJoin(secondTab.socket, ' aNA ', ana.identity);
    expect(ack).toEqual({ ok: false, error: { code: 'NAME_TAKEN', message: "Name 'aNA' is taken — choose another", details: { peerName: 'aNA' } } });
  });

  it('lets a refused connection join under another name', async () => {
    await harness.join('Ana');
    const client = await harness.connect();
    const identity = await newIdentity();
    expect(await requestJoin(client.socket, 'ana', identity)).toMatchObject({ ok: false });
    expect(await requestJoin(client.socket, 'Ana 2', identity)).toMatchObject({ ok: true });
  });

  it('lets the owner join again under its name, in any case, once it has left', async () => {
    const ana = await harness.join('Ana');
    const watcher = await harness.join('Watcher');
    ana.socket.disconnect();
    await watcher.waitForPeers((peers) => !names(peers).includes('Ana'), 'Ana to leave');
    await expect(harness.join('ANA', { identity: ana.identity })).resolves.toMatchObject({ name: 'ANA' });
  });

  it('rejects a second join on the same connection', async () => {
    const ana = await harness.join('Ana');
    const alreadyJoined = { ok: false, error: { code: 'BAD_REQUEST', message: "This connection already joined as 'Ana'" } };
    expect(await ana.socket.emitWithAck('challenge', {})).toEqual(alreadyJoined);
    const ack = await ana.socket.emitWithAck('join', await signedJoin(ana.identity, 'any-nonce-at-all', 'Someone else'));
    expect(ack).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: "This connection already joined as 'Ana'" } });
    const peers = await ana.waitForPeers((list) => list.length === 1, 'the peer list');
    expect(names(peers)).toEqual(['Ana']);
  });

  it('rejects a join sent while the first one is still being decided', async () => {
    const client = await harness.connect();
    const identity = await newIdentity();
    const ack = await client.socket.emitWithAck('challenge', {});
    const nonce = ack.ok ? ack.nonce : '';
    const [first, second] = await Promise.all([
      client.socket.emitWithAck('join', await signedJoin(identity, nonce, 'Ana')),
      client.socket.emitWithAck('join', await signedJoin(identity, nonce, 'Bo')),
    ]);
    expect([first.ok, second.ok].filter(Boolean)).toHaveLength(1);
  });
});

describe('the peer list push', () => {
  // A heartbeat far longer than any wait here, so only a clean disconnect can remove a peer in time.
  const harness = useTracker({ pingIntervalMs: 60_000, pingTimeoutMs: 60_000 });

  it('goes to every peer when one joins, including the newcomer, after its join answer', async () => {
    const ana = await harness.join('Ana');
    await ana.waitForPeers((peers) => peers.length === 1, 'Ana alone');

    const bo = await harness.join('Bo');
    const expected = [ana.summary(0), bo.summary(0)];
    await ana.waitForPeers((peers) => peers.length === 2, 'Bo to appear for Ana');
    expect(ana.latestPeers()).toEqual(expected);
    await bo.waitForPeers((peers) => peers.length === 2, 'the list for Bo');
    expect(bo.latestPeers()).toEqual(expected);
  });

  it('goes to every peer when one leaves, and the leaver is removed at once', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    await ana.waitForPeers((peers) => peers.length === 2, 'both peers');

    bo.socket.disconnect();
    await ana.waitForPeers((peers) => peers.length === 1, 'Bo to leave');
    expect(ana.latestPeers()).toEqual([ana.summary(0)]);
  });

  it('is not sent to connections that have not joined', async () => {
    const lurker = await harness.connect();
    const ana = await harness.join('Ana');
    await ana.waitForPeers((peers) => peers.length === 1, 'the list for Ana');
    // The push to Ana has gone out; had the lurker been sent one too, it would arrive before this answer.
    expect(await lurker.socket.emitWithAck('search', { query: '' })).toMatchObject({ error: { code: 'NOT_JOINED' } });
    expect(lurker.pushes.peerSnapshots).toEqual([]);
    expect(lurker.pushes.peerDeltas).toEqual([]);
  });
});
