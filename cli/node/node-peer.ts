/**
 * The headless Node peer: the composition root that wires the tracker session, the file-system
 * store, the wrtc transport and the engine, and offers what the CLI and the REST API do: share
 * paths, search, download, list peers, and leave cleanly (withdraw, then disconnect).
 */
import { KnownKeysFile } from './known-keys-file';
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LinkPool } from '../../shared/engine/link-pool';
import { ShoalError } from '../../shared/protocol/errors';
import { QUERY_MAX_CHARS } from '../../shared/protocol/limits';
import type { JoinedPeer, PeerSummary, SearchResult } from '../../shared/protocol/tracker-messages';
import type { SimplePeerTransport } from '../../shared/transport/simple-peer-transport';
import { LIBRARY_CHECK_INTERVAL_MS } from '../config';
import { expandPaths } from './expand-paths';
import { freeFilePath } from './free-path';
import { FsChunkStore } from './fs-chunk-store';
import { loadOrCreateIdentity } from './identity-file';
import { Library, type SharedFile } from './library';
import { TrackerSession } from './tracker-session';
import { Transfers, type DownloadRequest, type Transfer } from './transfers';
import { createWrtcTransport } from './wrtc-transport';

export interface NodePeerOptions {
  trackerUrl: string;
  name?: string;
  networkKey?: string;
  dataDir: string;
  /** Where downloads are written. */
  downloadDir: string;
  /** Announce everything the data dir holds and resume its unfinished downloads (serve, menu). */
  seedsLibrary: boolean;
  libraryCheckIntervalMs?: number;
  log?: (message: string) => void;
}

export interface SharePathsOptions {
  /** Per file: bytes hashed so far. */
  onProgress?: (filePath: string, bytesDone: number, totalBytes: number) => void;
  /** A file that cannot be shared (folders only; a single bad file fails the call). */
  onSkipped?: (filePath: string, reason: string) => void;
}

