import { describe, expect, it } from 'vitest';
import type { PeerSummary } from '../protocol/tracker-messages';
import { PeerListReplica } from './peer-list-replica';

function peer(id: string, name: string, files = 0): PeerSummary {
  return { id, name, files, publicKey: `key-${id}`, fingerprint: `fp-${id}` };
}

describe('PeerListReplica', () => {
  it('keeps deltas that arrive before the snapshot is whole and drops those the snapshot already holds', () => {
    const list = new PeerListReplica();
    expect(list.applyDelta({ seq: 4, joined: peer('b', 'Bo') })).toBe(false);
    expect(list.applyDelta({ seq: 6, joined: peer('c', 'cy') })).toBe(false);
    expect(list.applySnapshotPage({ seq: 5, page: 1, pages: 2, peers: [peer('b', 'Bo')] })).toBe(false);
    expect(list.isComplete).toBe(false);
    expect(list.applySnapshotPage({ seq: 5, page: 0, pages: 2, peers: [peer('a', 'ana')] })).toBe(true);
    expect(list.list().map((entry) => entry.name)).toEqual(['ana', 'Bo', 'cy']);
    // A delta the snapshot already reflects changes nothing, even if it says otherwise.
    expect(list.applyDelta({ seq: 5, left: 'a' })).toBe(false);
    expect(list.list()).toHaveLength(3);
  });

  it('keeps a change that arrives between the pages of a resent snapshot, when it is newer than the snapshot', () => {
    const list = new PeerListReplica();
    list.applySnapshotPage({ seq: 3, page: 0, pages: 1, peers: [peer('a', 'ana')] });
    expect(list.applySnapshotPage({ seq: 9, page: 0, pages: 2, peers: [peer('a', 'ana')] })).toBe(false);
    expect(list.applyDelta({ seq: 10, joined: peer('c', 'cy') })).toBe(false);
    expect(list.applyDelta({ seq: 8, joined: peer('z', 'zed') })).toBe(false);
    expect(list.applySnapshotPage({ seq: 9, page: 1, pages: 2, peers: [peer('b', 'Bo')] })).toBe(true);
    expect(list.list().map((entry) => entry.name)).toEqual(['ana', 'Bo', 'cy']);
  });

  it('applies joined, left and file-count changes in order and keeps the tracker’s order', () => {
    const list = new PeerListReplica();
    list.applySnapshotPage({ seq: 0, page: 0, pages: 1, peers: [peer('a', 'peer 10')] });
    expect(list.applyDelta({ seq: 1, joined: peer('b', 'Peer 2') })).toBe(true);
    expect(list.applyDelta({ seq: 2, files: { id: 'a', count: 3 } })).toBe(true);
    expect(list.applyDelta({ seq: 3, files: { id: 'a', count: 3 } })).toBe(false);
    expect(list.list()).toEqual([peer('b', 'Peer 2'), peer('a', 'peer 10', 3)]);
    expect(list.applyDelta({ seq: 4, left: 'b' })).toBe(true);
    expect(list.applyDelta({ seq: 5, left: 'b' })).toBe(false);
    expect(list.list()).toEqual([peer('a', 'peer 10', 3)]);
    list.reset();
    expect(list.isComplete).toBe(false);
    expect(list.list()).toEqual([]);
  });

  it('takes a fresh snapshot on a live list, even one numbered lower (the tracker resends it after losing changes)', () => {
    const list = new PeerListReplica();
    list.applySnapshotPage({ seq: 7, page: 0, pages: 1, peers: [peer('a', 'ana'), peer('b', 'Bo')] });
    expect(list.applyDelta({ seq: 8, files: { id: 'b', count: 2 } })).toBe(true);
    // Changes 9 and 10 never arrived; the resent list holds them. Then Redis lost its counter too.
    expect(list.applySnapshotPage({ seq: 3, page: 0, pages: 1, peers: [peer('a', 'ana'), peer('c', 'cy', 1)] })).toBe(true);
    expect(list.list()).toEqual([peer('a', 'ana'), peer('c', 'cy', 1)]);
    // Numbering goes on from the new snapshot.
    expect(list.applyDelta({ seq: 4, joined: peer('d', 'di') })).toBe(true);
    expect(list.list().map((entry) => entry.name)).toEqual(['ana', 'cy', 'di']);
  });
});
