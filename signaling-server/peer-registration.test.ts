import { describe, expect, it } from 'vitest';
import { NAME_MAX_CHARS } from '../shared/protocol';
import type { PeerSummary } from '../shared/protocol';
import { useTracker } from './test-support/tracker-harness';

function names(peers: PeerSummary[]): string[] {
  return peers.map((peer) => peer.name);
}

describe('joining the tracker', () => {
  const harness = useTracker();

  it('gives a joined peer a random id and echoes its name', async () => {
    const client = await harness.connect();
    const ack = await client.socket.emitWithAck('join', { name: 'Ana' });
    expect(ack).toEqual({ ok: true, peer: { id: expect.any(String), name: 'Ana' } });
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
      const ack = await client.socket.emitWithAck('join', { name });
      expect(ack).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('Enter a display name') } });
    }
  });

  it(`refuses a name longer than ${NAME_MAX_CHARS} characters but takes one of exactly ${NAME_MAX_CHARS}`, async () => {
    const client = await harness.connect();
    const tooLong = await client.socket.emitWithAck('join', { name: 'x'.repeat(NAME_MAX_CHARS + 1) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(tooLong.ok ? '' : tooLong.error.message).toContain(`at most ${NAME_MAX_CHARS} characters`);
    expect(await client.socket.emitWithAck('join', { name: 'x'.repeat(NAME_MAX_CHARS) })).toMatchObject({ ok: true });
  });

  it('refuses a name an online peer holds, whatever the case', async () => {
    await harness.join('Ana');
    const client = await harness.connect();
    const ack = await client.socket.emitWithAck('join', { name: ' aNA ' });
    expect(ack).toEqual({ ok: false, error: { code: 'NAME_TAKEN', message: "Name 'aNA' is taken — choose another" } });
  });

  it('lets a refused connection join under another name', async () => {
    await harness.join('Ana');
    const client = await harness.connect();
    expect(await client.socket.emitWithAck('join', { name: 'ana' })).toMatchObject({ ok: false });
    expect(await client.socket.emitWithAck('join', { name: 'Ana 2' })).toMatchObject({ ok: true });
  });

  it('frees a name once its holder leaves', async () => {
    const ana = await harness.join('Ana');
    const watcher = await harness.join('Watcher');
    ana.socket.disconnect();
    await watcher.waitForPeers((peers) => !names(peers).includes('Ana'), 'Ana to leave');
    await expect(harness.join('ANA')).resolves.toMatchObject({ name: 'ANA' });
  });

  it('rejects a second join on the same connection', async () => {
    const ana = await harness.join('Ana');
    const ack = await ana.socket.emitWithAck('join', { name: 'Someone else' });
    expect(ack).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: "This connection already joined as 'Ana'" } });
    const peers = await ana.waitForPeers((list) => list.length === 1, 'the peer list');
    expect(names(peers)).toEqual(['Ana']);
  });

  it('rejects a join sent while the first one is still being decided', async () => {
    const client = await harness.connect();
    const [first, second] = await Promise.all([
      client.socket.emitWithAck('join', { name: 'Ana' }),
      client.socket.emitWithAck('join', { name: 'Bo' }),
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
    const expected = [
      { id: ana.id, name: 'Ana', files: 0 },
      { id: bo.id, name: 'Bo', files: 0 },
    ];
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
    expect(ana.latestPeers()).toEqual([{ id: ana.id, name: 'Ana', files: 0 }]);
  });

  it('is not sent to connections that have not joined', async () => {
    const lurker = await harness.connect();
    const ana = await harness.join('Ana');
    await ana.waitForPeers((peers) => peers.length === 1, 'the list for Ana');
    // The push to Ana has gone out; had the lurker been sent one too, it would arrive before this answer.
    expect(await lurker.socket.emitWithAck('search', { query: '' })).toMatchObject({ error: { code: 'NOT_JOINED' } });
    expect(lurker.pushes.peers).toEqual([]);
  });
});
