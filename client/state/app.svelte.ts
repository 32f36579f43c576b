/**
 * The composition root of the browser peer: wires the tracker connection, the IndexedDB stores,
 * the simple-peer transport and the engine together, and exposes the UI's state objects.
 */
import SimplePeer from 'simple-peer/simplepeer.min.js';
import { LinkPool } from '../../shared/engine/link-pool';
import type { PeerIdentity } from '../../shared/identity/peer-keys';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { SimplePeerTransport } from '../../shared/transport/simple-peer-transport';
import { IdbChunkStore } from '../adapters/idb-chunk-store';
import { loadOrCreateIdentity } from '../adapters/idb-identity';
import { IdbKnownKeys } from '../adapters/idb-known-keys';
import { Alerts } from './alerts.svelte';
import { Connection } from './connection.svelte';
import { KnownPeers } from './known-peers.svelte';
import { Library } from './library.svelte';
import { RateLimits } from './rate-limits.svelte';
import { Storage } from './storage.svelte';
import { Search } from './search.svelte';
import { Transfers } from './transfers.svelte';

export class ShoalApp {
  readonly alerts = new Alerts();
  readonly connection: Connection;
  readonly knownPeers: KnownPeers;
  readonly library: Library;
  readonly search: Search;
  readonly transfers: Transfers;
  readonly storage = new Storage();
  readonly rateLimits: RateLimits;

  private readonly tracker = new TrackerConnection();
  private readonly store = new IdbChunkStore();

  /** Loads (or creates) this browser's identity key, then builds the app. */
  static async create(): Promise<ShoalApp> {
    return new ShoalApp(await loadOrCreateIdentity());
  }

  private constructor(identity: PeerIdentity) {
    this.knownPeers = new KnownPeers(new IdbKnownKeys(), this.alerts);
    const transport = new SimplePeerTransport({
      SimplePeer,
      signaling: this.tracker,
      // STUN and TURN from our join; TURN credentials are renewed in the tracker connection.
      iceServers: () => this.tracker.iceServers,
      auth: {
        identity,
        myPeerId: () => this.connection.me?.id,
        onRejected: ({ reason }) => this.alerts.show(reason),
      },
    });
    // A seeder whose stored chunk is damaged re-reads it from the original file when it still has it.
    const pool = new LinkPool(transport, this.store, {
      repairChunk: (contentId, index) => this.library.readOriginalChunk(contentId, index),
    });
    this.rateLimits = new RateLimits(pool);
    this.library = new Library(this.store, this.tracker, this.alerts, this.storage);
    this.search = new Search(this.tracker, this.alerts);
    this.transfers = new Transfers({
      store: this.store,
      tracker: this.tracker,
      pool,
      library: this.library,
      alerts: this.alerts,
      storage: this.storage,
      myPeerId: () => this.connection.me?.id,
    });
    this.connection = new Connection(this.tracker, identity, {
      onJoined: () => this.afterJoin(),
      onPeers: (peers) => void this.knownPeers.check(peers, this.connection.me?.id),
    });
  }

  /** Loads what IndexedDB kept, then connects (and re-joins if a name was remembered). */
  async start(): Promise<void> {
    await this.storage.requestPersistence();
    await Promise.all([this.library.load(), this.storage.refresh()]);
    this.tracker.connect();
  }

  private async afterJoin(): Promise<void> {
    try {
      await this.library.announceAll();
      await this.transfers.resumeInterrupted();
      if (this.search.hasSearched) await this.search.run(this.search.lastQuery, { quiet: true });
    } catch (error) {
      this.alerts.showError(error);
    }
  }
}
