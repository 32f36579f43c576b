import { describe, expect, it } from 'vitest';
import { comparePeers } from '../shared/protocol/peer-order';
import type { PeerSummary } from '../shared/protocol';
import { seededRandom } from '../shared/test-support/seeded-random';
import { PeerListCopy } from './peer-list-copy';

function peer(id: string, name: string, files = 0): PeerSummary {
  return { id, name, files, publicKey: `key-${id}`, fingerprint: `fp-${id}` };
}

describe('PeerListCopy', () => {
  it('keeps the list in the one order through joins, leaves and file counts, as a fresh sort would', () => {
    const random = seededRandom(7);
    const copy = new PeerListCopy();
    copy.load([]);
    const truth = new Map<string, PeerSummary>();
    let seq = 0;
    for (let step = 0; step < 2_000; step += 1) {
      const id = `p${Math.floor(random() * 300)}`;
      const roll = random();
      seq += 1;
      if (roll < 0.5) {
        // Names collide on purpose (case and numbers): the id breaks ties.
        const joined = peer(id, `Peer ${Math.floor(random() * 40)}${random() < 0.5 ? 'a' : 'A'}`);
        truth.set(id, joined);
        copy.apply({ seq, joined });
      } else if (roll < 0.8) {
        truth.delete(id);
        copy.apply({ seq, left: id });
      } else {
        const count = Math.floor(random() * 9);
        const known = truth.get(id);
        if (known !== undefined) truth.set(id, { ...known, files: count });
        copy.apply({ seq, files: { id, count } });
      }
    }
    expect(copy.list()).toEqual([...truth.values()].sort(comparePeers));
  });

  it('holds changes delivered while a load is read and applies them over it', () => {
    const copy = new PeerListCopy();
    expect(copy.isLoaded).toBe(false);
    copy.apply({ seq: 5, joined: peer('c', 'Cy') });
    copy.apply({ seq: 6, left: 'a' });
    copy.load([peer('a', 'Ana'), peer('b', 'Bo')]);
    expect(copy.isLoaded).toBe(true);
    expect(copy.list().map((listed) => listed.name)).toEqual(['Bo', 'Cy']);

    copy.beginLoad();
    copy.apply({ seq: 7, files: { id: 'b', count: 3 } });
    expect(copy.list().map((listed) => listed.files)).toEqual([0, 0]);
    copy.load([peer('b', 'Bo'), peer('c', 'Cy'), peer('d', 'Di')]);
    expect(copy.list().map((listed) => [listed.name, listed.files])).toEqual([['Bo', 3], ['Cy', 0], ['Di', 0]]);
  });

  it('gives a joiner its list with itself in place, without changing the copy', () => {
    const copy = new PeerListCopy();
    copy.load([peer('a', 'Ana'), peer('c', 'Cy')]);
    expect(copy.listWith(peer('b', 'bo')).map((listed) => listed.name)).toEqual(['Ana', 'bo', 'Cy']);
    expect(copy.listWith(peer('a', 'Ana', 4)).map((listed) => listed.files)).toEqual([4, 0]);
    expect(copy.list().map((listed) => listed.name)).toEqual(['Ana', 'Cy']);
  });
});
