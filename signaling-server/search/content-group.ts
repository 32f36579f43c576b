/**
 * One content id in the file index: its announcements in announcement order and the set of names
 * it is shared under, kept up to date per announce/withdraw so a search never regroups listings.
 * "Name" here is an announcement's search text (`searchTextOf`): the file name, and for a folder
 * also its inner file names, so the trigram index and the match rule find a folder by either.
 */
import { resultFieldsOf, searchTextOf } from '../../shared/protocol';
import type { FileAnnouncement, Holder, SearchResult } from '../../shared/protocol';
import { nameMatches } from '../search';
import type { Sortable, SortedBlock } from './sorted-list';

/** What an announcement or withdrawal did to the group's set of names (the trigram index follows it). */
export interface NameChange {
  addedName?: string;
  removedName?: string;
}

export class ContentGroup implements Sortable<ContentGroup> {
  /** peer id -> announcement. Map order is announcement order: a re-announce keeps its place. */
  readonly listings = new Map<string, FileAnnouncement>();
  /**
   * name -> how many listings carry it. Only kept with two or more listings: almost every file has
   * one holder, and a Map per file would cost more memory than the file itself.
   */
  private nameCounts: Map<string, number> | undefined;
  /**
   * The only listing's name, lowercased, while there is exactly one. Every search that reaches
   * the group checks it, and lowercasing per check (an allocation and a few pointer hops away)
   * was most of a check's cost.
   */
  private soleLowerName: string | undefined;
  /** The shown name the group is filed under in the sorted order; it moves when that changes. */
  sortedName = '';
  sortedBlock: SortedBlock<ContentGroup> | undefined;
  /** Number of the last search that checked / matched this group: marks without a Set per search. */
  checkedInSearch = 0;
  matchedInSearch = 0;

  constructor(
    readonly contentId: string,
    /** Slot in the trigram index; reused after the group empties. */
    readonly slot: number,
  ) {}

  get isEmpty(): boolean {
    return this.listings.size === 0;
  }

  /** The earliest announcement still online: it supplies the name (and mime type) shown. */
  get shownFile(): FileAnnouncement {
    const first = this.listings.values().next();
    if (first.done === true) throw new Error(`Content ${this.contentId} has no listing`);
    return first.value;
  }

  /** The distinct names (search texts) the group is announced under; empty once nobody holds it. */
  names(): string[] {
    if (this.nameCounts !== undefined) return [...this.nameCounts.keys()];
    const first = this.listings.values().next();
    return first.done === true ? [] : [searchTextOf(first.value)];
  }

  hasName(name: string): boolean {
    if (this.nameCounts !== undefined) return this.nameCounts.has(name);
    for (const file of this.listings.values()) if (searchTextOf(file) === name) return true;
    return false;
  }

  /** The search rule for one content id: some name holds every (lowercase) word. */
  matches(words: readonly string[]): boolean {
    const lowerName = this.soleLowerName;
    if (lowerName !== undefined) {
      for (const word of words) if (!lowerName.includes(word)) return false;
      return true;
    }
    for (const name of this.nameCounts?.keys() ?? []) if (nameMatches(name, words)) return true;
    return false;
  }

  /** Adds or replaces the peer's announcement. */
  announce(peerId: string, file: FileAnnouncement): NameChange {
    const previous = this.listings.get(peerId);
    const text = searchTextOf(file);
    const previousText = previous === undefined ? undefined : searchTextOf(previous);
    if (previousText === text) {
      this.listings.set(peerId, file);
      return {};
    }
    const isNewName = !this.hasName(text);
    if (this.nameCounts === undefined && this.listings.size + (previous === undefined ? 1 : 0) >= 2) {
      this.nameCounts = new Map();
      for (const listed of this.listings.values()) this.countName(searchTextOf(listed), 1);
    }
    this.listings.set(peerId, file);
    this.countName(text, 1);
    if (previousText !== undefined) this.countName(previousText, -1);
    this.soleLowerName = this.listings.size === 1 ? text.toLowerCase() : undefined;
    const change: NameChange = {};
    if (isNewName) change.addedName = text;
    if (previousText !== undefined && !this.hasName(previousText)) change.removedName = previousText;
    return change;
  }

  /** Drops the peer's announcement, when it has one. */
  withdraw(peerId: string): NameChange {
    const previous = this.listings.get(peerId);
    if (previous === undefined) return {};
    const previousText = searchTextOf(previous);
    this.listings.delete(peerId);
    this.countName(previousText, -1);
    if (this.listings.size <= 1) this.nameCounts = undefined;
    this.soleLowerName = this.listings.size === 1 ? searchTextOf(this.shownFile).toLowerCase() : undefined;
    return this.hasName(previousText) ? {} : { removedName: previousText };
  }

  /** A fresh result (callers may change it freely): shown file plus holders in announcement order. */
  toResult(holderOf: (peerId: string) => Holder | undefined): SearchResult {
    const holders: Holder[] = [];
    for (const peerId of this.listings.keys()) {
      const holder = holderOf(peerId);
      if (holder !== undefined) holders.push({ id: holder.id, name: holder.name });
    }
    return { ...resultFieldsOf(this.shownFile), holders };
  }

  private countName(name: string, delta: number): void {
    if (this.nameCounts === undefined) return;
    const count = (this.nameCounts.get(name) ?? 0) + delta;
    if (count > 0) this.nameCounts.set(name, count);
    else this.nameCounts.delete(name);
  }
}
