/**
 * The headless Node peer: the peer node (shared/node/) built from the Node host's parts — the
 * file-system store, the wrtc transport, the identity and known-keys files, a settings file — plus
 * what only this host does: sharing paths in place, checking shared files on disk, finding a file
 * by name, and copying a download into `get --out`.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { useChunkDigest, type FetchingPeer, type DownloadState } from '../../shared/engine';
import type { ComponentLogger } from '../../shared/logging/logger';
import { PeerNode } from '../../shared/node/peer-node';
import type { Transfer } from '../../shared/node/transfer';
import type { TransferView } from '../../shared/node/transfer-view';
import { ShoalError } from '../../shared/protocol/errors';
import { QUERY_MAX_CHARS } from '../../shared/protocol/limits';
import type { JoinedPeer, PeerSummary, SearchResult } from '../../shared/protocol/tracker-messages';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { LIBRARY_CHECK_INTERVAL_MS, TRACKER_CONNECT_TIMEOUT_MS } from '../config';
import { defaultPeerName } from './default-name';
import { expandPaths } from './expand-paths';
import { freeFilePath } from './free-path';
import { FsChunkStore } from './fs-chunk-store';
import { loadOrCreateIdentity } from './identity-file';
import { KnownKeysFile } from './known-keys-file';
import { DiskLibrary, type SharedFile } from './library';
import { SettingsFile } from './settings-file';
import { TrackerUnreachableError } from './tracker-unreachable-error';
import { nodeSha256Hex } from './node-sha256';
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
  connectTimeoutMs?: number;
  log?: (message: string) => void;
  /** Named loggers for the engine's warnings (and debug lines); silent when absent (tests). */
  logger?: ComponentLogger;
}

export interface SharePathsOptions {
  /** Per file: bytes hashed so far. */
  onProgress?: (filePath: string, bytesDone: number, totalBytes: number) => void;
  /** A file that cannot be shared (folders only; a single bad file fails the call). */
  onSkipped?: (filePath: string, reason: string) => void;
}

/** A transfer as `GET /transfers` has always shown it (the REST layer's field names). */
export interface TransferRow {
  contentId: string;
  name: string;
  sizeBytes: number;
  state: DownloadState;
  bytesDone: number;
  speedBytesPerSec: number;
  etaSeconds: number | undefined;
  peers: number;
  connections: FetchingPeer[];
  error: string | undefined;
  waitingReason: string | undefined;
  path: string | undefined;
}

