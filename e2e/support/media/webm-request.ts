/** What a test asks of the WebM generator (generate-webm.ts), apart from the generator itself so
 * that Node code (specs, benches) can name it without loading the browser-only muxer. */

export interface WebmRequest {
  /** The file's name (also its name in the origin-private file system until removed). */
  name: string;
  /** About this many bytes (within a few percent): frames are added until the encoded video is expected to reach it. */
  sizeBytes: number;
  widthPx?: number;
  heightPx?: number;
  framesPerSecond?: number;
  /** What the encoder aims at (constant bitrate); with noise it gets close, so duration ≈ size ÷ bitrate. */
  bitrateBps?: number;
  /** A key frame (and a cue to seek to) this often. */
  keyFrameIntervalSeconds?: number;
}

/**
 * 640×360 at 30 frames a second and 8 Mbit/s: a plausible web video's bitrate (so a player buffers
 * as it would for a real one), at a frame size the software encoder gets through about three times
 * faster than real time on two cores.
 */
export const WEBM_DEFAULTS = { widthPx: 640, heightPx: 360, framesPerSecond: 30, bitrateBps: 8_000_000, keyFrameIntervalSeconds: 2 };
