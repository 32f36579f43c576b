/**
 * The tracker's file index: announcements grouped by content id, a trigram index over their
 * names and the groups in result order, all updated per announce/withdraw. A search then costs
 * about the size of its answer: the query's shortest trigram postings, intersected, give the
 * candidates, each is checked with the exact rule of `search.ts`, and the page comes either from
 * sorting the few matches or from walking the maintained order, whichever looks cheaper. Results
 * are exactly those of `searchListings` over the same announcements.
 *
 * A query whose words are all shorter than a trigram (say "a" or "v2") cannot be narrowed by the
 * index and scans every group in order; so does a blank query, which needs no checks and pages
 * straight from the order.
 */
import type { FileAnnouncement, Holder, SearchResult } from '../../shared/protocol';
import { clampLimit, queryWords } from '../search';
import { compareNames } from '../store/peer-names';
import type { SearchPage, SearchQuery } from '../store/tracker-store';
import { ContentGroup } from './content-group';
import type { NameChange } from './content-group';
import { SortedList } from './sorted-list';
import { TrigramIndex } from './trigram-index';

/** Looks up an online peer by id, so results show holders' current names. */
export type HolderOf = (peerId: string) => Holder | undefined;

/**
 * One name comparison (an ICU collation) costs about as much as this many steps of the walk
 * through the order (a field read, often a cache miss); ~400 ns against ~40 ns at a million files.
 */
const COMPARE_COST_IN_WALK_STEPS = 10;

/** Knobs for tests, which need blocks to split with few files and each way of paging taken. */
export interface FileIndexTuning {
  sortedBlockLength?: number;
  /** 0 always sorts the matches; Infinity always walks the order. */
  compareCostInWalkSteps?: number;
}

/** How many groups match, and the ones on the asked page in result order. */
interface MatchPage {
  total: number;
  groups: ContentGroup[];
}

function compareGroups(a: ContentGroup, b: ContentGroup): number {
  const byName = compareNames(a.sortedName, b.sortedName);
  if (byName !== 0) return byName;
  return a.contentId < b.contentId ? -1 : a.contentId > b.contentId ? 1 : 0;
}

