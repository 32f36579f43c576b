import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { ShoalError } from '../protocol/errors';
import type { PeerSummary } from '../protocol/tracker-messages';
import { ONE_SLOT_REFUSAL, trackerWithItsOneSlotTaken } from '../test-support/capped-tracker';
import { waitFor } from '../test-support/wait-for';
import { TrackerConnection } from './tracker-connection';

function peer(id: string, name: string, files = 0): PeerSummary {
  return { id, name, files, publicKey: `key-${id}`, fingerprint: `fp-${id}` };
}

describe('TrackerConnection peer list', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A stand-in tracker that sends each new connection the given pushes, in order. */
  async function trackerSending(pushes: [string, unknown][]): Promise<string> {
    const http = createServer();
    const io = new Server(http);
    io.on('connection', (socket) => {
      for (const [event, payload] of pushes) socket.emit(event, payload);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => void io.close(() => resolve())));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  it('ignores malformed pushes and calls onPeers with the converged, sorted list', async () => {
    const url = await trackerSending([
      ['peers-delta', { seq: 1, joined: { id: 'x' } }],
      ['peers-snapshot', { seq: 0, page: 1, pages: 1, peers: [] }],
      ['peers-snapshot', { seq: -1, page: 0, pages: 1, peers: [] }],
      ['peers-snapshot', { seq: 3, page: 0, pages: 1, peers: [peer('b', 'Bo'), peer('a', 'ana')] }],
      ['peers-delta', { seq: 4, files: { id: 'a', count: -2 } }],
      ['peers-delta', { seq: 4, left: 'b' }],
      ['peers', { peers: [peer('z', 'Zed')] }],
      ['peers-delta', { seq: 5, joined: peer('c', 'cy', 2) }],
    ]);
    const connection = new TrackerConnection(url);
    cleanups.push(() => connection.disconnect());
    const seen: PeerSummary[][] = [];
    connection.onPeers((peers) => seen.push(peers));
    connection.connect();

    await waitFor(() => seen.length === 3, 'three peer lists', { timeoutMs: 5_000 });
    expect(seen).toEqual([[peer('a', 'ana'), peer('b', 'Bo')], [peer('a', 'ana')], [peer('a', 'ana'), peer('c', 'cy', 2)]]);
  });

  it('applies a batch of changes in order, as one list update; a malformed batch changes nothing', async () => {
    const url = await trackerSending([
      ['peers-snapshot', { seq: 3, page: 0, pages: 1, peers: [peer('a', 'ana')] }],
      ['peers-deltas', { deltas: [{ seq: 4, joined: peer('b', 'Bo') }, { seq: 5, left: 'x' }] }],
      ['peers-deltas', { deltas: [] }],
      ['peers-deltas', { deltas: [{ seq: 6, joined: peer('c', 'cy') }, { seq: 7, files: { id: 'c', count: 'many' } }] }],
      ['peers-deltas', { deltas: [{ seq: 6, joined: peer('c', 'cy') }, { seq: 7, files: { id: 'b', count: 3 } }, { seq: 8, left: 'a' }] }],
    ]);
    const connection = new TrackerConnection(url);
    cleanups.push(() => connection.disconnect());
    const seen: PeerSummary[][] = [];
    connection.onPeers((peers) => seen.push(peers));
    connection.connect();

    await waitFor(() => seen.length === 3, 'three peer lists', { timeoutMs: 5_000 });
    expect(seen).toEqual([[peer('a', 'ana')], [peer('a', 'ana'), peer('b', 'Bo')], [peer('b', 'Bo', 3), peer('c', 'cy')]]);
  });
});

describe('TrackerConnection refused by the tracker', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reports a refusal over the per-address cap as a ShoalError and connects by itself once a slot frees', async () => {
    const { tracker, holder, close } = await trackerWithItsOneSlotTaken();
    cleanups.push(close);

    const second = new TrackerConnection(tracker.url, { refusedRetryMs: 100 });
    cleanups.push(() => second.disconnect());
    const refusals: ShoalError[] = [];
    second.onRefused((error) => refusals.push(error));
    second.connect();
    const [refusal] = await waitFor(() => refusals.length > 0 && refusals, 'the refusal');
    expect(refusal).toBeInstanceOf(ShoalError);
    expect(refusal).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', message: ONE_SLOT_REFUSAL });
    expect(second.isConnected).toBe(false);

    holder.disconnect();
    await waitFor(() => second.isConnected, 'the second connection to get in by itself once the first left');
  });
});
