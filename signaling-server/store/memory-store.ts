/**
 * TrackerStore kept in this process's memory: right for one tracker node. Each method does all
 * its reading and writing without awaiting in between, which makes every call atomic.
 */
import { ShoalError } from '../../shared/protocol';
import type { FileAnnouncement, PeerSummary, SearchResult } from '../../shared/protocol';
import { PEER_MAX_FILES } from '../config';
import { FileIndex } from '../search/file-index';
import type { HolderOf } from '../search/file-index';
import { comparePeers } from '../../shared/protocol/peer-order';
import { nameKey } from './peer-names';
import type {
  IndexStats,
  PeerRecord,
  RemovedPeer,
  SearchPage,
  SearchQuery,
  TrackerStore,
  TrackerStoreOptions,
} from './tracker-store';

export class MemoryStore implements TrackerStore {
  private readonly maxFilesPerPeer: number;
  private readonly peers = new Map<string, PeerRecord>();
  /** nameKey(name) -> peer id: the uniqueness index. */
  private readonly peerIdByName = new Map<string, string>();
  /** Announcements grouped by content id, indexed for search. */
  private readonly files = new FileIndex();
  private readonly contentIdsByPeer = new Map<string, Set<string>>();
  /** Results show holders as they are online now (a peer record has the id and name a holder needs). */
  private readonly holderOf: HolderOf = (peerId) => this.peers.get(peerId);

  constructor(options: TrackerStoreOptions = {}) {
    this.maxFilesPerPeer = options.maxFilesPerPeer ?? PEER_MAX_FILES;
  }

  async addPeer(peer: PeerRecord): Promise<void> {
    const key = nameKey(peer.name);
    if (this.peerIdByName.has(key)) {
      throw new ShoalError('NAME_TAKEN', `Name '${peer.name}' is taken — choose another`, { peerName: peer.name });
    }
    if (this.peers.has(peer.id)) throw new ShoalError('BAD_REQUEST', `Peer id ${peer.id} is already in use`);
    this.peers.set(peer.id, { ...peer });
    this.peerIdByName.set(key, peer.id);
    this.contentIdsByPeer.set(peer.id, new Set());
  }

  async getPeer(id: string): Promise<PeerRecord | undefined> {
    const peer = this.peers.get(id);
    return peer === undefined ? undefined : { ...peer };
  }

  async removePeer(id: string): Promise<RemovedPeer | undefined> {
    const peer = this.peers.get(id);
    if (peer === undefined) return undefined;
    const contentIds = this.contentIdsByPeer.get(id) ?? new Set<string>();
    // Read before the files go: the other holders' results change too, under every name.
    const fileNames = this.namesOf(contentIds);
    for (const contentId of contentIds) this.files.withdraw(id, contentId);
    this.contentIdsByPeer.delete(id);
    this.peers.delete(id);
    this.peerIdByName.delete(nameKey(peer.name));
    return { peer: { ...peer }, fileCount: contentIds.size, fileNames };
  }

  async removePeersOfNode(nodeId: string): Promise<RemovedPeer[]> {
    const removed: RemovedPeer[] = [];
    for (const peer of [...this.peers.values()]) {
      if (peer.nodeId !== nodeId) continue;
      const gone = await this.removePeer(peer.id);
      if (gone !== undefined) removed.push(gone);
    }
    return removed;
  }

  async listPeers(): Promise<PeerSummary[]> {
    return [...this.peers.values()].map((peer) => this.summaryOf(peer)).sort(comparePeers);
  }

  async peerSummary(id: string): Promise<PeerSummary | undefined> {
    const peer = this.peers.get(id);
    return peer === undefined ? undefined : this.summaryOf(peer);
  }

  private summaryOf(peer: PeerRecord): PeerSummary {
    return {
      id: peer.id,
      name: peer.name,
      files: this.contentIdsByPeer.get(peer.id)?.size ?? 0,
      publicKey: peer.publicKey,
      fingerprint: peer.fingerprint,
    };
  }

  async announce(peerId: string, files: FileAnnouncement[]): Promise<void> {
    const held = this.heldBy(peerId);
    const newIds = new Set(files.map((file) => file.contentId).filter((contentId) => !held.has(contentId)));
    if (held.size + newIds.size > this.maxFilesPerPeer) {
      throw new ShoalError(
        'QUOTA_EXCEEDED',
        `A peer can share at most ${this.maxFilesPerPeer} files at once (you share ${held.size}); withdraw some first`,
      );
    }
    for (const file of files) {
      this.files.announce(peerId, { ...file });
      held.add(file.contentId);
    }
  }

  async withdraw(peerId: string, contentIds: string[]): Promise<number> {
    const held = this.heldBy(peerId);
    let withdrawn = 0;
    for (const contentId of new Set(contentIds)) {
      if (!held.delete(contentId)) continue;
      this.files.withdraw(peerId, contentId);
      withdrawn += 1;
    }
    return withdrawn;
  }

  async fileNamesOf(contentIds: string[]): Promise<string[]> {
    return this.namesOf(contentIds);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    // The index builds fresh result objects, so callers cannot reach the store's own records.
    return this.files.search(query, this.holderOf);
  }

  async holdersOf(contentId: string): Promise<SearchResult | null> {
    return this.files.holdersOf(contentId, this.holderOf);
  }

  async stats(): Promise<IndexStats> {
    return { peers: this.peers.size, files: this.files.size };
  }

  private namesOf(contentIds: Iterable<string>): string[] {
    const names = new Set<string>();
    for (const contentId of contentIds) for (const name of this.files.namesOf(contentId)) names.add(name);
    return [...names];
  }

  private heldBy(peerId: string): Set<string> {
    const held = this.contentIdsByPeer.get(peerId);
    if (held === undefined) throw new ShoalError('PEER_NOT_FOUND', `Peer ${peerId} is not online`);
    return held;
  }
}
