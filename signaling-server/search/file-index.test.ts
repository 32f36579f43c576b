import { describe, expect, it } from 'vitest';
import type { FileAnnouncement, Holder } from '../../shared/protocol';
import type { SearchQuery } from '../store/tracker-store';
import { FileIndex } from './file-index';
import type { FileIndexTuning } from './file-index';
import { LinearSearchReference } from './linear-search-reference';
import { seededRandom } from '../../shared/test-support/seeded-random';

// Case pairs, expansions under lowercasing (İ, ß stays), final sigma, ligatures, combining marks,
// surrogate pairs, CJK, numbers that collate numerically, and 1-2 character fragments.
const TOKENS = [
  'holiday', 'Holiday', 'HOLIDAY', 'photos', 'Photo', 'report', 'Report-Q3', 'q4', 'x', 'ab', 'a', 'b',
  'Straße', 'STRASSE', 'İstanbul', 'istanbul', 'ΣΟΦΙΑ', 'σοφίας', 'ﬁle', 'file', 'e\u0301t\u00e9', 'été',
  '写真', '写', '🎵', '🎵🎶', 'track 2', 'track 10', 'Track 02', '007', '2024', '.zip', '.PDF', 'mp3', 'Ä', 'ä',
];
const SEPARATORS = [' ', '-', '_', '.', '', '  '];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomCase(random: () => number, text: string): string {
  const roll = random();
  if (roll < 0.15) return text.toUpperCase();
  if (roll < 0.3) return text.toLowerCase();
  return text;
}

function randomName(random: () => number): string {
  const parts = Array.from({ length: 1 + Math.floor(random() * 4) }, () => randomCase(random, pick(random, TOKENS)));
  return parts.reduce((name, part) => name + pick(random, SEPARATORS) + part);
}

function randomQuery(random: () => number, names: readonly string[]): string {
  const roll = random();
  if (roll < 0.08) return pick(random, ['', ' ', '\t \n']);
  if (roll < 0.2) return randomCase(random, pick(random, ['a', 'x', 'ä', '2', '写', '.', 'ab', '🎵', 'q4']));
  if (roll < 0.6 && names.length > 0) {
    // A random slice of a name that is (or was) indexed, so most queries have answers.
    const name = pick(random, names);
    const start = Math.floor(random() * name.length);
    return randomCase(random, name.slice(start, start + 1 + Math.floor(random() * 8)));
  }
  const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomCase(random, pick(random, TOKENS)));
  return words.join(pick(random, [' ', '  ', '\t']));
}

const PEER_IDS = Array.from({ length: 8 }, (_, index) => `peer-${index}`);
const CONTENT_IDS = Array.from({ length: 120 }, (_, index) => index.toString(16).padStart(64, '0'));

function fileOf(random: () => number, names: string[]): FileAnnouncement {
  const name = random() < 0.3 && names.length > 0 ? pick(random, names) : randomName(random);
  names.push(name);
  return {
    contentId: pick(random, CONTENT_IDS),
    name,
    size: Math.floor(random() * 1000),
    mimeType: pick(random, ['application/zip', 'audio/mpeg']),
    chunkSizeBytes: 256 * 1024,
  };
}

/** toEqual, with a cheap first look: thousands of deep comparisons dominated the test's time. */
function expectSame(actual: unknown, expected: unknown, context: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) expect(actual, context).toEqual(expected);
}

/** Runs the same random announces, withdrawals and departures on both; returns how many searches agreed. */
function compareOnRandomHistory(seed: number, operations: number, tuning: FileIndexTuning): number {
  const random = seededRandom(seed);
  const online = new Map<string, Holder>();
  const holderOf = (peerId: string): Holder | undefined => online.get(peerId);
  const index = new FileIndex({ sortedBlockLength: 4, ...tuning });
  const reference = new LinearSearchReference(holderOf);
  const held = new Map<string, Set<string>>();
  const names: string[] = [];
  let searches = 0;

  for (let step = 0; step < operations; step += 1) {
    const peerId = pick(random, PEER_IDS);
    const roll = random();
    if (!online.has(peerId)) {
      online.set(peerId, { id: peerId, name: `Peer ${peerId}` });
      held.set(peerId, new Set());
    } else if (roll < 0.5) {
      for (const file of Array.from({ length: 1 + Math.floor(random() * 4) }, () => fileOf(random, names))) {
        index.announce(peerId, { ...file });
        reference.announce(peerId, { ...file });
        held.get(peerId)!.add(file.contentId);
      }
    } else if (roll < 0.85) {
      const contentId = random() < 0.8 && held.get(peerId)!.size > 0 ? pick(random, [...held.get(peerId)!]) : pick(random, CONTENT_IDS);
      expect(index.withdraw(peerId, contentId)).toBe(reference.withdraw(peerId, contentId));
      held.get(peerId)!.delete(contentId);
    } else {
      // A departure, as MemoryStore.removePeer does it: every file withdrawn, then the peer gone.
      for (const contentId of held.get(peerId)!) {
        index.withdraw(peerId, contentId);
        reference.withdraw(peerId, contentId);
      }
      held.delete(peerId);
      online.delete(peerId);
    }

    const everything = reference.search({ query: '', limit: 1, offset: 0 }).total;
    expect(index.size).toBe(everything);
    for (let check = 0; check < 3; check += 1) {
      const query: SearchQuery = {
        query: randomQuery(random, names),
        limit: 1 + Math.floor(random() * 12),
        offset: random() < 0.5 ? 0 : Math.floor(random() * (everything + 3)),
      };
      const context = `seed ${seed}, step ${step}, query ${JSON.stringify(query)}`;
      expectSame(index.search(query, holderOf), reference.search(query), context);
      searches += 1;
    }
    const contentId = pick(random, CONTENT_IDS);
    expectSame(index.holdersOf(contentId, holderOf), reference.holdersOf(contentId), `seed ${seed}, step ${step}, holders of ${contentId}`);
  }
  return searches;
}