export class FileIndex {
  private readonly groups = new Map<string, ContentGroup>();
  /** slot -> group, for the trigram postings; freed slots are reused. */
  private readonly slots: (ContentGroup | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private readonly grams = new TrigramIndex((slot, words) => this.slots[slot]?.matches(words) ?? false);
  private readonly order: SortedList<ContentGroup>;
  private readonly compareCost: number;
  private searchNumber = 0;

  constructor(options: FileIndexTuning = {}) {
    this.order = new SortedList(compareGroups, options.sortedBlockLength);
    this.compareCost = options.compareCostInWalkSteps ?? COMPARE_COST_IN_WALK_STEPS;
  }

  /** Distinct content ids with at least one announcement. */
  get size(): number {
    return this.groups.size;
  }

  /** Adds or replaces `peerId`'s announcement of `file.contentId`; the index keeps `file` as is. */
  announce(peerId: string, file: FileAnnouncement): void {
    let group = this.groups.get(file.contentId);
    const isNew = group === undefined;
    if (group === undefined) {
      const slot = this.freeSlots.pop() ?? this.slots.length;
      group = new ContentGroup(file.contentId, slot);
      this.slots[slot] = group;
      this.groups.set(file.contentId, group);
    }
    this.followNames(group, group.announce(peerId, file));
    if (isNew) {
      group.sortedName = file.name;
      this.order.insert(group);
    } else {
      this.refile(group);
    }
  }

  /** Drops `peerId`'s announcement of `contentId`; false when it had none. */
  withdraw(peerId: string, contentId: string): boolean {
    const group = this.groups.get(contentId);
    if (group === undefined || !group.listings.has(peerId)) return false;
    this.followNames(group, group.withdraw(peerId));
    if (group.isEmpty) {
      this.order.remove(group);
      this.groups.delete(contentId);
      this.slots[group.slot] = undefined;
      this.freeSlots.push(group.slot);
    } else {
      this.refile(group);
    }
    return true;
  }

  /** Every distinct name `contentId` is announced under; empty when nobody holds it. */
  namesOf(contentId: string): string[] {
    const group = this.groups.get(contentId);
    if (group === undefined) return [];
    return [...new Set(Array.from(group.listings.values(), (file) => file.name))];
  }

  holdersOf(contentId: string, holderOf: HolderOf): SearchResult | null {
    return this.groups.get(contentId)?.toResult(holderOf) ?? null;
  }

  search(query: SearchQuery, holderOf: HolderOf): SearchPage {
    const words = queryWords(query.query);
    const offset = Math.max(0, Math.floor(query.offset));
    const limit = clampLimit(query.limit);
    if (words.length === 0) {
      return { total: this.order.size, results: this.order.slice(offset, limit).map((group) => group.toResult(holderOf)) };
    }
    const candidates = this.grams.candidates(words);
    const page =
      candidates === undefined ? this.scanInOrder(words, offset, limit) : this.searchCandidates(candidates, words, offset, limit);
    return { total: page.total, results: page.groups.map((group) => group.toResult(holderOf)) };
  }

  private searchCandidates(candidates: ArrayLike<number>, words: readonly string[], offset: number, limit: number): MatchPage {
    const searchNumber = ++this.searchNumber;
    const matches: ContentGroup[] = [];
    for (let index = 0; index < candidates.length; index += 1) {
      const group = this.slots[candidates[index]!];
      // Postings may repeat a slot or keep one whose group lost the name: check each group once.
      if (group === undefined || group.checkedInSearch === searchNumber) continue;
      group.checkedInSearch = searchNumber;
      if (group.matches(words)) {
        group.matchedInSearch = searchNumber;
        matches.push(group);
      }
    }
    const total = matches.length;
    if (offset >= total) return { total, groups: [] };
    const end = Math.min(offset + limit, total);
    // Sorting costs ~k·log2(k) comparisons. Walking the order passes end·n/k groups to find `end`
    // matches if they are spread evenly, but they often bunch (names sharing a first word sort
    // together), so the walk gets the sort's budget and hands over to it when that runs out.
    const sortCost = total * Math.log2(total + 1) * this.compareCost;
    if ((end * this.order.size) / total < sortCost) {
      const walked = this.walkToPage(searchNumber, offset, end, sortCost);
      if (walked !== undefined) return { total, groups: walked };
    }
    return { total, groups: matches.sort(compareGroups).slice(offset, end) };
  }

  /** The page of this search's matches from walking the order, or undefined past `maxSteps` groups. */
  private walkToPage(searchNumber: number, offset: number, end: number, maxSteps: number): ContentGroup[] | undefined {
    const groups: ContentGroup[] = [];
    let rank = 0;
    let steps = 0;
    this.order.forEachFrom(0, (group) => {
      steps += 1;
      if (group.matchedInSearch === searchNumber) {
        if (rank >= offset) groups.push(group);
        rank += 1;
      }
      return rank < end && steps < maxSteps;
    });
    return rank === end ? groups : undefined;
  }

  /** Checks every group in result order, keeping the page's matches on the way. */
  private scanInOrder(words: readonly string[], offset: number, limit: number): MatchPage {
    const groups: ContentGroup[] = [];
    let total = 0;
    this.order.forEachFrom(0, (group) => {
      if (group.matches(words)) {
        if (total >= offset && groups.length < limit) groups.push(group);
        total += 1;
      }
      return true;
    });
    return { total, groups };
  }

  private followNames(group: ContentGroup, change: NameChange): void {
    if (change.removedName !== undefined) this.grams.removeName(change.removedName);
    if (change.addedName !== undefined) this.grams.addName(group.slot, change.addedName);
  }

  /** Moves the group in the order when its shown name changed. */
  private refile(group: ContentGroup): void {
    const shownName = group.shownFile.name;
    if (shownName === group.sortedName) return;
    this.order.remove(group);
    group.sortedName = shownName;
    this.order.insert(group);
  }
}
