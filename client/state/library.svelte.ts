/**
 * The files this peer shares, mirrored from the peer node's library: those the person added and
 * those downloaded. The browser's own part is getting a picked File into the store (hashing it,
 * with progress) and keeping the File, so a damaged stored chunk can be read again from it.
 */
import { chunkRange } from '../../shared/content/chunking';
import { PROGRESS_INTERVAL_MS, shareFile, type OriginalFile } from '../../shared/engine';
import type { FolderFile } from '../../shared/node/folders';
import type { LibraryFile } from '../../shared/node/library';
import type { PickedFolder } from '../folders/picked-folders';
import type { PeerNode } from '../../shared/node/peer-node';
import { fileSourceOf, originalFileOf } from '../adapters/browser-file-source';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import type { Alerts } from './alerts.svelte';
import type { Storage } from './storage.svelte';

export type SharedFile = LibraryFile;

export interface PreparingFile {
  id: number;
  name: string;
  size: number;
  bytesHashed: number;
}

export class Library {
  files = $state<SharedFile[]>([]);
  private heldIds = $state<ReadonlySet<string>>(new Set());
  preparing = $state<PreparingFile[]>([]);

  private readonly node: PeerNode<undefined>;
  private readonly store: IdbChunkStore;
  private readonly alerts: Alerts;
  private readonly storage: Storage;
  private nextPreparingId = 0;
  private preparingShownAtMs = -Infinity;
  /** Files picked this session, by content id: a damaged stored chunk can be re-read from them. */
  private readonly originals = new Map<string, File>();

  constructor(node: PeerNode<undefined>, store: IdbChunkStore, alerts: Alerts, storage: Storage) {
    this.node = node;
    this.store = store;
    this.alerts = alerts;
    this.storage = storage;
    // What a share cut short by a reload or a crash had stored goes (nothing of it was announced).
    void store.removeAbandonedStagings().catch(() => {});
    // A folder shows as one item (its files are shared too, but not listed one by one).
    node.on('library', () => {
      this.files = node.library.items();
      this.heldIds = new Set(node.library.files().map((file) => file.contentId));
    });
  }

  /** True for every complete file we share, those inside folders too. Reads `$state`, so a view
   * deriving from it ("In My files") updates when a download completes. */
  holds(contentId: string): boolean {
    return this.heldIds.has(contentId);
  }

  /** Shares a picked or dropped folder: each file as with `share`, then the folder as one item. */
  async shareFolder(folder: PickedFolder): Promise<void> {
    const parts: FolderFile[] = [];
    for (const { path, file } of folder.files) {
      const job = this.addPreparing(file);
      try {
        const record = await shareFile(fileSourceOf(file), this.store, {
          onProgress: (bytesDone) => this.updatePreparing(job.id, bytesDone),
        });
        this.originals.set(record.contentId, file);
        parts.push({ path, record });
      } catch (error) {
        this.alerts.show(`Could not share '${folder.name}/${path}': ${describeFailure(error)}`);
        return;
      } finally {
        this.preparing = this.preparing.filter((entry) => entry.id !== job.id);
      }
    }
    try {
      await this.node.library.addFolder(folder.name, parts);
    } catch (error) {
      this.alerts.show(`Could not share the folder '${folder.name}': ${describeFailure(error)}`);
    }
    await this.storage.refresh();
  }

  /** Hashes and stores each file, then shares it. Files are prepared one at a time to bound memory. */
  async share(files: File[]): Promise<void> {
    const jobs = files.map((file) => ({ file, job: this.addPreparing(file) }));
    for (const { file, job } of jobs) {
      try {
        const record = await shareFile(fileSourceOf(file), this.store, {
          onProgress: (bytesDone) => this.updatePreparing(job.id, bytesDone),
        });
        this.originals.set(record.contentId, file);
        await this.node.library.add(record);
      } catch (error) {
        this.alerts.show(`Could not share '${file.name}': ${describeFailure(error)}`);
      } finally {
        this.preparing = this.preparing.filter((entry) => entry.id !== job.id);
      }
    }
    await this.storage.refresh();
  }

  /** Chunk `index` read again from the original file, if it was picked this session (else undefined). */
  async readOriginalChunk(contentId: string, index: number): Promise<Uint8Array | undefined> {
    const file = this.originals.get(contentId);
    const record = await this.store.getFile(contentId);
    if (!file || !record) return undefined;
    const { start, end } = chunkRange(record.manifest.size, record.manifest.chunkSizeBytes, index);
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  }

  /** The file picked this session under this content id, to serve from instead of reading the
   * store back (the engine verifies what it reads from it); undefined when there is none. */
  originalOf(contentId: string): OriginalFile | undefined {
    const file = this.originals.get(contentId);
    return file === undefined ? undefined : originalFileOf(file);
  }

  /** Stops sharing a file: withdraws it from the index and deletes its chunks from this browser. */
  async remove(contentId: string): Promise<void> {
    try {
      await this.node.library.remove(contentId);
      this.originals.delete(contentId);
      await this.storage.refresh();
    } catch (error) {
      this.alerts.showError(error);
    }
  }

  private addPreparing(file: File): PreparingFile {
    const job = { id: this.nextPreparingId++, name: file.name, size: file.size, bytesHashed: 0 };
    this.preparing = [...this.preparing, job];
    return job;
  }

  /** At most every PROGRESS_INTERVAL_MS, as for downloads: each update re-renders the list. */
  private updatePreparing(id: number, bytesHashed: number): void {
    const nowMs = performance.now();
    const isLast = this.preparing.some((entry) => entry.id === id && entry.size === bytesHashed);
    if (!isLast && nowMs - this.preparingShownAtMs < PROGRESS_INTERVAL_MS) return;
    this.preparingShownAtMs = nowMs;
    this.preparing = this.preparing.map((entry) => (entry.id === id ? { ...entry, bytesHashed } : entry));
  }
}

/** Browser storage errors are DOMExceptions whose message may be empty; their name still says what failed. */
function describeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return 'the browser has no storage left for it; remove some files from My files and try again';
  }
  // Chromium refuses to read a picked file that changed or moved on disk since it was picked.
  if (error instanceof DOMException && error.name === 'NotReadableError') {
    return 'it changed or moved since it was picked; pick it again';
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
