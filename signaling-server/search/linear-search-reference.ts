/**
 * The file index as the tracker kept it before search was indexed: announcements in announcement
 * order, grouped and filtered per query by `searchListings`. It is the definition the indexed
 * `FileIndex` must agree with, used by the equivalence test and as the benchmark's baseline.
 */
import type { FileAnnouncement, SearchResult } from '../../shared/protocol';
import { groupByContent, searchListings } from '../search';
import type { Listing } from '../search';
import type { SearchPage, SearchQuery } from '../store/tracker-store';
import type { HolderOf } from './file-index';

export class LinearSearchReference {
  /** contentId -> (peer id -> announcement); Map order is announcement order. */
  private readonly filesByContent = new Map<string, Map<string, FileAnnouncement>>();

  constructor(private readonly holderOf: HolderOf) {}

  announce(peerId: string, file: FileAnnouncement): void {
    let holders = this.filesByContent.get(file.contentId);
    if (holders === undefined) {
      holders = new Map();
      this.filesByContent.set(file.contentId, holders);
    }
    holders.set(peerId, file);
  }

  withdraw(peerId: string, contentId: string): boolean {
    const holders = this.filesByContent.get(contentId);
    if (holders?.delete(peerId) !== true) return false;
    if (holders.size === 0) this.filesByContent.delete(contentId);
    return true;
  }

  search(query: SearchQuery): SearchPage {
    return searchListings(this.listings(), query);
  }

  holdersOf(contentId: string): SearchResult | null {
    return groupByContent(this.listingsOf(contentId)).get(contentId)?.result ?? null;
  }

  /** Every announcement of an online holder, in announcement order per content id. */
  *listings(): Generator<Listing> {
    for (const contentId of this.filesByContent.keys()) yield* this.listingsOf(contentId);
  }

  private *listingsOf(contentId: string): Generator<Listing> {
    for (const [peerId, file] of this.filesByContent.get(contentId) ?? []) {
      const holder = this.holderOf(peerId);
      if (holder !== undefined) yield { holder: { id: holder.id, name: holder.name }, file };
    }
  }
}
