/**
 * One peer: the browser and the CLI each build this from their parts (chunk store, transport,
 * tracker connection, finished-file sink, settings, clock, logger) and wrap it thinly. It owns the
 * peer's life: the session on the tracker, the library it offers, its downloads and rate limits,
 * and the events a UI or CLI shows. Start with `start`, then `connect` and join; `stop` leaves.
 */
import { type Clock, realClock, type DownloadTuning, LinkPool, type LinkPoolOptions, type Transport } from '../engine';
import { errorWithOutlook, ShoalError } from '../protocol/errors';
import type { Holder, JoinedPeer, SearchResult } from '../protocol/tracker-messages';
import type { SearchPage } from '../tracker-client/tracker-connection';
import { downloadFolder, type FolderDownloadHost, type FolderDownloadOptions } from './folder-download';
import { KeptHolders } from './kept-holders';
import type { FolderManifest } from '../protocol/folder-manifest';
import { Library } from './library';
import { NodeEvents, type NodeEventMap, type RateLimitSettings } from './node-events';
import { NodeSettings, sanitizeKiBps } from './node-settings';
import type { PeerNodeParts } from './parts';
import { Playback, type PlaybackSource } from './playback';
import { Session, type FirstJoin } from './session';
import type { DownloadRequest, Transfer } from './transfer';
import { Transfers } from './transfers';

export interface PeerNodeOptions {
  /** Remember the joined name and network key and re-join under them at the next start (browser). */
  remembersName?: boolean;
  /** Offer every complete file the store holds, and resume its unfinished downloads after each join
   * (the browser; `shoal serve` and the menu). Otherwise only what this run shares or downloads. */
  seedsStore?: boolean;
  /** For tests: the engine's intervals and caps, and the link pool's timeouts. */
  downloadTuning?: Partial<DownloadTuning>;
  linkPool?: Omit<LinkPoolOptions, 'repairChunk' | 'originals' | 'clock'>;
}

