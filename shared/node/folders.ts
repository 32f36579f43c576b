/**
 * Folders on the peer node. A folder is shared as its manifest (a small JSON file, see
 * protocol/folder-manifest.ts) stored like any file, beside its files, each an ordinary shared
 * file. Here: building and storing a manifest from the files' records, reading one back from the
 * store, the announcement a folder gets (its file count and inner names, for search), and the
 * library's view of a folder. Reading the files from disk or a picked directory stays in the hosts.
 */
import { type ChunkStore, type FileRecord, announcementOf, shareFile, type Clock } from '../engine';
import {
  FOLDER_MIME_TYPE,
  buildFolderManifest,
  decodeFolderManifest,
  encodeFolderManifest,
  folderAnnouncementOf,
  type FolderManifest,
} from '../protocol/folder-manifest';
import type { FileAnnouncement } from '../protocol/tracker-messages';

/** A manifest bigger than this is not read whole into memory (FOLDER_MAX_FILES entries fit well under it). */
const MANIFEST_MAX_BYTES = 8 * 1024 * 1024;

/** One file of a folder being shared: its stored record and its path inside the folder. */
export interface FolderFile {
  path: string;
  record: FileRecord;
}

export function isFolderRecord(record: { mimeType: string }): boolean {
  return record.mimeType === FOLDER_MIME_TYPE;
}

/** Builds the folder's manifest from its stored files and stores it as a file; returns its record. */
export async function storeFolderManifest(
  store: ChunkStore,
  name: string,
  files: readonly FolderFile[],
  options: { clock?: Clock } = {},
): Promise<{ record: FileRecord; manifest: FolderManifest }> {
  const manifest = buildFolderManifest(
    name,
    files.map(({ path, record }) => ({ path, contentId: record.contentId, size: record.manifest.size, mimeType: record.mimeType })),
  );
  const bytes = encodeFolderManifest(manifest);
  const record = await shareFile(
    {
      name,
      size: bytes.byteLength,
      mimeType: FOLDER_MIME_TYPE,
      readSlice: async (start, end) => bytes.slice(start, end),
    },
    store,
    options.clock !== undefined ? { clock: options.clock } : {},
  );
  return { record, manifest };
}

/** The folder manifest stored under `contentId`; undefined when it is not a complete, valid folder. */
export async function readFolderManifest(store: ChunkStore, contentId: string): Promise<FolderManifest | undefined> {
  const record = await store.getFile(contentId);
  if (record === undefined || !isFolderRecord(record) || record.manifest.size > MANIFEST_MAX_BYTES) return undefined;
  const bytes = new Uint8Array(record.manifest.size);
  let offset = 0;
  for (let index = 0; index < record.manifest.chunkHashes.length; index += 1) {
    const chunk = await store.getChunk(contentId, index);
    if (chunk === undefined) return undefined;
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return decodeFolderManifest(bytes);
  } catch {
    return undefined;
  }
}

/** What the tracker hears of a stored file: a folder's manifest also carries its count and inner names. */
export async function announcementFor(store: ChunkStore, record: FileRecord): Promise<FileAnnouncement> {
  const announcement = announcementOf(record);
  if (!isFolderRecord(record)) return announcement;
  const manifest = await readFolderManifest(store, record.contentId);
  return manifest === undefined ? announcement : { ...announcement, folder: folderAnnouncementOf(manifest) };
}

/** A folder as the library shows it: one item with its file count and total size. */
export interface FolderSummary {
  fileCount: number;
  totalSize: number;
  /** Content ids of its files, so a list can show the folder instead of them. */
  contentIds: string[];
}

export function folderSummaryOf(manifest: FolderManifest): FolderSummary {
  return {
    fileCount: manifest.entries.length,
    totalSize: manifest.entries.reduce((sum, entry) => sum + entry.size, 0),
    contentIds: manifest.entries.map((entry) => entry.contentId),
  };
}
