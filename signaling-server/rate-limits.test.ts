import { describe, expect, it } from 'vitest';
import { ANNOUNCE_MAX_FILES } from '../shared/protocol';
import { PEER_MAX_FILES, RATE_LIMITS } from './config';
import { fileNamed } from './test-support/fixtures';
import { newIdentity } from './test-support/identities';
import { useTracker } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

/** Budgets small enough to exhaust in a test; the slow ones barely refill while it runs. */
const tight = {
  join: { capacity: 4, refillPerSecond: 0.01 },
  search: { capacity: 3, refillPerSecond: 0.01 },
  share: { capacity: 2, refillPerSecond: 0.01 },
  holders: { capacity: 2, refillPerSecond: 0.01 },
  signal: { capacity: 2, refillPerSecond: 0.01 },
};

function limited(message: string) {
  return { ok: false, error: { code: 'RATE_LIMITED', message } };
}

describe('per-connection rate limits', () => {
  const harness = useTracker({ rateLimits: tight });

  it('refuses searches past the budget with a clear message, leaving other requests and peers alone', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    for (let i = 0; i < tight.search.capacity; i++) expect(await ana.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: true });
    expect(await ana.socket.emitWithAck('search', { query: '' })).toEqual(limited('Too many searches — wait a moment'));
    // Other categories and other connections have budgets of their own.
    expect(await ana.socket.emitWithAck('holders', { contentId: fileNamed('x').contentId })).toEqual({ ok: true, file: null });
    expect(await bo.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: true });
  });

  it('changes nothing for an announce or withdraw over the budget', async () => {
    const ana = await harness.join('Ana');
    const watcher = await harness.join('Watcher');
    expect(await watcher.socket.emitWithAck('search', { query: '' })).toMatchObject({ ok: true });
    const [first, second, refused] = [fileNamed('first.txt'), fileNamed('second.txt'), fileNamed('refused.txt')];
    expect(await ana.socket.emitWithAck('announce', { files: [first] })).toEqual({ ok: true });
    expect(await ana.socket.emitWithAck('announce', { files: [second] })).toEqual({ ok: true });
    expect(await ana.socket.emitWithAck('announce', { files: [refused] })).toEqual(limited('Too many share changes — wait a moment'));
    expect(await ana.socket.emitWithAck('withdraw', { contentIds: [first.contentId] })).toEqual(limited('Too many share changes — wait a moment'));
    await waitFor(() => watcher.pushes.indexChanged === 2, 'the two accepted announces');
    const all = await watcher.socket.emitWithAck('search', { query: '' });
    expect(all.ok && all.results.map((file) => file.name)).toEqual(['first.txt', 'second.txt']);
  });

  it('limits holder lookups and signals', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const contentId = fileNamed('x').contentId;
    for (let i = 0; i < tight.holders.capacity; i++) await ana.socket.emitWithAck('holders', { contentId });
    expect(await ana.socket.emitWithAck('holders', { contentId })).toEqual(limited('Too many holder lookups — wait a moment'));
    const signal = { to: bo.id, connectionId: 'c1', data: { type: 'candidate' } };
    for (let i = 0; i < tight.signal.capacity; i++) expect(await ana.socket.emitWithAck('signal', signal)).toEqual({ ok: true });
    expect(await ana.socket.emitWithAck('signal', signal)).toEqual(limited('Too many signals — wait a moment'));
    await waitFor(() => bo.pushes.signals.length === tight.signal.capacity, 'the signals within budget');
  });

  it('counts challenges and joins together, before doing any work', async () => {
    const client = await harness.connect();
    for (let i = 0; i < tight.join.capacity; i++) expect(await client.socket.emitWithAck('challenge', {})).toMatchObject({ ok: true });
    expect(await client.socket.emitWithAck('challenge', {})).toEqual(limited('Too many join attempts — wait a moment'));
    const identity = await newIdentity();
    expect(await client.socket.emitWithAck('join', { name: 'Ana', publicKey: identity.publicKey, signature: 'AAAA' })).toEqual(
      limited('Too many join attempts — wait a moment'),
    );
  });
});

describe('refilling', () => {
  const harness = useTracker({ rateLimits: { search: { capacity: 1, refillPerSecond: 20 } } });

  it('serves a throttled peer again once its budget refills', async () => {
    const ana = await harness.join('Ana');
    await ana.socket.emitWithAck('search', { query: '' });
    await waitFor(async () => (await ana.socket.emitWithAck('search', { query: '' })).ok, 'a search to be answered again');
  });
});

describe('the default budgets', () => {
  it('let a peer re-announce the most files it may share in one burst', () => {
    expect(RATE_LIMITS.share.capacity).toBeGreaterThanOrEqual(Math.ceil(PEER_MAX_FILES / ANNOUNCE_MAX_FILES));
  });
});
