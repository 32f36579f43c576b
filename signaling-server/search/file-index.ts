/**
 * The tracker's file index: announcements grouped by content id, a trigram index over their
 * names and the groups in result order, all updated per announce/withdraw. A search then costs
 * about the size of its answer or of its page:
 * - when the total is known without checking candidates (a one-word query of up to three
 *   characters, from exact window counts; or a remembered expensive query), the page comes from
 *   walking the maintained order, which reaches a page of a large answer in few steps;
 * - otherwise the candidates (the query's shortest trigram postings intersected, or, for words
 *   all shorter than a trigram, the groups whose character signature holds every character) are
 *   each checked with the exact rule of `search.ts`, and the page comes either from sorting the
 *   matches or from walking the order, whichever looks cheaper.
 * Results are exactly those of `searchListings` over the same announcements.
 */
import type { FileAnnouncement, Holder, SearchResult } from '../../shared/protocol';
import { clampLimit, queryWords } from '../search';
import { compareNames } from '../store/peer-names';
import type { SearchPage, SearchQuery } from '../store/tracker-store';
import { ContentGroup } from './content-group';
import type { NameChange } from './content-group';
import { GramCounts, MAX_COUNTED_LENGTH } from './gram-counts';
import { KnownTotals } from './known-totals';
import { signatureOf, SlotSignatures } from './slot-signatures';
import { SortedList } from './sorted-list';
import { GRAM_LENGTH, TrigramIndex } from './trigram-index';

/** Looks up an online peer by id, so results show holders' current names. */
export type HolderOf = (peerId: string) => Holder | undefined;

/**
 * One name comparison (an ICU collation) costs about as much as this many steps of the walk
 * through the order (a field read, often a cache miss); ~400 ns against ~40 ns at a million files.
 */
const COMPARE_COST_IN_WALK_STEPS = 10;

/**
 * Most groups a walk through the order may pass to page a query of known total. A step reads a
 * group and checks its name (~100 ns at a million files): 100,000 steps stay near 10 ms, and a
 * walk that long is only tried when the answer is sparse, where checking candidates is cheap.
 */
const MAX_WALK_STEPS = 100_000;

/** A query whose total took this many candidate checks (a millisecond or more) is remembered. */
const REMEMBER_AFTER_CHECKS = 5_000;

/** Knobs for tests, which need blocks to split with few files and each way of paging taken. */
export interface FileIndexTuning {
  sortedBlockLength?: number;
  /** 0 always sorts the matches; Infinity always walks the order. */
  compareCostInWalkSteps?: number;
  /** Longest walk paging a query of known total; 0 never walks, Infinity always does. */
  maxWalkSteps?: number;
  /** Candidate checks after which a query's total is remembered; Infinity never remembers. */
  rememberAfterChecks?: number;
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
  private readonly gramCounts = new GramCounts();
  private readonly signatures = new SlotSignatures();
  private readonly knownTotals = new KnownTotals();
  private readonly order: SortedList<ContentGroup>;
  private readonly compareCost: number;
  private readonly maxWalkSteps: number;
  private readonly rememberAfterChecks: number;
  private searchNumber = 0;

