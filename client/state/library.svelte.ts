/**
 * The files this peer shares: those it added itself and those it finished downloading. Everything
 * lives in the chunk store, so the list is rebuilt from IndexedDB after a reload and re-announced
 * whenever we (re-)join the tracker.
 */
import { chunkRange } from '../../shared/content/chunking';
import { announcementOf } from '../../shared/engine/file-announcement';
import { shareFile } from '../../shared/engine/share-file';
import type { FileRecord } from '../../shared/engine/chunk-store';
import { fileSourceOf } from '../adapters/browser-file-source';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import type { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import type { Alerts } from './alerts.svelte';
import type { Storage } from './storage.svelte';

export interface SharedFile {
  contentId: string;
  name: string;
  size: number;
  mimeType: string;
}

export interface PreparingFile {
  id: number;
  name: string;
  size: number;
  bytesHashed: number;
}


export async function isComplete(store: IdbChunkStore, record: FileRecord): Promise<boolean> {
  const held = await store.listChunkIndices(record.contentId);
  return held.length === record.manifest.chunkHashes.length;
}

export class Library {
  files = $state<SharedFile[]>([]);
  preparing = $state<PreparingFile[]>([]);

  private readonly store: IdbChunkStore;
  private readonly tracker: TrackerConnection;
  private readonly alerts: Alerts;
  private readonly storage: Storage;
  private nextPreparingId = 0;
  /** Files picked this session, by content id: a damaged stored chunk can be re-read from them. */
  private readonly originals = new Map<string, File>();

  constructor(store: IdbChunkStore, tracker: TrackerConnection, alerts: Alerts, storage: Storage) {
    this.store = store;
    this.tracker = tracker;
    this.alerts = alerts;
    this.storage = storage;
  }

  holds(contentId: string): boolean {
    return this.files.some((file) => file.contentId === contentId);
  }

  /** Loads every complete file from the store (after a reload). */
  async load(): Promise<void> {
    const complete: SharedFile[] = [];
    for (const record of await this.store.listFiles()) {
      if (await isComplete(this.store, record)) complete.push(sharedFileOf(record));
    }
    this.files = complete;
  }

  /** Announces every shared file; called after each (re-)join. */
  async announceAll(): Promise<void> {
    const records = await Promise.all(this.files.map((file) => this.store.getFile(file.contentId)));
    const announcements = records.filter((record) => record !== undefined).map(announcementOf);
    await this.tracker.announce(announcements);
  }

  /** Hashes and stores each file, then announces it. Files are prepared one at a time to bound memory. */
  async share(files: File[]): Promise<void> {
    const jobs = files.map((file) => ({ file, job: this.addPreparing(file) }));
    for (const { file, job } of jobs) {
      try {
        const record = await shareFile(fileSourceOf(file), this.store, {
          onProgress: (bytesDone) => this.updatePreparing(job.id, bytesDone),
        });
        this.originals.set(record.contentId, file);
        await this.add(record);
      } catch (error) {
        this.alerts.show(`Could not share '${file.name}': ${describeFailure(error)}`);
      } finally {
        this.preparing = this.preparing.filter((entry) => entry.id !== job.id);
      }
    }
    await this.storage.refresh();
  }

  /** Adds a complete file (shared or downloaded) to the list and announces it. */
  async add(record: FileRecord): Promise<void> {
    if (!this.holds(record.contentId)) this.files = [...this.files, sharedFileOf(record)];
    if (this.tracker.isConnected) await this.tracker.announce([announcementOf(record)]);
  }

  /** Chunk `index` read again from the original file, if it was picked this session (else undefined). */
  async readOriginalChunk(contentId: string, index: number): Promise<Uint8Array | undefined> {
    const file = this.originals.get(contentId);
    const record = await this.store.getFile(contentId);
    if (!file || !record) return undefined;
    const { start, end } = chunkRange(record.manifest.size, record.manifest.chunkSizeBytes, index);
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  }

  /** Stops sharing a file: withdraws it from the index and deletes its chunks from this browser. */
  async remove(contentId: string): Promise<void> {
    try {
      if (this.tracker.isConnected) await this.tracker.withdraw([contentId]);
      await this.store.deleteFile(contentId);
      this.originals.delete(contentId);
      this.files = this.files.filter((file) => file.contentId !== contentId);
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

  private updatePreparing(id: number, bytesHashed: number): void {
    this.preparing = this.preparing.map((entry) => (entry.id === id ? { ...entry, bytesHashed } : entry));
  }
}

function sharedFileOf(record: FileRecord): SharedFile {
  return { contentId: record.contentId, name: record.name, size: record.manifest.size, mimeType: record.mimeType };
}

/** Browser storage errors are DOMExceptions whose message may be empty; their name still says what failed. */
function describeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return 'the browser has no storage left for it; remove some files from My files and try again';
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
