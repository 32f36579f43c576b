/**
 * The composition root of the browser peer: builds the peer node (shared/node/) from the browser's
 * parts — the IndexedDB store and known keys, the simple-peer transport, localStorage settings, a
 * sink that hands finished files to the browser's downloads — and exposes the UI's state objects,
 * which mirror the node's events into runes.
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import type { PeerIdentity } from '../../shared/identity/peer-keys';
import { logLinesFor } from '../../shared/logging/debug-switch';
import { consoleLogger } from '../../shared/logging/logger';
import { PeerNode } from '../../shared/node/peer-node';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { SimplePeerTransport } from '../../shared/transport/simple-peer-transport';
import { IdbChunkStore } from '../adapters/idb-chunk-store';
import { loadOrCreateIdentity } from '../adapters/idb-identity';
import { IdbKnownKeys } from '../adapters/idb-known-keys';
import { LocalStorageSettings } from '../adapters/local-storage-settings';
import { saveBlob } from '../adapters/save-blob';
import { Player } from '../media/player.svelte';
import { Alerts } from './alerts.svelte';
import { Connection } from './connection.svelte';
import { KnownPeers } from './known-peers.svelte';
import { Library } from './library.svelte';
import { LinkedFile } from './linked-file.svelte';
import { RateLimits } from './rate-limits.svelte';
import { Storage } from './storage.svelte';
import { Search } from './search.svelte';
import { Transfers } from './transfers.svelte';

export class ShoalApp {
  readonly alerts = new Alerts();
  readonly connection: Connection;
  readonly knownPeers: KnownPeers;
  readonly library: Library;
  /** The file a link in the address names (`#/file/…`), if the page was opened from one. */
  readonly linkedFile: LinkedFile;
  readonly search: Search;
  readonly transfers: Transfers;
  readonly storage = new Storage();
  readonly rateLimits: RateLimits;
  /** Audio and video, played while they download. */
  readonly player: Player;

  private readonly tracker = new TrackerConnection();
  private readonly store = new IdbChunkStore();
  private readonly node: PeerNode<undefined>;

  /** Loads (or creates) this browser's identity key, then builds the app. */
  static async create(): Promise<ShoalApp> {
    return new ShoalApp(await loadOrCreateIdentity());
  }

  private constructor(identity: PeerIdentity) {
    const { tracker, store } = this;
    this.node = new PeerNode<undefined>(
      {
        identity,
        tracker,
        store,
        transport: ({ myPeerId }) =>
          new SimplePeerTransport({
            SimplePeer,
            signaling: tracker,
            // STUN and TURN from our join; TURN credentials are renewed in the tracker connection.
            iceServers: () => tracker.iceServers,
            auth: { identity, myPeerId, onRejected: ({ reason }) => this.alerts.show(reason) },
          }),
        sink: async (record, context) => {
          // A folder's files are saved together, as one ZIP, by the folder download.
          if (context?.isFolderPart === true) return undefined;
          saveBlob(await store.fileBlob(record), record.name);
          return undefined;
        },
        settings: new LocalStorageSettings(),
        knownKeys: new IdbKnownKeys(),
        // The engine's warnings and errors in the console; debug lines with localStorage 'shoal.debug' set.
        logger: consoleLogger(logLinesFor(localStorage.getItem('shoal.debug') ?? undefined)),
        // A seeder whose stored chunk is damaged re-reads it from the original file when it still has it.
        repairChunk: (contentId, index) => this.library.readOriginalChunk(contentId, index),
        // A file picked this session is served from the File itself, not read back from IndexedDB.
        originals: (contentId) => this.library.originalOf(contentId),
      },
      { remembersName: true, seedsStore: true },
    );
    const node = this.node;
    // The status bar and join form show the session; other warnings and errors get the alert banner.
    node.on('message', (message) => {
      if (message.level !== 'info' && message.about !== 'session') this.alerts.show(message.text);
    });
    this.connection = new Connection(node);
    this.knownPeers = new KnownPeers(node);
    this.rateLimits = new RateLimits(node);
    this.library = new Library(node, store, this.alerts, this.storage);
    this.search = new Search(tracker, this.alerts);
    this.transfers = new Transfers(node, store, this.alerts, this.storage);
    this.linkedFile = new LinkedFile(node);
    this.player = new Player({
      readChunk: (file, index, signal) => node.playback.readChunk(file, index, signal),
      storedChunkSize: async (contentId) => (await store.getFile(contentId))?.manifest.chunkSizeBytes,
    });
    // After each (re-)join the last search runs again: the index may have changed meanwhile.
    let wasJoined = false;
    node.on('session', ({ me }) => {
      if (me !== undefined && !wasJoined && this.search.hasSearched) void this.search.run(this.search.lastQuery, { quiet: true });
      wasJoined = me !== undefined;
    });
  }

  /** Loads what IndexedDB and localStorage kept, then connects (re-joining if a name was remembered). */
  async start(): Promise<void> {
    await this.storage.requestPersistence();
    await Promise.all([this.node.start(), this.storage.refresh()]);
    // A refusal rejects, yet the node keeps retrying and the status bar says why: nothing to add here.
    this.node.connect().catch(() => undefined);
  }
}
