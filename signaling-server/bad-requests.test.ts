import { describe, expect, it } from 'vitest';
import { ANNOUNCE_MAX_FILES, NAME_MAX_CHARS, QUERY_MAX_CHARS } from '../shared/protocol';
import type { FileAnnouncement } from '../shared/protocol';
import { fileNamed } from './test-support/fixtures';
import { emitRaw, emitRawWithAck, useTracker } from './test-support/tracker-harness';
import type { JoinedPeer, TestClient } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

/** Well-formed key and signature fields, so each bad join payload is wrong in one way only. */
const keyFields = { publicKey: 'A'.repeat(88), signature: 'B'.repeat(88) };

const badPayloads: Record<string, (ctx: { target: string; held: FileAnnouncement }) => unknown[]> = {
  challenge: () => [null, 'please', 42, []],
  join: () => [
    undefined,
    null,
    'Ana',
    42,
    [],
    {},
    { ...keyFields, name: 5 },
    { ...keyFields, name: '' },
    { ...keyFields, name: 'x'.repeat(NAME_MAX_CHARS + 1) },
    { name: 'Ana', signature: keyFields.signature },
    { ...keyFields, name: 'Ana', publicKey: 'A'.repeat(129) },
    { ...keyFields, name: 'Ana', signature: '' },
    { ...keyFields, name: 'Ana', networkKey: 'k'.repeat(257) },
  ],
  announce: ({ held }) => {
    const fresh = fileNamed('fresh.txt');
    return [
      undefined,
      {},
      { files: [] },
      { files: 'fresh.txt' },
      { files: [{ ...fresh, contentId: 'NOT-A-HASH' }] },
      { files: [{ ...fresh, size: -1 }] },
      { files: [{ ...fresh, name: 'line\nbreak.txt' }] },
      { files: [{ ...fresh, name: '' }] },
      // One bad file spoils the batch: the good one next to it must not be indexed either.
      { files: [fresh, { ...held, chunkSizeBytes: 0 }] },
      { files: Array.from({ length: ANNOUNCE_MAX_FILES + 1 }, (_, index) => fileNamed(`f${index}`)) },
    ];
  },
  withdraw: ({ held }) => [undefined, {}, { contentIds: [] }, { contentIds: held.contentId }, { contentIds: [held.contentId, 'nope'] }],
  search: () => [
    undefined,
    { query: 5 },
    { query: 'x'.repeat(QUERY_MAX_CHARS + 1) },
    { query: '', limit: 0 },
    { query: '', limit: 1.5 },
    { query: '', limit: '10' },
    { query: '', offset: -1 },
  ],
  holders: ({ held }) => [undefined, {}, { contentId: 'abc' }, { contentId: held.contentId.toUpperCase() }],
  signal: ({ target }) => [
    undefined,
    { to: target },
    { to: '', connectionId: 'c1', data: {} },
    { to: target, connectionId: '', data: {} },
    { to: target, connectionId: 'c'.repeat(65), data: {} },
    { to: target, connectionId: 'c1', data: 'offer' },
    { to: target, connectionId: 'c1', data: { type: 5 } },
  ],
};

