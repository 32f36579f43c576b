/**
 * The search-side state one tracker process keeps in memory as a replica of Redis: the file index
 * (trigram-indexed, see search/file-index.ts), the online peers' names for showing holders, and
 * which content ids each peer holds (so a 'left' change can withdraw them). It is changed only by
 * applying entries of the Redis change stream, in stream order, so every process converges on the
 * same index, holder order included.
 */
import type { FileAnnouncement, Holder, SearchResult } from '../../shared/protocol';
import { FileIndex } from '../search/file-index';
import type { HolderOf } from '../search/file-index';
import type { SearchPage, SearchQuery } from './tracker-store';

export type IndexChange =
  | { kind: 'joined'; peerId: string; name: string }
  | { kind: 'left'; peerId: string }
  | { kind: 'announce'; peerId: string; files: FileAnnouncement[] }
  | { kind: 'withdraw'; peerId: string; contentIds: string[] };

/** One peer's announcement as a snapshot reads it: `at` orders the holders of a content id. */
export interface SnapshotListing {
  at: number;
  peerId: string;
  file: FileAnnouncement;
}

/** Listings indexed between two yields to the event loop while building from a snapshot (~10 ms). */
const LISTINGS_PER_TURN = 5_000;

export class IndexState {
  private readonly files = new FileIndex();
  private readonly holders = new Map<string, Holder>();
  private readonly contentIdsByPeer = new Map<string, Set<string>>();
  private readonly holderOf: HolderOf = (peerId) => this.holders.get(peerId);

  /**
   * A state built from a snapshot: the peers, and their listings applied in announcement order.
   * Yields to the event loop every LISTINGS_PER_TURN listings: a reload of a million files takes
   * seconds, and the tracker must keep answering pings and searches (from the old state) meanwhile.
   */
  static async fromSnapshot(peers: Holder[], listings: SnapshotListing[]): Promise<IndexState> {
    const state = new IndexState();
    for (const peer of peers) state.apply({ kind: 'joined', peerId: peer.id, name: peer.name });
    listings.sort((a, b) => a.at - b.at);
    for (let index = 0; index < listings.length; index += 1) {
      const listing = listings[index]!;
      state.announceOne(listing.peerId, listing.file);
      if ((index + 1) % LISTINGS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return state;
  }

  /**
   * Applies one change. Idempotent enough to replay changes a snapshot already holds: a join sets
   * the name, an announce replaces, a withdrawal or leave of what is absent does nothing.
   */
  apply(change: IndexChange): void {
    switch (change.kind) {
      case 'joined':
        this.holders.set(change.peerId, { id: change.peerId, name: change.name });
        break;
      case 'left':
        for (const contentId of this.contentIdsByPeer.get(change.peerId) ?? []) this.files.withdraw(change.peerId, contentId);
        this.contentIdsByPeer.delete(change.peerId);
        this.holders.delete(change.peerId);
        break;
      case 'announce':
        for (const file of change.files) this.announceOne(change.peerId, file);
        break;
      case 'withdraw':
        for (const contentId of change.contentIds) {
          this.files.withdraw(change.peerId, contentId);
          this.contentIdsByPeer.get(change.peerId)?.delete(contentId);
        }
        break;
    }
  }

  search(query: SearchQuery): SearchPage {
    return this.files.search(query, this.holderOf);
  }

  holdersOf(contentId: string): SearchResult | null {
    return this.files.holdersOf(contentId, this.holderOf);
  }

  namesOf(contentIds: Iterable<string>): string[] {
    const names = new Set<string>();
    for (const contentId of contentIds) for (const name of this.files.namesOf(contentId)) names.add(name);
    return [...names];
  }

  private announceOne(peerId: string, file: FileAnnouncement): void {
    // The index keeps the object as is: a copy, so nothing outside can change it.
    this.files.announce(peerId, { ...file });
    let held = this.contentIdsByPeer.get(peerId);
    if (held === undefined) {
      held = new Set();
      this.contentIdsByPeer.set(peerId, held);
    }
    held.add(file.contentId);
  }
}