export class PeerNode<Location = unknown> {
  readonly events = new NodeEvents();
  readonly session: Session;
  readonly library: Library;
  readonly transfers: Transfers<Location>;
  readonly pool: LinkPool;
  /** Reads a file chunk by chunk for a player, downloading it as it plays (playback.ts). */
  readonly playback: PlaybackSource;
  private readonly settings: NodeSettings;
  private readonly transport: Transport;
  private readonly clock: Clock;
  /** Holder lists a folder download looked up to rank its files, for each file's download to start from. */
  private readonly keptHolders: KeptHolders;
  private currentLimits: RateLimitSettings = { uploadKiBps: 0, downloadKiBps: 0 };
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly parts: PeerNodeParts<Location>,
    private readonly options: PeerNodeOptions = {},
  ) {
    const { tracker, store } = parts;
    this.clock = parts.clock ?? realClock;
    this.keptHolders = new KeptHolders(this.clock);
    this.settings = new NodeSettings(parts.settings);
    this.transport = parts.transport({ myPeerId: () => this.session.me?.id });
    this.pool = new LinkPool(this.transport, store, {
      ...options.linkPool,
      clock: this.clock,
      ...(parts.logger !== undefined ? { logger: parts.logger } : {}),
      ...(parts.repairChunk !== undefined ? { repairChunk: parts.repairChunk } : {}),
      ...(parts.originals !== undefined ? { originals: parts.originals } : {}),
    });
    this.library = new Library({ store, tracker, events: this.events, isOnline: () => this.session.isOnline });
    this.session = new Session({
      tracker,
      identity: parts.identity,
      settings: this.settings,
      clock: this.clock,
      events: this.events,
      remembersName: options.remembersName === true,
      afterJoin: () => this.afterJoin(),
      ...(parts.knownKeys !== undefined ? { knownKeys: parts.knownKeys } : {}),
    });
    this.transfers = new Transfers<Location>({
      store,
      pool: this.pool,
      library: this.library,
      settings: this.settings,
      events: this.events,
      sink: parts.sink,
      clock: this.clock,
      holders: (contentId) => this.holdersOf(contentId),
      ...(parts.logger !== undefined ? { logger: parts.logger } : {}),
      ...(options.downloadTuning !== undefined ? { tuning: options.downloadTuning } : {}),
    });
    this.playback = new Playback({
      store,
      transferOf: (contentId) => this.transfers.get(contentId),
      startDownload: (file) => this.downloadResult(file),
      resume: (contentId) => this.transfers.resume(contentId),
    });
  }

  /** Hears one kind of event; returns the function that stops hearing it. */
  on<K extends keyof NodeEventMap>(event: K, listener: (value: NodeEventMap[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Reads the settings (remembered name, limits) and, when seeding the store, its complete files. */
  async start(): Promise<void> {
    await this.session.load();
    this.applyLimits(await this.settings.limits());
    if (this.options.seedsStore === true) await this.library.loadStoredFiles();
  }

  /** Connects to the tracker (a remembered name re-joins by itself); resolves once connected. */
  connect(signal?: AbortSignal): Promise<void> {
    return this.session.connect(signal);
  }

  /** Joins under a name the person typed; rejects with a ShoalError. */
  join(name: string, networkKey?: string): Promise<JoinedPeer> {
    return this.session.join(name, networkKey);
  }

  /** Joins under a chosen name or a default one (the CLI). */
  joinFirst(first: FirstJoin): Promise<JoinedPeer> {
    return this.session.joinFirst(first);
  }

  get me(): JoinedPeer | undefined {
    return this.session.me;
  }

  search(query: string, offset = 0): Promise<SearchPage> {
    return this.parts.tracker.search(query, offset);
  }

  /** Who holds a file now, completely or in part; never ourselves. */
  async holdersOf(contentId: string): Promise<Holder[]> {
    const kept = this.keptHolders.take(contentId);
    if (kept !== undefined) return kept;
    return this.session.others(await this.parts.tracker.holders(contentId));
  }

  /** A file as the index knows it, with its holders other than ourselves (none when nobody else holds
   * it); null when nobody at all holds it. For a link to a file. */
  async heldFile(contentId: string): Promise<SearchResult | null> {
    const file = await this.parts.tracker.heldFile(contentId);
    return file === null ? null : { ...file, holders: this.session.others(file.holders) };
  }

  /** Starts downloading (or returns the running download of) a file. */
  download(request: DownloadRequest): Transfer<Location> {
    return this.transfers.start(request);
  }

  /** Starts downloading a search result; fails with NO_HOLDER when nobody else holds it (unless
   * its download already exists: it then goes on waiting for one). */
  downloadResult(file: SearchResult): Transfer<Location> {
    if (this.session.others(file.holders).length === 0 && this.transfers.get(file.contentId) === undefined) {
      throw errorWithOutlook('NO_HOLDER', `No peer holding '${file.name}' is online`, 'try again when one is', { fileName: file.name, contentId: file.contentId });
    }
    return this.transfers.start({ contentId: file.contentId, name: file.name, size: file.size, mimeType: file.mimeType });
  }

  /** Downloads a folder result (its manifest, then every file in it); resolves with its manifest
   * once every file is stored. Saving the tree is the host's (see folder-download.ts). */
  downloadFolder(folder: SearchResult, options: FolderDownloadOptions = {}): Promise<FolderManifest> {
    if (this.session.others(folder.holders).length === 0 && this.transfers.get(folder.contentId) === undefined && !this.library.holds(folder.contentId)) {
      throw errorWithOutlook('NO_HOLDER', `No peer holding '${folder.name}' is online`, 'try again when one is', { fileName: folder.name, contentId: folder.contentId });
    }
    return downloadFolder(this.folderDownloadHost(), folder, options);
  }

  /** What a folder download needs of the node (the browser runs its own: it saves the folder its way).
   * Holder counts rank the files rarest first; each lookup is kept for that file's download. */
  folderDownloadHost(): FolderDownloadHost<Location> {
    return {
      store: this.parts.store,
      start: (request) => this.transfers.start(request),
      holderCount: async (contentId) => {
        const holders = await this.holdersOf(contentId);
        this.keptHolders.keep(contentId, holders);
        return holders.length;
      },
      clock: this.clock,
    };
  }

  get limits(): RateLimitSettings {
    return this.currentLimits;
  }

  /** Sets the node's upload and download limits (KiB/s, 0 = unlimited), shared by every transfer, and remembers them. */
  async setLimits(limits: Partial<RateLimitSettings>): Promise<void> {
    this.applyLimits({ ...this.currentLimits, ...limits });
    await this.settings.setLimits(this.currentLimits);
  }

  /** Leaves cleanly: stops downloads (their verified chunks stay), withdraws everything, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.transfers.stopAll();
      try {
        await this.library.withdrawAll();
      } finally {
        this.session.close();
        this.pool.close();
        this.transport.close();
      }
    })();
    return this.stopping;
  }

  private applyLimits(limits: RateLimitSettings): void {
    this.currentLimits = { uploadKiBps: sanitizeKiBps(limits.uploadKiBps), downloadKiBps: sanitizeKiBps(limits.downloadKiBps) };
    this.pool.setUploadLimit(this.currentLimits.uploadKiBps * 1024);
    this.pool.setDownloadLimit(this.currentLimits.downloadKiBps * 1024);
    this.events.emit('limits', this.currentLimits);
  }

  private async afterJoin(): Promise<void> {
    await this.library.announceAll();
    if (this.options.seedsStore === true) await this.transfers.resumeInterrupted();
  }
}
