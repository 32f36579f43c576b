/**
 * Saves a downloaded folder as one ZIP. client-zip builds the archive as a stream, reading each
 * file from its stored chunk Blobs (IdbChunkStore.fileBlob: no copy into the JS heap) one after
 * the other; no file and no archive is held in memory whole by this code.
 *
 * Where it goes: the archive stream is turned into a Blob (`Response.blob()`, which Chromium keeps
 * in its blob storage, spilling large blobs to disk) and handed to the browser's downloads. Not yet
 * streamed to disk through the service worker or showSaveFilePicker (see the report of this work).
 */
import { downloadZip } from 'client-zip';
import type { FolderManifest } from '../../shared/protocol/folder-manifest';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import { saveBlob } from '../adapters/save-blob';

/** The ZIP of a folder whose files are all in the store, as a stream (entries as "<folder>/<path>"). */
export function folderZip(store: IdbChunkStore, manifest: FolderManifest): Response {
  async function* files() {
    for (const entry of manifest.entries) {
      const record = await store.getFile(entry.contentId);
      if (record === undefined) throw new Error(`'${entry.path}' is missing from this browser's storage`);
      yield { name: `${manifest.name}/${entry.path}`, input: await store.fileBlob(record), size: entry.size };
    }
  }
  return downloadZip(files());
}

export async function saveFolderAsZip(store: IdbChunkStore, manifest: FolderManifest): Promise<void> {
  const blob = await folderZip(store, manifest).blob();
  saveBlob(new Blob([blob], { type: 'application/zip' }), `${manifest.name}.zip`);
}
