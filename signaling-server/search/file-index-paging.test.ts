import { describe, expect, it } from 'vitest';
import type { FileAnnouncement, Holder } from '../../shared/protocol';
import type { SearchQuery } from '../store/tracker-store';
import { FileIndex } from './file-index';
import type { FileIndexTuning } from './file-index';
import { LinearSearchReference } from './linear-search-reference';
import { seededRandom } from '../../shared/test-support/seeded-random';

// Names like the benchmark's: syllable words (so 1-3 character words hit half the names or more),
// a number and an extension, from a few peers who come and go.
/** Changes per history; each is followed by three searches on both. */
const STEPS = 120;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'on', 'gre', 'bal', 'Ru', 'SA'];
const EXTENSIONS = ['.jpg', '.mp3', '.pdf', '.zip'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function wordOf(random: () => number): string {
  return Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, SYLLABLES)).join('');
}

function nameOf(random: () => number): string {
  return `${wordOf(random)} ${wordOf(random)} ${Math.floor(random() * 100)}${pick(random, EXTENSIONS)}`;
}

function queryOf(random: () => number): string {
  const roll = random();
  if (roll < 0.3) return pick(random, ['a', 'K', 'o', 'ka', 'lo', 'Mi', 'on', 'z', 'qz', '.', '1', '7']);
  if (roll < 0.5) return pick(random, ['kal', 'lon', 'gre', 'bal', 'ONE', 'mp3', 'zip']);
  if (roll < 0.8) return wordOf(random);
  return `${pick(random, ['ka', 'lo', 'gre', 'on', wordOf(random)])} ${pick(random, ['a', 'mi', 'jpg', '4', wordOf(random)])}`;
}

function fileOf(random: () => number, contentIds: number): FileAnnouncement {
  return {
    contentId: Math.floor(random() * contentIds).toString(16).padStart(64, '0'),
    name: nameOf(random),
    size: 1,
    mimeType: 'application/octet-stream',
    chunkSizeBytes: 1024,
  };
}

/** Fills both with the same files, then runs random changes and queries (large pages, deep offsets) on both. */
function compareOnGeneratedNames(seed: number, tuning: FileIndexTuning): number {
  const random = seededRandom(seed);
  const online = new Map<string, Holder>();
  const holderOf = (peerId: string): Holder | undefined => online.get(peerId);
  const index = new FileIndex({ sortedBlockLength: 16, ...tuning });
  const reference = new LinearSearchReference(holderOf);
  const held = new Map<string, Set<string>>();
  const peerIds = Array.from({ length: 5 }, (_, number) => `peer-${number}`);
  let searches = 0;
  for (let step = 0; step < STEPS; step += 1) {
    const peerId = pick(random, peerIds);
    if (!online.has(peerId)) {
      online.set(peerId, { id: peerId, name: `Peer ${peerId}` });
      held.set(peerId, new Set());
    }
    const roll = random();
    if (roll < 0.6) {
      for (let count = 0; count < 1 + Math.floor(random() * 20); count += 1) {
        // A few content ids are shared by several peers, under other names too.
        const file = fileOf(random, 600);
        index.announce(peerId, { ...file });
        reference.announce(peerId, { ...file });
        held.get(peerId)!.add(file.contentId);
      }
    } else if (roll < 0.95) {
      for (const contentId of [...held.get(peerId)!].slice(0, Math.floor(random() * 10))) {
        expect(index.withdraw(peerId, contentId)).toBe(reference.withdraw(peerId, contentId));
        held.get(peerId)!.delete(contentId);
      }
    } else {
      for (const contentId of held.get(peerId)!) {
        index.withdraw(peerId, contentId);
        reference.withdraw(peerId, contentId);
      }
      held.delete(peerId);
      online.delete(peerId);
    }
    for (let check = 0; check < 3; check += 1) {
      const query: SearchQuery = {
        query: queryOf(random),
        limit: pick(random, [1, 7, 50]),
        offset: random() < 0.5 ? 0 : Math.floor(random() * (index.size + 5)),
      };
      const expected = reference.search(query);
      const actual = index.search(query, holderOf);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        expect(actual, `seed ${seed}, step ${step}, ${JSON.stringify(query)}, ${JSON.stringify(tuning)}`).toEqual(expected);
      }
      searches += 1;
    }
  }
  return searches;
}