  constructor(options: FileIndexTuning = {}) {
    this.order = new SortedList(compareGroups, options.sortedBlockLength);
    this.compareCost = options.compareCostInWalkSteps ?? COMPARE_COST_IN_WALK_STEPS;
    this.maxWalkSteps = options.maxWalkSteps ?? MAX_WALK_STEPS;
    this.rememberAfterChecks = options.rememberAfterChecks ?? REMEMBER_AFTER_CHECKS;
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
    const matchedBefore = isNew ? 0 : this.knownMatchesOf(group);
    this.followNames(group, group.announce(peerId, file), matchedBefore);
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
    const matchedBefore = this.knownMatchesOf(group);
    this.followNames(group, group.withdraw(peerId), matchedBefore);
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

  /**
   * Every distinct name `contentId` is announced under, as search matches it (`searchTextOf`: a
   * folder's name with its inner names), so a live query that finds a folder by an inner name
   * hears of its holders coming and going; empty when nobody holds it.
   */
  namesOf(contentId: string): string[] {
    return this.groups.get(contentId)?.names() ?? [];
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
    const page = this.matchPage([...new Set(words)].sort(), offset, limit);
    return { total: page.total, results: page.groups.map((group) => group.toResult(holderOf)) };
  }

  /** The page for distinct, sorted words: from the order when the total is known, else from the checked candidates. */
  private matchPage(words: readonly string[], offset: number, limit: number): MatchPage {
    const knownTotal = this.totalWithoutChecks(words);
    if (knownTotal !== undefined) {
      if (offset >= knownTotal) return { total: knownTotal, groups: [] };
      const end = Math.min(offset + limit, knownTotal);
      // Matches spread evenly are met every size/total groups; they bunch too, hence the slack.
      const expectedSteps = (end * this.order.size) / knownTotal;
      const maxSteps = Math.min(this.order.size, this.maxWalkSteps, Math.max(4 * expectedSteps, 10_000));
      if (expectedSteps <= maxSteps) {
        const walked = this.walkMatching(words, offset, end, maxSteps);
        if (walked !== undefined) return { total: knownTotal, groups: walked };
      }
    }
    const searchNumber = ++this.searchNumber;
    const { matches, checks } = this.checkCandidates(searchNumber, words);
    if (knownTotal === undefined && checks >= this.rememberAfterChecks) this.knownTotals.remember(words, matches.length);
    return this.pageOfMatches(searchNumber, matches, offset, limit);
  }

  /** The exact total for these words when it costs no candidate checks. */
  private totalWithoutChecks(words: readonly string[]): number | undefined {
    if (words.length === 1 && words[0]!.length <= MAX_COUNTED_LENGTH) return this.gramCounts.countOf(words[0]!);
    return this.knownTotals.totalOf(words);
  }

  /** Up to `end` matches walking the order checking each group, the ones from `offset` on; undefined past `maxSteps`. */
  private walkMatching(words: readonly string[], offset: number, end: number, maxSteps: number): ContentGroup[] | undefined {
    const groups: ContentGroup[] = [];
    let rank = 0;
    let steps = 0;
    this.order.forEachFrom(0, (group) => {
      steps += 1;
      if (group.matches(words)) {
        if (rank >= offset) groups.push(group);
        rank += 1;
      }
      return rank < end && steps < maxSteps;
    });
    return rank === end ? groups : undefined;
  }

  /** Every group matching the words (marked with `searchNumber`), and how many candidates that checked. */
  private checkCandidates(searchNumber: number, words: readonly string[]): { matches: ContentGroup[]; checks: number } {
    const matches: ContentGroup[] = [];
    let checks = 0;
    const check = (slot: number): void => {
      const group = this.slots[slot];
      // Postings may repeat a slot or keep one whose group lost the name: check each group once.
      if (group === undefined || group.checkedInSearch === searchNumber) return;
      group.checkedInSearch = searchNumber;
      checks += 1;
      if (group.matches(words)) {
        group.matchedInSearch = searchNumber;
        matches.push(group);
      }
    };
    if (words.some((word) => word.length >= GRAM_LENGTH)) {
      const candidates = this.grams.candidates(words) ?? [];
      for (let index = 0; index < candidates.length; index += 1) check(candidates[index]!);
    } else {
      this.signatures.forEachHolding(signatureOf(words), check);
    }
    return { matches, checks };
  }

  private pageOfMatches(searchNumber: number, matches: ContentGroup[], offset: number, limit: number): MatchPage {
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

  /** Bits of the remembered queries this group matches now (0 when none are remembered). */
  private knownMatchesOf(group: ContentGroup): number {
    return this.knownTotals.isEmpty ? 0 : this.knownTotals.matchesOf((words) => group.matches(words));
  }

  /** Brings the postings, counts, signature and remembered totals up to the group's new names. */
  private followNames(group: ContentGroup, change: NameChange, matchedBefore: number): void {
    if (change.removedName === undefined && change.addedName === undefined) return;
    if (change.removedName !== undefined) this.grams.removeName(change.removedName);
    if (change.addedName !== undefined) this.grams.addName(group.slot, change.addedName);
    const namesAfter = group.names();
    const namesBefore = namesAfter.filter((name) => name !== change.addedName);
    if (change.removedName !== undefined) namesBefore.push(change.removedName);
    this.gramCounts.change(namesBefore, namesAfter);
    this.signatures.set(group.slot, signatureOf(namesAfter));
    this.knownTotals.follow(matchedBefore, this.knownMatchesOf(group));
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
