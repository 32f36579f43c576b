/**
 * Saves a downloaded folder as one ZIP. client-zip builds the archive as a stream, reading each
 * file from its stored chunk Blobs (IdbChunkStore.fileBlob: no copy into the JS heap) one after
 * the other, so no file and no archive is held in memory whole.
 *
 * Where the stream goes: to the app's service worker (the stream is transferred to it in a
 * message, then a hidden frame is pointed at the URL it answers with that stream), so the browser writes the
 * archive to disk as it is made. Where no service worker controls the page (an insecure page, or
 * before the worker has taken over), the stream is collected into a Blob (`Response.blob()`,
 * which Chromium keeps in its blob storage, spilling large blobs to disk) and that is saved.
 */
import { downloadZip } from 'client-zip';
import type { FolderManifest } from '../../shared/protocol/folder-manifest';
import type { IdbChunkStore } from '../adapters/idb-chunk-store';
import { saveBlob } from '../adapters/save-blob';
import { handToServiceWorker } from '../service-worker/page-handshake';
import { ZIP_ROUTE_PREFIX } from '../service-worker/worker-messages';

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
  const fileName = `${manifest.name}.zip`;
  if (await streamThroughServiceWorker(folderZip(store, manifest), fileName)) return;
  const blob = await folderZip(store, manifest).blob();
  saveBlob(new Blob([blob], { type: 'application/zip' }), fileName);
}

/** Hands the archive stream to the service worker and clicks its download link; false when it cannot. */
async function streamThroughServiceWorker(zip: Response, fileName: string): Promise<boolean> {
  if (zip.body === null) return false;
  const id = crypto.randomUUID();
  // Transferring a ReadableStream moves it to the worker; the bytes are made here as it reads.
  const stream = zip.body;
  if (!(await handToServiceWorker({ type: 'shoal-zip', id, name: fileName, stream }, [stream as unknown as Transferable]))) return false;
  // A hidden frame's navigation goes through the worker (a download link's request does not);
  // the worker's answer is an attachment, so the browser saves it instead of showing it.
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'Folder download';
  frame.src = `${ZIP_ROUTE_PREFIX}${id}`;
  document.body.append(frame);
  // Removed long after: removing the frame early would cancel the download in some browsers.
  setTimeout(() => frame.remove(), 60_000);
  return true;
}
