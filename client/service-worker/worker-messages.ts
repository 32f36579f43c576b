/**
 * Every message between a page and the service worker, as zod schemas both sides parse with:
 * the page hands over work ('shoal-zip', 'shoal-media'), the worker asks for chunks of a media file
 * over that file's MessageChannel and the page answers with the verified bytes. Nothing is trusted
 * because it came from our own origin: a stale page of an older build talks to a newer worker too.
 */
import { z } from 'zod';
import { contentIdSchema, searchResultSchema } from '../../shared/protocol/tracker-messages';

export const ZIP_ROUTE_PREFIX = '/__shoal/zip/';
export const MEDIA_ROUTE_PREFIX = '/__shoal/media/';

/** Audio and video only: the media route serves bytes from other peers under our origin, and a
 * type a browser would render as a document (HTML, SVG) must never be one of them. */
export const mediaMimeTypeSchema = z.string().regex(/^(audio|video)\/[a-z0-9][a-z0-9.+-]*$/i, 'Only audio and video files play');

export function isPlayableMimeType(mimeType: string): boolean {
  return mediaMimeTypeSchema.safeParse(mimeType).success;
}

/** What the worker needs to know of a file to answer range requests for it. */
export const mediaFileSchema = searchResultSchema
  .pick({ contentId: true, name: true, size: true, chunkSizeBytes: true })
  .extend({ mimeType: mediaMimeTypeSchema });
export type MediaFile = z.infer<typeof mediaFileSchema>;

/** The URL a media element plays a registered file from (the name is for people reading it). */
export function mediaUrlOf(file: Pick<MediaFile, 'contentId' | 'name'>): string {
  return `${MEDIA_ROUTE_PREFIX}${file.contentId}/${encodeURIComponent(file.name)}`;
}

/** The content id a media URL's path names, or undefined when the path is not one. */
export function contentIdOfMediaPath(path: string): string | undefined {
  const [contentId] = path.slice(MEDIA_ROUTE_PREFIX.length).split('/');
  return contentIdSchema.safeParse(contentId).success ? contentId : undefined;
}

// ---- page -> worker (the worker's 'message' event) -----------------------------------------------

/** Each hand-over carries `ack`, a port the worker answers 'accepted' on once it took the work. */
const ackPortSchema = z.instanceof(MessagePort);

export const zipHandOverSchema = z.object({
  type: z.literal('shoal-zip'),
  id: z.uuid(),
  // The archive's file name: a folder's name and '.zip' (made safe by the browser when it saves it).
  name: z.string().min(1).max(1024),
  // The archive's bytes, made in the page as the worker reads (a transferred ReadableStream).
  stream: z.custom<ReadableStream<Uint8Array>>((value) => value instanceof ReadableStream, 'A ZIP hand-over carries a stream'),
  ack: ackPortSchema,
});
export type ZipHandOver = z.infer<typeof zipHandOverSchema>;

export const mediaRegistrationSchema = z.object({
  type: z.literal('shoal-media'),
  file: mediaFileSchema,
  /** The page's end answers chunk requests for this file (see chunkRequestSchema). */
  chunks: z.instanceof(MessagePort),
  ack: ackPortSchema,
});
export type MediaRegistration = z.infer<typeof mediaRegistrationSchema>;

/** Sent now and then while a player is open: a browser stops an idle worker after about 30 s, and
 * with it the registrations a playing file's later range requests need. */
export const keepAliveSchema = z.object({ type: z.literal('shoal-keep-alive') });
export type KeepAlive = z.infer<typeof keepAliveSchema>;

export const pageToWorkerMessageSchema = z.discriminatedUnion('type', [zipHandOverSchema, mediaRegistrationSchema, keepAliveSchema]);
export type PageToWorkerMessage = z.infer<typeof pageToWorkerMessageSchema>;
/** The messages that hand work over, and are answered on their `ack` port. */
export type HandOverMessage = ZipHandOver | MediaRegistration;

export const handOverAcceptedSchema = z.literal('accepted');

// ---- worker -> page (navigator.serviceWorker's 'message' event) ----------------------------------

/** A worker that was stopped and started again has lost its registrations: it asks the page that
 * plays a file for it again. */
export const mediaWantedSchema = z.object({ type: z.literal('shoal-media-wanted'), contentId: contentIdSchema });
export type MediaWanted = z.infer<typeof mediaWantedSchema>;

// ---- over a media file's channel ----------------------------------------------------------------

const requestIdSchema = z.number().int().min(0);

export const chunkRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('read-chunk'), requestId: requestIdSchema, index: z.number().int().min(0) }),
  /** The player no longer needs it (a seek, or the player closed): stop fetching it first. */
  z.object({ type: z.literal('cancel'), requestId: requestIdSchema }),
]);
export type ChunkRequest = z.infer<typeof chunkRequestSchema>;

export const chunkReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('chunk'), requestId: requestIdSchema, bytes: z.instanceof(Uint8Array) }),
  z.object({ type: z.literal('chunk-failed'), requestId: requestIdSchema, message: z.string().max(1000) }),
]);
export type ChunkReply = z.infer<typeof chunkReplySchema>;
