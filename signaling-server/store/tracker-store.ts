/**
 * The seam between the tracker's socket/REST layer and its state: who is online, which files
 * they announced, and search over them. Every method is async and self-contained (no callbacks,
 * no live objects handed out) so a Redis implementation can replace the in-memory one unchanged.
 * `tracker-store.contract.ts` holds the behaviour every implementation must show.
 */
import type { FileAnnouncement, PeerSummary, SearchResult } from '../../shared/protocol';

export interface PeerRecord {
  /** Tracker-assigned, random; also the Socket.IO room `peer:<id>` used to reach the peer. */
  id: string;
  /** Display name, already trimmed; unique case-insensitively among online peers. */
  name: string;
  /** The identity key the peer proved at join (base64 raw P-256), and its short fingerprint. */
  publicKey: string;
  fingerprint: string;
  joinedAtMs: number;
  /**
   * The tracker process holding the peer's socket. One process is one node; with several on Redis
   * the others use it to remove a dead process's peers (`removePeersOfNode`).
   */
  nodeId: string;
}

export interface SearchQuery {
  /** Keywords separated by white space; every one must appear in a file name. Blank matches all. */
  query: string;
  limit: number;
  offset: number;
}

export interface SearchPage {
  /** How many files match in all, before paging. */
  total: number;
  results: SearchResult[];
}

export interface RemovedPeer {
  peer: PeerRecord;
  /** How many files left the index with the peer. */
  fileCount: number;
  /** What search matched those content ids under (searchTextOf: the name, a folder's inner names too), by any peer, read before they went. */
  fileNames: string[];
}

export interface IndexStats {
  /** Online peers. */
  peers: number;
  /** Distinct content ids held by at least one online peer. */
  files: number;
}

export interface TrackerStore {
  /**
   * Registers an online peer. Atomic: of two peers claiming names equal up to case, one wins and
   * the other gets a ShoalError `NAME_TAKEN`. Throws `BAD_REQUEST` if the id is already in use.
   */
  addPeer(peer: PeerRecord): Promise<void>;

  getPeer(id: string): Promise<PeerRecord | undefined>;

  /** Removes the peer and every file it announced; undefined when no such peer is online. */
  removePeer(id: string): Promise<RemovedPeer | undefined>;

  /** Removes every peer the tracker process `nodeId` held, as `removePeer` does each; the removed ones. */
  removePeersOfNode(nodeId: string): Promise<RemovedPeer[]>;

  /** Online peers with how many files each holds, sorted by name (case-insensitive). */
  listPeers(): Promise<PeerSummary[]>;

  /** One online peer as `listPeers` shows it; undefined when it is not online. */
  peerSummary(id: string): Promise<PeerSummary | undefined>;

  /**
   * Adds the files to the peer's share, replacing any it already announced under the same content
   * id. Throws `PEER_NOT_FOUND` if the peer is not online and `QUOTA_EXCEEDED` (changing nothing)
   * if the peer would hold more files than the store allows.
   */
  announce(peerId: string, files: FileAnnouncement[]): Promise<void>;

  /** Drops the content ids from the peer's share; returns how many it actually held. */
  withdraw(peerId: string, contentIds: string[]): Promise<number>;

  /** Every distinct search text (searchTextOf) these content ids are announced under, by any online peer. */
  fileNamesOf(contentIds: string[]): Promise<string[]>;

  /** Files grouped by content id with their online holders; see `search.ts` for the rules. */
  search(query: SearchQuery): Promise<SearchPage>;

  /** The file with this content id and every online peer holding it, or null when none does. */
  holdersOf(contentId: string): Promise<SearchResult | null>;

  stats(): Promise<IndexStats>;
}

/** Options every implementation accepts, so the contract suite can exercise the same limits. */
export interface TrackerStoreOptions {
  /** Most files one peer may have in the index at once. */
  maxFilesPerPeer?: number;
}