describe('bad requests', () => {
  // More join attempts than a person makes: this suite is about validation, not rate limits.
  const harness = useTracker({ rateLimits: { join: { capacity: 100, refillPerSecond: 10 } } });

  async function setUp(): Promise<{ sender: JoinedPeer; watcher: JoinedPeer; stranger: TestClient; held: FileAnnouncement }> {
    const sender = await harness.join('Sender');
    const watcher = await harness.join('Watcher');
    const stranger = await harness.connect();
    // A live query for everything, so every index change reaches the watcher.
    expect(await watcher.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: true });
    const held = fileNamed('held.txt');
    expect(await sender.socket.emitWithAck('announce', { files: [held] })).toEqual({ ok: true });
    await waitFor(() => watcher.pushes.indexChanged === 1, 'the first announce at the watcher');
    // Changes after the first come batched (delta-batches.ts): wait for the last of the set-up's.
    await watcher.waitForPeers((peers) => peers.some((peer) => peer.id === sender.id && peer.files === 1), 'the held file in the count');
    return { sender, watcher, stranger, held };
  }

  for (const [event, payloadsFor] of Object.entries(badPayloads)) {
    it(`answers every malformed '${event}' with BAD_REQUEST and changes nothing`, async () => {
      const { sender, watcher, stranger, held } = await setUp();
      const peersBefore = watcher.latestPeers();
      const deltasBefore = watcher.pushes.peerDeltas.length;
      const from = event === 'join' || event === 'challenge' ? stranger : sender;

      for (const payload of payloadsFor({ target: watcher.id, held })) {
        const ack = await emitRawWithAck(from.socket, event, payload);
        expect(ack, JSON.stringify(payload)?.slice(0, 80)).toEqual({
          ok: false,
          error: { code: 'BAD_REQUEST', message: expect.stringMatching(new RegExp(`^Invalid ${event} request: .+`)) },
        });
      }

      // A good announce now: its broadcasts follow any a bad request might have caused.
      const marker = fileNamed('marker.txt');
      expect(await sender.socket.emitWithAck('announce', { files: [marker] })).toEqual({ ok: true });
      await waitFor(() => watcher.pushes.indexChanged === 2, 'the marker announce at the watcher');
      await watcher.waitForPeers((peers) => peers.some((peer) => peer.files === 2), 'the marker in the file count');
      // Only the marker's one delta: no bad request changed the peer list, and nothing resent it.
      expect(watcher.pushes.peerDeltas.length).toBe(deltasBefore + 1);
      expect(watcher.pushes.peerSnapshots).toHaveLength(1);
      expect(watcher.latestPeers()).toEqual(peersBefore?.map((peer) => (peer.id === sender.id ? { ...peer, files: 2 } : peer)));
      expect(watcher.pushes.signals).toEqual([]);
      const all = await watcher.socket.emitWithAck('search', { query: '' });
      expect(all.ok && all.results.map((result) => result.name)).toEqual(['held.txt', 'marker.txt']);
      expect(all.ok && all.results[0]?.contentId).toBe(held.contentId);
    });
  }

  it('says which field is wrong in words a person can act on', async () => {
    const { stranger, sender } = await setUp();
    expect(await emitRawWithAck(stranger.socket, 'join', { ...keyFields, name: '  ' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Invalid join request: name — Enter a display name' },
    });
    expect(await emitRawWithAck(sender.socket, 'holders', { contentId: 'abc' })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Invalid holders request: contentId — A content id is 64 lowercase hex characters' },
    });
  });
});

describe('requests before joining', () => {
  const harness = useTracker();

  it('answers every event but challenge and join with NOT_JOINED', async () => {
    const ana = await harness.join('Ana');
    const stranger = await harness.connect();
    const file = fileNamed('x.txt');
    const requests: Array<[string, unknown]> = [
      ['announce', { files: [file] }],
      ['withdraw', { contentIds: [file.contentId] }],
      ['search', { query: '' }],
      ['holders', { contentId: file.contentId }],
      ['signal', { to: ana.id, connectionId: 'c1', data: { type: 'offer', sdp: 'v=0' } }],
    ];
    for (const [event, payload] of requests) {
      expect(await emitRawWithAck(stranger.socket, event, payload)).toEqual({
        ok: false,
        error: { code: 'NOT_JOINED', message: `Join with a display name before sending '${event}'` },
      });
    }
    expect(await ana.socket.emitWithAck('search', { query: '' })).toEqual({ ok: true, total: 0, results: [] });
    expect(ana.pushes.signals).toEqual([]);
  });
});

describe('odd but harmless client behaviour', () => {
  const harness = useTracker();

  it('carries out a request sent without an ack and keeps serving', async () => {
    const ana = await harness.join('Ana');
    const file = fileNamed('no-ack.txt');
    emitRaw(ana.socket, 'announce', { files: [file] });
    emitRaw(ana.socket, 'search');
    emitRaw(ana.socket, 'holders', 'not an object');
    await waitFor(async () => {
      const ack = await ana.socket.emitWithAck('holders', { contentId: file.contentId });
      return ack.ok && ack.file !== null;
    }, 'the ack-less announce to land');
  });

  it('answers through the last argument when a client sends extra ones', async () => {
    const ana = await harness.join('Ana');
    expect(await emitRawWithAck(ana.socket, 'search', { query: '' }, 'extra', 42)).toEqual({ ok: true, total: 0, results: [] });
  });

  it('ignores events it does not know', async () => {
    const ana = await harness.join('Ana');
    emitRaw(ana.socket, 'drop-table', { everything: true });
    emitRaw(ana.socket, 'peers', { peers: [] });
    expect(await ana.socket.emitWithAck('search', { query: '' })).toEqual({ ok: true, total: 0, results: [] });
    expect(ana.socket.connected).toBe(true);
  });
});
