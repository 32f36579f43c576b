import { describe, expect, it } from 'vitest';
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT } from '../shared/protocol';
import { clampLimit, nameMatches, queryWords, searchListings } from './search';
import type { Listing } from './search';
import { fileNamed } from './test-support/fixtures';

const ana = { id: 'peer-ana', name: 'Ana' };
const bo = { id: 'peer-bo', name: 'Bo' };

function listingsOf(holder: Listing['holder'], ...names: string[]): Listing[] {
  return names.map((name) => ({ holder, file: fileNamed(name) }));
}

function namesFound(listings: Listing[], query: string, limit = 50, offset = 0): string[] {
  return searchListings(listings, { query, limit, offset }).results.map((result) => result.name);
}

describe('queryWords', () => {
  it('splits on any white space and lowercases', () => {
    expect(queryWords('  Holiday\tPHOTOS\n2024 ')).toEqual(['holiday', 'photos', '2024']);
  });

  it('has no words for a blank query', () => {
    expect(queryWords(' \t ')).toEqual([]);
  });
});

describe('nameMatches', () => {
  it('needs every word as a substring, in any case', () => {
    expect(nameMatches('Holiday-Photos.ZIP', ['photo', 'zip'])).toBe(true);
    expect(nameMatches('Holiday-Photos.ZIP', ['photo', 'tar'])).toBe(false);
  });

  it('matches everything with no words', () => {
    expect(nameMatches('anything', [])).toBe(true);
  });
});

describe('clampLimit', () => {
  it('uses the default page size when none is asked for', () => {
    expect(clampLimit(undefined)).toBe(SEARCH_DEFAULT_LIMIT);
  });

  it('never returns more than the maximum or less than one', () => {
    expect(clampLimit(SEARCH_MAX_LIMIT + 1)).toBe(SEARCH_MAX_LIMIT);
    expect(clampLimit(0)).toBe(1);
  });
});

describe('searchListings', () => {
  it('returns every file for a blank query', () => {
    const listings = listingsOf(ana, 'b.txt', 'a.txt', 'c.txt');
    expect(namesFound(listings, '')).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('sorts by name ignoring case, with numbers in numeric order', () => {
    const listings = listingsOf(ana, 'track 10.mp3', 'Track 2.mp3', 'album.jpg', 'ZEBRA.png');
    expect(namesFound(listings, '')).toEqual(['album.jpg', 'Track 2.mp3', 'track 10.mp3', 'ZEBRA.png']);
  });

  it('breaks name ties by content id so pages never overlap', () => {
    const listings = listingsOf(ana, 'same.txt', 'SAME.txt', 'same.txt');
    const ids = searchListings(listings, { query: '', limit: 50, offset: 0 }).results.map((r) => r.contentId);
    expect(ids).toEqual([...ids].sort());
  });

  it('keeps only files whose name has every query word', () => {
    const listings = listingsOf(ana, 'Holiday Photos.zip', 'holiday video.mp4', 'work photos.zip');
    expect(namesFound(listings, 'photos HOLIDAY')).toEqual(['Holiday Photos.zip']);
  });

  it('groups a content id held by several peers into one result with every holder', () => {
    const file = fileNamed('shared.iso');
    const listings: Listing[] = [
      { holder: ana, file },
      { holder: bo, file: { ...file, name: 'renamed.iso', mimeType: 'application/x-iso9660-image' } },
    ];
    expect(searchListings(listings, { query: '', limit: 50, offset: 0 })).toEqual({
      total: 1,
      results: [{ ...file, holders: [ana, bo] }],
    });
  });

  it('finds a grouped file by any of the names it is shared under', () => {
    const file = fileNamed('shared.iso');
    const listings: Listing[] = [{ holder: ana, file }, { holder: bo, file: { ...file, name: 'ubuntu.iso' } }];
    expect(namesFound(listings, 'ubuntu')).toEqual(['shared.iso']);
  });

  it('lists a holder once even if its listing repeats', () => {
    const file = fileNamed('twice.txt');
    const page = searchListings([{ holder: ana, file }, { holder: ana, file }], { query: '', limit: 5, offset: 0 });
    expect(page.results[0]?.holders).toEqual([ana]);
  });

  it('pages with limit and offset and always reports the full total', () => {
    const listings = listingsOf(ana, 'f1', 'f2', 'f3', 'f4', 'f5');
    expect(searchListings(listings, { query: 'f', limit: 2, offset: 2 })).toMatchObject({ total: 5 });
    expect(namesFound(listings, 'f', 2, 2)).toEqual(['f3', 'f4']);
    expect(namesFound(listings, 'f', 2, 4)).toEqual(['f5']);
    expect(namesFound(listings, 'f', 2, 9)).toEqual([]);
  });

  it('caps an oversized limit at the maximum page', () => {
    const names = Array.from({ length: SEARCH_MAX_LIMIT + 5 }, (_, index) => `file ${index}`);
    expect(namesFound(listingsOf(ana, ...names), '', SEARCH_MAX_LIMIT * 2)).toHaveLength(SEARCH_MAX_LIMIT);
  });
});
