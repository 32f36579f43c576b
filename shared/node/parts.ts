/**
 * The parts a host (the browser, the Node CLI, a test) hands the peer node. The node itself uses no
 * DOM and no Node API: everything that touches the outside world comes in through these.
 */
import type { ChunkStore, FileRecord, Clock, ChunkRepairer, OriginalFiles, Transport } from '../engine';
import type { ComponentLogger } from '../logging/logger';
import type { KnownKeyStore } from '../identity/known-keys';
import type { PeerIdentity } from '../identity/peer-keys';
import type { TrackerConnection } from '../tracker-client/tracker-connection';

/** What the node uses of the tracker connection (the real TrackerConnection in every host and test). */
export type TrackerLink = Pick<
  TrackerConnection,
  | 'isConnected'
  | 'connect'
  | 'disconnect'
  | 'onConnectionChange'
  | 'onRefused'
  | 'onPeers'
  | 'onRemoved'
  | 'onIndexChanged'
  | 'join'
  | 'announce'
  | 'withdraw'
  | 'search'
  | 'holders'
  | 'heldFile'
>;

/** A tiny async key-value store for the node's settings (localStorage in browsers, a JSON file in Node). */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  /** `undefined` removes the key. */
  set(key: string, value: string | undefined): Promise<void>;
}

/** Where a finished download goes: the browser hands it to its download manager (nothing to say
 * after), Node renames the partial file into the download folder and says where it is (its path). */
export type FinishedFileSink<Location> = (record: FileRecord, context?: SinkContext) => Promise<Location>;

/** A file of a folder download (or its manifest) is saved with the whole folder, not on its own:
 * the browser keeps it in its store instead of handing it to the download manager. */
export interface SinkContext {
  isFolderPart: boolean;
}

/** What a transport factory may ask of the node it serves. */
export interface TransportContext {
  /** Our tracker-assigned id; undefined while not joined. */
  myPeerId(): string | undefined;
}

export interface PeerNodeParts<Location> {
  identity: PeerIdentity;
  tracker: TrackerLink;
  store: ChunkStore;
  /** Builds the transport once the node exists (the transport needs to know who we are). */
  transport: (context: TransportContext) => Transport;
  sink: FinishedFileSink<Location>;
  settings: KeyValueStore;
  knownKeys?: KnownKeyStore;
  /** Re-reads a damaged stored chunk from its original, where the host still has it (browser). */
  repairChunk?: ChunkRepairer;
  /** Originals the host still has (browser: files picked this session): served from, verified,
   * instead of reading the store back. */
  originals?: OriginalFiles;
  clock?: Clock;
  /** Named loggers for the engine's quiet events; silent when absent. */
  logger?: ComponentLogger;
}