export class NodePeer {
  readonly library: DiskLibrary;
  /** The downloads, as rows for the REST API. */
  readonly transfers = {
    list: (): TransferRow[] => this.node.transfers.list().map(transferRowOf),
    get: (contentId: string): Transfer<string> | undefined => this.node.transfers.get(contentId),
  };
  private readonly checkTimer: ReturnType<typeof setInterval>;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: NodePeerOptions,
    readonly store: FsChunkStore,
    readonly node: PeerNode<string>,
    private readonly tracker: TrackerConnection,
  ) {
    const log = options.log ?? (() => {});
    this.library = new DiskLibrary(store, node, log);
    this.checkTimer = setInterval(() => void this.library.checkFiles(), options.libraryCheckIntervalMs ?? LIBRARY_CHECK_INTERVAL_MS);
    this.checkTimer.unref();
  }

  /** Opens the store, joins the tracker, and starts seeding. Rejects with a ShoalError. */
  static async start(options: NodePeerOptions): Promise<NodePeer> {
    useChunkDigest(nodeSha256Hex);
    const identity = await loadOrCreateIdentity(options.dataDir);
    const store = await FsChunkStore.open({ dataDir: options.dataDir, downloadDir: options.downloadDir });
    // Shared files that changed or vanished since the last run are dropped before anything is offered.
    await store.checkFiles();
    const tracker = new TrackerConnection(options.trackerUrl);
    const node = new PeerNode<string>(
      {
        identity,
        tracker,
        store,
        transport: ({ myPeerId }) =>
          createWrtcTransport(
            tracker,
            { identity, myPeerId, onRejected: ({ reason }) => options.log?.(reason) },
            // STUN and TURN from our join; the tracker connection renews the TURN credentials.
            () => tracker.iceServers,
          ),
        // A finished download is renamed from its partial name and shared in place from there.
        sink: (record) => store.finishDownload(record.contentId),
        settings: new SettingsFile(options.dataDir),
        knownKeys: new KnownKeysFile(options.dataDir),
        ...(options.logger !== undefined ? { logger: options.logger } : {}),
      },
      { seedsStore: options.seedsLibrary },
    );
    // Commands report their own transfers' outcome; everything else is for the person.
    node.on('message', (message) => {
      if (message.about !== 'transfer') options.log?.(message.text);
    });
    const peer = new NodePeer(options, store, node, tracker);
    try {
      await node.start();
      await peer.connect();
      await node.joinFirst({
        ...(options.name !== undefined ? { name: options.name } : { defaultName: defaultPeerName }),
        ...(options.networkKey !== undefined ? { networkKey: options.networkKey } : {}),
      });
    } catch (error) {
      await peer.stop().catch(() => undefined);
      throw error;
    }
    return peer;
  }

  get me(): JoinedPeer | undefined {
    return this.node.me;
  }

  /** Our presence on the tracker, and the connection itself (tests announce through it). */
  get session(): { readonly isOnline: boolean; otherPeers(): PeerSummary[]; readonly connection: TrackerConnection } {
    const { node, tracker } = this;
    return {
      get isOnline() {
        return node.session.isOnline;
      },
      otherPeers: () => node.session.otherPeers(),
      connection: tracker,
    };
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
      const page = await this.node.search(query, results.length);
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
      const about = isContentId ? { contentId: idOrName } : { fileName: idOrName };
      throw new ShoalError('FILE_NOT_FOUND', `No file ${what} is shared on the network right now`, about);
    }
    if (candidates.length > 1) {
      const ids = candidates.map((file) => file.contentId.slice(0, 12)).join(', ');
      throw new ShoalError('BAD_REQUEST', `${candidates.length} different files are named '${idOrName}' (${ids}…); get one by its content id`);
    }
    return first;
  }

  /** The peers online besides us (waits for the tracker's first list). */
  peers(): Promise<PeerSummary[]> {
    return this.node.session.peerList(AbortSignal.timeout(TRACKER_CONNECT_TIMEOUT_MS));
  }

  /** Starts downloading a file found on the network; NO_HOLDER when nobody else holds it. */
  download(file: SearchResult): Transfer<string> {
    return this.node.downloadResult(file);
  }

  /**
   * Downloads a file into `outDir` (or finds it already held) and returns the path of a copy there.
   * Unless `waitsForHolder`, fails with NO_HOLDER as soon as no holder can send what is missing.
   */
  async fetchInto(
    file: SearchResult,
    outDir: string,
    options: { waitsForHolder?: boolean; onTransfer?: (transfer: Transfer<string>) => void } = {},
  ): Promise<string> {
    const heldPath = this.store.pathOf(file.contentId);
    if (heldPath !== undefined) return this.copyInto(heldPath, file.name, outDir);
    const transfer = this.download(file);
    options.onTransfer?.(transfer);
    const savedPath = await (options.waitsForHolder ? transfer.done : transfer.doneOrStuck());
    return this.copyInto(savedPath, file.name, outDir);
  }

  /** Leaves cleanly: stops downloads (their verified chunks stay), withdraws, disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.checkTimer);
      try {
        await this.node.stop();
      } finally {
        await this.store.close();
      }
    })();
    return this.stopping;
  }

  private async connect(): Promise<void> {
    try {
      await this.node.connect(AbortSignal.timeout(this.options.connectTimeoutMs ?? TRACKER_CONNECT_TIMEOUT_MS));
    } catch (error) {
      // A tracker that answered and refused us (too many connections from this address) says why.
      if (error instanceof ShoalError && error.code !== 'TIMEOUT' && error.code !== 'CANCELLED') throw error;
      throw new TrackerUnreachableError(
        `Cannot reach the tracker at ${this.options.trackerUrl}; is it running? (choose another with --tracker)`,
      );
    }
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

function transferRowOf(view: TransferView): TransferRow {
  return {
    contentId: view.contentId,
    name: view.name,
    sizeBytes: view.size,
    state: view.state,
    bytesDone: view.bytesDone,
    speedBytesPerSec: view.speedBytesPerSec,
    etaSeconds: view.etaSeconds,
    peers: view.activePeers,
    connections: view.connections,
    error: view.error,
    waitingReason: view.waitingReason,
    path: view.path,
  };
}
