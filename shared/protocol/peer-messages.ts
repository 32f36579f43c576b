/**
 * Data-channel frames between two peers. Control messages are JSON text frames parsed with
 * `peerControlSchema`; chunk bytes travel in binary frames (see `encodeBlockFrame`) so they are
 * never base64-inflated or copied through JSON.
 */
import { z } from 'zod';
import { contentIdSchema } from './tracker-messages';
import { errorCodeSchema } from './errors';

/** A control frame bigger than this is refused unread. A 1024-chunk manifest is ~70 KB. */
export const CONTROL_FRAME_MAX_BYTES = 128 * 1024;

/** Bytes per binary block. Chunks are cut into blocks because a data-channel message must stay
 * below the smallest max-message-size any peer advertises (Chromium: 256 KiB; older stacks: 64 KiB). */
export const BLOCK_BYTES = 64 * 1024;

/** Block frame layout: u8 kind, u32 requestId, u32 offset, then payload bytes. */
export const BLOCK_HEADER_BYTES = 9;
const BLOCK_FRAME_KIND = 1;

export const manifestSchema = z.object({
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  chunkSizeBytes: z.number().int().min(1).max(64 * 1024 * 1024),
  chunkHashes: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(100_000),
});
export type Manifest = z.infer<typeof manifestSchema>;

const requestIdSchema = z.number().int().min(0).max(0xffff_ffff);

export const peerControlSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('manifest-request'), requestId: requestIdSchema, contentId: contentIdSchema }),
  z.object({ t: z.literal('manifest'), requestId: requestIdSchema, contentId: contentIdSchema, manifest: manifestSchema }),
  z.object({
    t: z.literal('chunk-request'),
    requestId: requestIdSchema,
    contentId: contentIdSchema,
    index: z.number().int().min(0),
  }),
  z.object({ t: z.literal('cancel'), requestId: requestIdSchema }),
  z.object({
    t: z.literal('error'),
    requestId: requestIdSchema,
    code: errorCodeSchema,
    message: z.string().max(500),
  }),
]);
export type PeerControl = z.infer<typeof peerControlSchema>;

export interface BlockFrame {
  requestId: number;
  offset: number;
  payload: Uint8Array;
}

export function encodeBlockFrame(requestId: number, offset: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(BLOCK_HEADER_BYTES + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, BLOCK_FRAME_KIND);
  view.setUint32(1, requestId);
  view.setUint32(5, offset);
  frame.set(payload, BLOCK_HEADER_BYTES);
  return frame;
}

/** Returns the block, or undefined when the frame is not a well-formed block frame. */
export function decodeBlockFrame(frame: Uint8Array): BlockFrame | undefined {
  if (frame.byteLength < BLOCK_HEADER_BYTES || frame.byteLength > BLOCK_HEADER_BYTES + BLOCK_BYTES) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint8(0) !== BLOCK_FRAME_KIND) return undefined;
  return {
    requestId: view.getUint32(1),
    offset: view.getUint32(5),
    payload: frame.subarray(BLOCK_HEADER_BYTES),
  };
}

/** Parses a text frame; returns undefined for anything that is not a valid control message. */
export function parseControlFrame(text: string): PeerControl | undefined {
  if (text.length > CONTROL_FRAME_MAX_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = peerControlSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function encodeControlFrame(message: PeerControl): string {
  return JSON.stringify(message);
}
