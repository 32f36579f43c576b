/**
 * Play while downloading: /__shoal/media/<contentId>/<name> answers a media element's range
 * requests for a file a page registered ('shoal-media'), with a stream that asks that page for one
 * verified chunk at a time (client/media/). The page fetches chunks the player asks for first.
 */
import { parseByteRange } from './byte-range';
import { chunkRangeStream } from './chunk-range-stream';
import { PortChunkReader } from './port-chunk-reader';
import { contentIdOfMediaPath, type MediaFile, type MediaRegistration, type MediaWanted } from './worker-messages';
import { worker } from './worker-scope';

/** How long a restarted worker waits for the page to register a file again before answering 404. */
const REREGISTER_TIMEOUT_MS = 5_000;

interface RegisteredMedia {
  file: MediaFile;
  reader: PortChunkReader;
}

const registered = new Map<string, RegisteredMedia>();
const awaitingRegistration = new Map<string, Set<() => void>>();

export function registerMedia(message: MediaRegistration): void {
  const { contentId } = message.file;
  registered.get(contentId)?.reader.close();
  registered.set(contentId, { file: message.file, reader: new PortChunkReader(message.chunks) });
  for (const wake of awaitingRegistration.get(contentId) ?? []) wake();
  awaitingRegistration.delete(contentId);
}

/** Whether this path is the media route's (then the worker answers it, 404 included). */
export function isMediaRequest(path: string): boolean {
  return contentIdOfMediaPath(path) !== undefined;
}

export async function mediaResponse(request: Request, path: string, clientId: string): Promise<Response> {
  const contentId = contentIdOfMediaPath(path);
  if (contentId === undefined) return notPlayable();
  const media = registered.get(contentId) ?? (await askPageAgain(contentId, clientId));
  if (media === undefined) return notPlayable();
  return rangeResponse(media, request.headers.get('range'));
}

function rangeResponse({ file, reader }: RegisteredMedia, rangeHeader: string | null): Response {
  const headers = new Headers({
    'Content-Type': file.mimeType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
    // Bytes from other peers under our origin: never sniffed into a document, never run as one.
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'sandbox',
  });
  const range = parseByteRange(rangeHeader, file.size);
  if (range.kind === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${file.size}`);
    return new Response(null, { status: 416, headers });
  }
  const { start, end } = range.kind === 'range' ? range : { start: 0, end: file.size - 1 };
  const body = chunkRangeStream({
    sizeBytes: file.size,
    chunkSizeBytes: file.chunkSizeBytes,
    start,
    end,
    readChunk: (index, signal) => reader.read(index, signal),
  });
  headers.set('Content-Length', String(end - start + 1));
  if (range.kind === 'whole') return new Response(body, { status: 200, headers });
  headers.set('Content-Range', `bytes ${start}-${end}/${file.size}`);
  return new Response(body, { status: 206, headers });
}

/** A worker stopped and started by the browser forgets its registrations; the page playing the
 * file still has it and registers it again when asked. */
async function askPageAgain(contentId: string, clientId: string): Promise<RegisteredMedia | undefined> {
  const client = clientId === '' ? undefined : await worker.clients.get(clientId);
  if (client === undefined) return undefined;
  const registeredAgain = new Promise<void>((resolve) => {
    const waiters = awaitingRegistration.get(contentId) ?? new Set();
    waiters.add(resolve);
    awaitingRegistration.set(contentId, waiters);
    setTimeout(() => {
      waiters.delete(resolve);
      resolve();
    }, REREGISTER_TIMEOUT_MS);
  });
  client.postMessage({ type: 'shoal-media-wanted', contentId } satisfies MediaWanted);
  await registeredAgain;
  return registered.get(contentId);
}

function notPlayable(): Response {
  return new Response('This file is not open in a player on this page; press Play again.', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
