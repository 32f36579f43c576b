/**
 * A folder's ZIP, streamed to disk through the worker: the page builds the archive as a stream and
 * hands it over ('shoal-zip'); its download link (/__shoal/zip/<id>) is answered with that stream,
 * once, so the browser writes the archive as it is made (client/folders/folder-zip.ts).
 */
import { ZIP_ROUTE_PREFIX, type ZipHandOver } from './worker-messages';

/** Streams handed over by a page, by id, until their download link asks for them. */
const pendingZips = new Map<string, { name: string; stream: ReadableStream<Uint8Array> }>();

export function acceptZip(message: ZipHandOver): void {
  pendingZips.set(message.id, { name: message.name, stream: message.stream });
}

/** The response for /__shoal/zip/<id>, or undefined when no such stream was handed over. */
export function zipResponse(path: string): Response | undefined {
  const id = path.slice(ZIP_ROUTE_PREFIX.length);
  const zip = pendingZips.get(id);
  if (zip === undefined) return undefined;
  pendingZips.delete(id);
  return new Response(zip.stream, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(zip.name)}`,
    },
  });
}