describe('FileIndex', () => {
  it('answers exactly as the linear search over thousands of random announces, withdrawals and departures', () => {
    // Each seed pages by the cost model, by sorting only and by walking the order only.
    // A cost of 0.3 makes walks often run out of budget and hand over to the sort.
    const tunings: FileIndexTuning[] = [{}, { compareCostInWalkSteps: 0 }, { compareCostInWalkSteps: Infinity }, { compareCostInWalkSteps: 0.3 }];
    let searches = 0;
    for (const seed of [1, 2]) for (const tuning of tunings) searches += compareOnRandomHistory(seed, 1000, tuning);
    expect(searches).toBe(2 * 4 * 1000 * 3);
  });

  it('answers exactly as the linear search when totals come from counts or remembered queries and pages from walks', () => {
    // Every query's total remembered (so each change must keep them exact), with walks never,
    // always, or as the cost model picks.
    const tunings: FileIndexTuning[] = [
      { rememberAfterChecks: 0 },
      { rememberAfterChecks: 0, maxWalkSteps: 0 },
      { rememberAfterChecks: 0, maxWalkSteps: Infinity },
      { rememberAfterChecks: Infinity, maxWalkSteps: 3 },
    ];
    let searches = 0;
    for (const seed of [3, 4]) for (const tuning of tunings) searches += compareOnRandomHistory(seed, 400, tuning);
    expect(searches).toBe(2 * 4 * 400 * 3);
  });

  it('pages a large answer from the maintained order and a small or bunched one by sorting, with the same results', () => {
    const online = new Map<string, Holder>([['ana', { id: 'ana', name: 'Ana' }]]);
    const holderOf = (peerId: string): Holder | undefined => online.get(peerId);
    const index = new FileIndex();
    const reference = new LinearSearchReference(holderOf);
    for (let number = 0; number < 3000; number += 1) {
      // The "zulu" names all sort last: a walk would pass every other file to reach them.
      const name =
        number % 1000 === 7 ? `rare Track ${number}.mp3` : number % 15 === 0 ? `zulu ${number}.ogg` : `common track ${number % 97}.mp3`;
      const file = { contentId: number.toString(16).padStart(64, '0'), name, size: 1, mimeType: 'audio/mpeg', chunkSizeBytes: 1024 };
      index.announce('ana', file);
      reference.announce('ana', file);
    }
    for (const query of ['track', 'common 5', 'RARE', 'rare 2007', '3', 'k 1', 'zulu', 'zulu 1']) {
      for (const offset of [0, 1, 60, 2990]) {
        const asked = { query, limit: 50, offset };
        expect(index.search(asked, holderOf), JSON.stringify(asked)).toEqual(reference.search(asked));
      }
    }
  });

  it('forgets a name once the last holder announcing it withdraws', () => {
    const online = new Map<string, Holder>([['ana', { id: 'ana', name: 'Ana' }], ['bo', { id: 'bo', name: 'Bo' }]]);
    const holderOf = (peerId: string): Holder | undefined => online.get(peerId);
    const index = new FileIndex();
    const file = { contentId: 'c'.repeat(64), name: 'movie.mkv', size: 1, mimeType: 'video/x-matroska', chunkSizeBytes: 1024 };
    index.announce('ana', file);
    index.announce('bo', { ...file, name: 'film.mkv' });
    expect(index.search({ query: 'film', limit: 5, offset: 0 }, holderOf).total).toBe(1);
    index.withdraw('bo', file.contentId);
    expect(index.search({ query: 'film', limit: 5, offset: 0 }, holderOf).total).toBe(0);
    expect(index.search({ query: 'movie', limit: 5, offset: 0 }, holderOf).results[0]?.holders).toEqual([{ id: 'ana', name: 'Ana' }]);
  });
});
