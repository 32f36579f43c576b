import { describe, expect, it } from 'vitest';
import type { FileAnnouncement } from '../shared/protocol';
import { fileNamed } from './test-support/fixtures';
import { useTracker } from './test-support/tracker-harness';
import type { JoinedPeer } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

async function announce(peer: JoinedPeer, files: FileAnnouncement[]): Promise<void> {
  expect(await peer.socket.emitWithAck('announce', { files })).toEqual({ ok: true });
}

async function search(peer: JoinedPeer, query: string): Promise<void> {
  expect(await peer.socket.emitWithAck('search', { query })).toMatchObject({ ok: true });
}

/**
 * A round trip that leaves the live query alone: the tracker pushes in the same turn as the change,
 * and one connection keeps order, so every push made so far has arrived when the answer does.
 */
async function settled(peer: JoinedPeer): Promise<number> {
  expect(await peer.socket.emitWithAck('holders', { contentId: fileNamed('probe').contentId })).toEqual({ ok: true, file: null });
  return peer.pushes.indexChanged;
}

describe('index-changed goes only to peers whose live search a change touches', () => {
  const harness = useTracker();

  it('tells each peer whose query matches an announced name once, and no one else', async () => {
    const ana = await harness.join('Ana');
    const [bo, cy, di, ed] = await Promise.all(['Bo', 'Cy', 'Di', 'Ed'].map((name) => harness.join(name)));
    await search(bo!, 'HOLIDAY zip');
    await search(cy!, 'report');
    await search(ed!, '   ');
    // Di never searched: no results to refresh.

    await announce(ana, [fileNamed('Holiday Photos.zip')]);
    await waitFor(() => bo!.pushes.indexChanged === 1 && ed!.pushes.indexChanged === 1, 'the push at Bo and Ed');
    // A marker only Cy's query matches: a push for the holiday file would have reached Cy first.
    await announce(ana, [fileNamed('report 2024.pdf')]);
    await waitFor(() => cy!.pushes.indexChanged >= 1, 'the marker at Cy');

    expect(await settled(cy!)).toBe(1);
    expect(await settled(bo!)).toBe(1);
    expect(await settled(ed!)).toBe(2);
    expect(await settled(di!)).toBe(0);
    expect(await settled(ana)).toBe(0);
  });

  it('follows the peer’s latest search, and keeps answering after a searching peer leaves', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    await search(bo, 'cats');
    await search(bo, 'dogs');
    await announce(ana, [fileNamed('cats.zip')]);
    // A marker both queries match: only its push may reach Bo.
    await announce(ana, [fileNamed('cats and dogs.zip')]);
    await waitFor(() => bo.pushes.indexChanged >= 1, 'the marker push at Bo');
    expect(await settled(bo)).toBe(1);

    bo.socket.disconnect();
    await waitFor(() => ana.latestPeers()?.length === 1, 'Bo gone from the peer list');
    // The tracker survives pushing to nobody: Ana still gets answers.
    await announce(ana, [fileNamed('dogs 2.zip')]);
    expect(await settled(ana)).toBe(0);
  });

  it('tells a peer whose results list a content id when a holder sharing it under another name comes or goes', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const cy = await harness.join('Cy');
    const report = fileNamed('report.pdf');
    await announce(ana, [report]);
    await search(bo, 'report');

    await announce(cy, [{ ...report, name: 'notes.pdf' }]);
    await waitFor(() => bo.pushes.indexChanged === 1, 'the new holder at Bo');
    cy.socket.disconnect();
    await waitFor(() => bo.pushes.indexChanged === 2, 'the holder leaving at Bo');
    expect(await settled(bo)).toBe(2);
  });

  it('tells a newcomer whose results list a file when a second holder announces it under the same name, and when it goes', async () => {
    const alice = await harness.join('Alice');
    const concert = fileNamed('concert.mkv');
    await announce(alice, [concert]);
    const newcomer = await harness.join('Newcomer');
    await search(newcomer, 'concert');
    const bob = await harness.join('Bob');
    await announce(bob, [concert]);
    await waitFor(() => newcomer.pushes.indexChanged === 1, 'the second holder at the newcomer');
    await bob.socket.emitWithAck('withdraw', { contentIds: [concert.contentId] });
    await waitFor(() => newcomer.pushes.indexChanged === 2, 'the holder withdrawing at the newcomer');
    expect(await settled(newcomer)).toBe(2);
  });

  it('tells a peer whose query finds a folder by a name inside it when a holder comes or goes', async () => {
    const alice = await harness.join('Alice');
    const cy = await harness.join('Cy');
    const bob = await harness.join('Bob');
    const trip = fileNamed('Trip', { folder: { fileCount: 2, innerNames: ['alpha beach.jpg', 'dunes.jpg'] } });
    await announce(alice, [trip]);
    await search(cy, 'alpha beach');
    expect(await settled(cy)).toBe(0);

    await announce(bob, [trip]);
    await waitFor(() => cy.pushes.indexChanged === 1, 'the second holder of the folder at Cy');
    bob.socket.disconnect();
    await waitFor(() => cy.pushes.indexChanged === 2, 'the holder leaving at Cy');
    expect(await settled(cy)).toBe(2);
  });

  it('tells a peer whose query finds a new folder only by a name inside it', async () => {
    const alice = await harness.join('Alice');
    const cy = await harness.join('Cy');
    await search(cy, 'dunes');
    expect(await settled(cy)).toBe(0);
    await announce(alice, [fileNamed('Trip', { folder: { fileCount: 2, innerNames: ['alpha beach.jpg', 'dunes.jpg'] } })]);
    await waitFor(() => cy.pushes.indexChanged === 1, 'the new folder at Cy');
    expect(await settled(cy)).toBe(1);
  });

  it('tells a peer whose query matches the files of a peer that leaves, and not one whose query does not', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const cy = await harness.join('Cy');
    await announce(ana, [fileNamed('leaving.txt'), fileNamed('also leaving.bin')]);
    await search(bo, 'leaving txt');
    await search(cy, 'staying');

    ana.socket.disconnect();
    await waitFor(() => bo.pushes.indexChanged === 1, 'index-changed at Bo after Ana left');
    await cy.waitForPeers((peers) => peers.length === 2, 'Ana gone from Cy’s peer list');
    expect(await settled(cy)).toBe(0);
    expect(await settled(bo)).toBe(1);
  });
});

describe('index-changed pushes to one peer are spaced out', () => {
  const MIN_INTERVAL_MS = 1_000;
  const harness = useTracker({ indexChangedMinIntervalMs: MIN_INTERVAL_MS });

  it('turns a burst of announces into one push now and one when the quiet period ends, and still delivers a later change', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    await search(bo, '');
    const arrivals: number[] = [];
    bo.socket.on('index-changed', () => arrivals.push(Date.now()));

    await Promise.all(Array.from({ length: 20 }, (_, index) => announce(ana, [fileNamed(`part ${index}.bin`)])));
    await waitFor(() => arrivals.length === 1, 'the first change at Bo');
    expect(await settled(bo)).toBe(1);
    await waitFor(() => arrivals.length === 2, 'the rest of the burst at the end of the quiet period');
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(MIN_INTERVAL_MS - 50);

    // A change right after that push waits out a new quiet period, and is not lost.
    await announce(ana, [fileNamed('late.bin')]);
    await waitFor(() => arrivals.length === 3, 'the late change at Bo');
    expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(MIN_INTERVAL_MS - 50);
    expect(await settled(bo)).toBe(3);
    expect(await bo.socket.emitWithAck('search', { query: 'late' })).toMatchObject({ ok: true, total: 1 });
  });
});