export class NodePeer {
  readonly library: Library;
  readonly transfers: Transfers;
  private readonly checkTimer: ReturnType<typeof setInterval>;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: NodePeerOptions,
    readonly store: FsChunkStore,
    readonly session: TrackerSession,
    private readonly transport: SimplePeerTransport,
    private readonly pool: LinkPool,
  ) {
    const log = options.log ?? (() => {});
    this.library = new Library({ store, session, announcesEverything: options.seedsLibrary, log });
    this.transfers = new Transfers({ store, session, pool, library: this.library });
    session.onRejoined(() => this.library.announceAll());
    this.checkTimer = setInterval(() => void this.library.checkFiles(), options.libraryCheckIntervalMs ?? LIBRARY_CHECK_INTERVAL_MS);
    this.checkTimer.unref();
  }

  /** Opens the store, joins the tracker, and starts seeding. Rejects with a ShoalError. */
  static async start(options: NodePeerOptions): Promise<NodePeer> {
    const identity = await loadOrCreateIdentity(options.dataDir);
    const store = await FsChunkStore.open({ dataDir: options.dataDir, downloadDir: options.downloadDir });
    let session: TrackerSession;
    try {
      session = await TrackerSession.open({ ...options, identity, knownKeys: new KnownKeysFile(options.dataDir) });
    } catch (error) {
      await store.close();
      throw error;
    }
    const transport = createWrtcTransport(
      session.connection,
      { identity, myPeerId: () => session.me?.id, onRejected: ({ reason }) => options.log?.(reason) },
      // STUN and TURN from our join; the tracker connection renews the TURN credentials.
      () => session.connection.iceServers,
    );
    const peer = new NodePeer(options, store, session, transport, new LinkPool(transport, store));
    await peer.library.start();
    if (options.seedsLibrary) await peer.transfers.resumeInterrupted();
    return peer;
  }

  get me(): JoinedPeer | undefined {
    return this.session.me;
  }

  get trackerUrl(): string {
    return this.options.trackerUrl;
  }

  /** Shares files and folders (recursively) in place; returns what was shared. */
  async sharePaths(paths: readonly string[], options: SharePathsOptions = {}): Promise<SharedFile[]> {
    const files = await expandPaths(paths);
    const isSingleFile = files.length === 1 && paths.length === 1;
    const shared: SharedFile[] = [];
    for (const filePath of files) {
      try {
        shared.push(
          await this.library.shareFile(filePath, {
            onProgress: (done, total) => options.onProgress?.(filePath, done, total),
          }),
        );
      } catch (error) {
        if (isSingleFile || !(error instanceof ShoalError)) throw error;
        options.onSkipped?.(filePath, error.message);
      }
    }
    return shared;
  }

  /** Every file on the network whose name has all the words (blank: every file), all pages. */
  async search(keyword: string): Promise<SearchResult[]> {
    const query = keyword.trim().slice(0, QUERY_MAX_CHARS);
    const results: SearchResult[] = [];
    for (;;) {
      const page = await this.session.connection.search(query, results.length);
      results.push(...page.results);
      if (page.results.length === 0 || results.length >= page.total) return results;
    }
  }

  /** The file a person means by a content id or an exact name; a ShoalError says why not. */
  async resolve(idOrName: string): Promise<SearchResult> {
    const isContentId = /^[0-9a-f]{64}$/.test(idOrName);
    const candidates = isContentId
      ? (await this.search('')).filter((file) => file.contentId === idOrName)
      : await this.filesNamed(idOrName);
    const first = candidates[0];
    if (first === undefined) {
      const what = isContentId ? `with content id ${idOrName}` : `named '${idOrName}'`;
      throw new ShoalError('FILE_NOT_FOUND', `No file ${what} is shared on the network right now`);
    }
    if (candidates.length > 1) {
      const ids = candidates.map((file) => file.contentId.slice(0, 12)).join(', ');
      throw new ShoalError('BAD_REQUEST', `${candidates.length} different files are named '${idOrName}' (${ids}…); get one by its content id`);
    }
    return first;
  }

  /** The peers online besides us (waits for the tracker's first list). */
  peers(): Promise<PeerSummary[]> {
    return this.session.peerList();
  }

  /** Starts downloading a file found on the network. */
  download(file: SearchResult): Transfer {
    const holders = file.holders.filter((holder) => holder.id !== this.me?.id);
    if (holders.length === 0 && this.transfers.get(file.contentId) === undefined) {
      throw new ShoalError('NO_HOLDER', `No peer holding '${file.name}' is online; try again when one is`);
    }
    const request: DownloadRequest = { contentId: file.contentId, name: file.name, sizeBytes: file.size, mimeType: file.mimeType };
    return this.transfers.start(request);
  }

  /**
   * Downloads a file into `outDir` (or finds it already held) and returns the path of a copy there.
   * Unless `waitsForHolder`, fails with NO_HOLDER as soon as no holder can send what is missing.
   */
  async fetchInto(
    file: SearchResult,
    outDir: string,
    options: { waitsForHolder?: boolean; onTransfer?: (transfer: Transfer) => void } = {},
  ): Promise<string> {
    const heldPath = this.store.pathOf(file.contentId);
    if (heldPath !== undefined) return this.copyInto(heldPath, file.name, outDir);
    const transfer = this.download(file);
    options.onTransfer?.(transfer);
    const savedPath = await (options.waitsForHolder ? transfer.done : transfer.doneOrStuck());
    return this.copyInto(savedPath, file.name, outDir);
  }

  /** Leaves cleanly: cancels downloads (their verified chunks stay), withdraws, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.checkTimer);
      this.transfers.cancelAll();
      try {
        await this.library.withdrawAll();
      } finally {
        this.session.close();
        this.pool.close();
        this.transport.close();
        await this.store.close();
      }
    })();
    return this.stopping;
  }

  /** A file held elsewhere is copied into `outDir`; one already there is left as it is. */
  private async copyInto(heldPath: string, name: string, outDir: string): Promise<string> {
    if (path.dirname(heldPath) === path.resolve(outDir)) return heldPath;
    await mkdir(outDir, { recursive: true });
    const target = await freeFilePath(outDir, name);
    await copyFile(heldPath, target, constants.COPYFILE_EXCL);
    return target;
  }

  private async filesNamed(name: string): Promise<SearchResult[]> {
    const found = await this.search(name);
    const exact = found.filter((file) => file.name === name);
    return exact.length > 0 ? exact : found.filter((file) => file.name.toLowerCase() === name.toLowerCase());
  }
}