describe('FileIndex on generated names with large answers', () => {
  it('matches the linear search, totals and order, on every paging path', () => {
    const tunings: FileIndexTuning[] = [
      {},
      { rememberAfterChecks: 0 },
      { rememberAfterChecks: 0, maxWalkSteps: 0 },
      { rememberAfterChecks: 0, maxWalkSteps: Infinity },
      { compareCostInWalkSteps: 0, maxWalkSteps: 0 },
    ];
    let searches = 0;
    for (const seed of [11, 12]) for (const tuning of tunings) searches += compareOnGeneratedNames(seed, tuning);
    expect(searches).toBe(2 * 5 * STEPS * 3);
  });

  it('pages through every match of a 1- and 2-character word, each page as the linear search has it', () => {
    const online = new Map<string, Holder>([['ana', { id: 'ana', name: 'Ana' }]]);
    const holderOf = (peerId: string): Holder | undefined => online.get(peerId);
    const index = new FileIndex();
    const reference = new LinearSearchReference(holderOf);
    const random = seededRandom(5);
    for (let number = 0; number < 1500; number += 1) {
      const file = { ...fileOf(random, 1e9), contentId: number.toString(16).padStart(64, '0') };
      index.announce('ana', file);
      reference.announce('ana', file);
    }
    for (const query of ['k', 'ka', 'qz', 'a 1', '.']) {
      // The reference in its largest pages (500), put together.
      const expected = { total: reference.search({ query, limit: 1, offset: 0 }).total, results: [] as unknown[] };
      for (let offset = 0; offset < expected.total; offset += 500) expected.results.push(...reference.search({ query, limit: 500, offset }).results);
      const pages: unknown[] = [];
      for (let offset = 0; offset < expected.total + 50; offset += 50) {
        const page = index.search({ query, limit: 50, offset }, holderOf);
        expect(page.total, query).toBe(expected.total);
        pages.push(...page.results);
      }
      expect(pages, query).toEqual(expected.results);
    }
  });

  it('keeps a remembered total exact while files matching it come, change name and go', () => {
    const online = new Map<string, Holder>([['ana', { id: 'ana', name: 'Ana' }], ['bo', { id: 'bo', name: 'Bo' }]]);
    const holderOf = (peerId: string): Holder | undefined => online.get(peerId);
    const index = new FileIndex({ rememberAfterChecks: 0, maxWalkSteps: Infinity });
    const file = (number: number, name: string): FileAnnouncement => ({
      contentId: number.toString(16).padStart(64, '0'),
      name,
      size: 1,
      mimeType: 'audio/mpeg',
      chunkSizeBytes: 1024,
    });
    const totalOf = (query: string): number => index.search({ query, limit: 5, offset: 0 }, holderOf).total;
    for (let number = 0; number < 20; number += 1) index.announce('ana', file(number, number % 2 === 0 ? `loon ${number}.mp3` : `other ${number}.mp3`));
    expect(totalOf('loon mp3')).toBe(10);
    index.announce('ana', file(100, 'LOON new.mp3'));
    expect(totalOf('loon mp3')).toBe(11);
    // A second holder under a name that also matches: still one content id.
    index.announce('bo', file(100, 'loon again.mp3'));
    expect(totalOf('loon mp3')).toBe(11);
    index.withdraw('ana', file(100, '').contentId);
    expect(totalOf('loon mp3')).toBe(11);
    // Renamed away from the query, then its last holder goes.
    index.announce('bo', file(100, 'renamed.mp3'));
    expect(totalOf('loon mp3')).toBe(10);
    index.announce('bo', file(2, 'not it.mp3'));
    expect(totalOf('loon mp3')).toBe(10);
    index.withdraw('ana', file(2, '').contentId);
    expect(totalOf('loon mp3')).toBe(9);
    index.withdraw('ana', file(4, '').contentId);
    expect(totalOf('loon mp3')).toBe(8);
    expect(index.search({ query: 'loon mp3', limit: 3, offset: 2 }, holderOf).results.map((result) => result.name)).toEqual([
      'loon 8.mp3',
      'loon 10.mp3',
      'loon 12.mp3',
    ]);
  });
});
