/**
 * Search over the file index, as pure functions so every TrackerStore implementation ranks,
 * groups and pages the same way.
 *
 * Rules: a query is split on white space; a file matches when every word appears (as a
 * case-insensitive substring) in its name (a folder's: its name or the names of files inside it,
 * see `searchTextOf`); a blank query matches every file. Results are one per
 * content id with every online holder, sorted by name (case-insensitive, numbers in numeric
 * order), then content id so the order is total and paging is stable.
 *
 * Peers may announce the same content id under different names. The result shows the name (and
 * the mime type) of the earliest announcement still online, so it does not flip as later peers
 * join; a query matches the content id if ANY holder's name matches, so a file is found under
 * every name it is shared as.
 *
 * `searchListings` is the rule written as a linear pass over every announcement: the definition,
 * not the fast path. The memory store answers from `search/file-index.ts`, which keeps groups,
 * trigram postings and the result order up to date per change, and a randomized test holds it to
 * exactly what `searchListings` returns.
 */
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, resultFieldsOf, searchTextOf } from '../shared/protocol';
import type { FileAnnouncement, Holder, SearchResult } from '../shared/protocol';
import { compareNames } from './store/peer-names';
import type { SearchPage, SearchQuery } from './store/tracker-store';

/** One peer's announcement of one file. */
export interface Listing {
  holder: Holder;
  file: FileAnnouncement;
}

/** The lowercase words of a query; empty for a blank query. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
}

export function nameMatches(name: string, words: readonly string[]): boolean {
  const lowerName = name.toLowerCase();
  return words.every((word) => lowerName.includes(word));
}

/** A page size the store will honour: the default when absent, never more than the maximum. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return SEARCH_DEFAULT_LIMIT;
  return Math.min(Math.max(Math.floor(limit), 1), SEARCH_MAX_LIMIT);
}

interface Group {
  result: SearchResult;
  names: Set<string>;
}

/**
 * Groups listings by content id. Listings must come in announcement order (oldest first): the
 * first one of a content id supplies the name shown; holders keep that order too.
 */
export function groupByContent(listings: Iterable<Listing>): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const { holder, file } of listings) {
    const group = groups.get(file.contentId);
    if (group === undefined) {
      groups.set(file.contentId, {
        result: { ...resultFieldsOf(file), holders: [{ id: holder.id, name: holder.name }] },
        names: new Set([searchTextOf(file)]),
      });
    } else if (!group.result.holders.some((known) => known.id === holder.id)) {
      group.result.holders.push({ id: holder.id, name: holder.name });
      group.names.add(searchTextOf(file));
    }
  }
  return groups;
}

export function compareResults(a: SearchResult, b: SearchResult): number {
  const byName = compareNames(a.name, b.name);
  if (byName !== 0) return byName;
  return a.contentId < b.contentId ? -1 : a.contentId > b.contentId ? 1 : 0;
}

/** Runs a query over listings given in announcement order: the reference the indexed search must match. */
export function searchListings(listings: Iterable<Listing>, query: SearchQuery): SearchPage {
  const words = queryWords(query.query);
  const matches: SearchResult[] = [];
  for (const group of groupByContent(listings).values()) {
    if ([...group.names].some((name) => nameMatches(name, words))) matches.push(group.result);
  }
  matches.sort(compareResults);
  const offset = Math.max(0, Math.floor(query.offset));
  return { total: matches.length, results: matches.slice(offset, offset + clampLimit(query.limit)) };
}
