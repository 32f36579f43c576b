/**
 * Data-channel frames between two peers. Control messages are JSON text frames parsed with
 * `peerControlSchema`; chunk bytes travel in binary frames (see `encodeBlockFrame`) so they are
 * never base64-inflated or copied through JSON. A peer still downloading a file serves the chunks
 * it has: `have-request` asks which, `have` answers with a bitfield, and `have-chunk` tells a peer
 * that asked about a file of each chunk stored since.
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

/** Chunks a have-bitfield can describe: MAX_CHUNKS_PER_FILE (content/chunking.ts), one bit each. */
export const HAVE_CHUNKS_MAX = 1024;
export const HAVE_BITFIELD_MAX_BYTES = HAVE_CHUNKS_MAX / 8;
/** Base64 of HAVE_BITFIELD_MAX_BYTES bytes, padding included. */
const HAVE_BITFIELD_MAX_CHARS = Math.ceil(HAVE_BITFIELD_MAX_BYTES / 3) * 4;
const haveBitfieldSchema = z
  .string()
  .max(HAVE_BITFIELD_MAX_CHARS)
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'A bitfield is base64')
  .refine((bitfield) => base64ByteLength(bitfield) <= HAVE_BITFIELD_MAX_BYTES, 'A bitfield is at most 128 bytes');

function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
const chunkIndexSchema = z.number().int().min(0);

export const peerControlSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('manifest-request'), requestId: requestIdSchema, contentId: contentIdSchema }),
  z.object({ t: z.literal('manifest'), requestId: requestIdSchema, contentId: contentIdSchema, manifest: manifestSchema }),
  z.object({
    t: z.literal('chunk-request'),
    requestId: requestIdSchema,
    contentId: contentIdSchema,
    index: chunkIndexSchema,
  }),
  z.object({ t: z.literal('cancel'), requestId: requestIdSchema }),
  z.object({ t: z.literal('have-request'), requestId: requestIdSchema, contentId: contentIdSchema }),
  z.object({ t: z.literal('have'), requestId: requestIdSchema, contentId: contentIdSchema, bitfield: haveBitfieldSchema }),
  z.object({ t: z.literal('have-chunk'), contentId: contentIdSchema, index: chunkIndexSchema.max(HAVE_CHUNKS_MAX - 1) }),
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

export function encodeBlockFrame(requestId: number, offset: number, payload: Uint8Array, into?: Uint8Array): Uint8Array {
  const frameBytes = BLOCK_HEADER_BYTES + payload.byteLength;
  // A caller that sends many blocks may lend one buffer for all of them (see ServeQueue).
  const frame = into !== undefined && into.byteLength >= frameBytes ? into.subarray(0, frameBytes) : new Uint8Array(frameBytes);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
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

/**
 * The chunks held, as base64 of a bit array: bit `i` is bit `7 - i % 8` of byte `i / 8` (most
 * significant first, as in BitTorrent). Indices at or beyond `chunkCount` are left out.
 */
export function encodeHaveBitfield(heldIndices: Iterable<number>, chunkCount: number): string {
  const bytes = new Uint8Array(Math.ceil(Math.min(chunkCount, HAVE_CHUNKS_MAX) / 8));
  for (const index of heldIndices) {
    if (!Number.isInteger(index) || index < 0 || index >= chunkCount || index >= HAVE_CHUNKS_MAX) continue;
    bytes[index >> 3] = (bytes[index >> 3] ?? 0) | (0x80 >> (index & 7));
  }
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The held indices below `chunkCount`, ascending; bits past the end of a short bitfield read as 0. */
export function decodeHaveBitfield(bitfield: string, chunkCount: number): number[] {
  let binary: string;
  try {
    binary = atob(bitfield);
  } catch {
    return [];
  }
  const held: number[] = [];
  const bitCount = Math.min(chunkCount, binary.length * 8, HAVE_CHUNKS_MAX);
  for (let index = 0; index < bitCount; index += 1) {
    if (binary.charCodeAt(index >> 3) & (0x80 >> (index & 7))) held.push(index);
  }
  return held;
}
