/**
 * Raw video frames of random noise (I420), for test video that an encoder cannot squeeze: every
 * frame is new noise, so neither intra nor inter prediction finds anything to save, and the file
 * grows at the bitrate asked for, not below it. Runs in the browser (WebCodecs' VideoFrame).
 */

/** I420 stores a full-resolution luma plane and two quarter-resolution chroma planes. */
export function i420SizeBytes(widthPx: number, heightPx: number): number {
  return widthPx * heightPx + 2 * Math.ceil(widthPx / 2) * Math.ceil(heightPx / 2);
}

export class NoiseFrames {
  /** One buffer, refilled per frame: VideoFrame copies it when constructed. */
  private readonly pixels: Uint8Array<ArrayBuffer>;
  private readonly words: Uint32Array<ArrayBuffer>;
  /** xorshift32 state: fast enough (well under a millisecond a frame) that the encoder stays the bottleneck. */
  private state: number;

  constructor(
    private readonly widthPx: number,
    private readonly heightPx: number,
    seed = 0x9e3779b9,
  ) {
    const sizeBytes = i420SizeBytes(widthPx, heightPx);
    // Rounded up to whole 32-bit words so the generator can fill 4 bytes a step.
    this.pixels = new Uint8Array(new ArrayBuffer(Math.ceil(sizeBytes / 4) * 4), 0, sizeBytes);
    this.words = new Uint32Array(this.pixels.buffer);
    this.state = seed >>> 0 || 1;
  }

  /** A new frame of noise at `timestampUs`; the caller closes it. */
  next(timestampUs: number, durationUs: number): VideoFrame {
    let state = this.state;
    const words = this.words;
    for (let index = 0; index < words.length; index++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      // Each byte 96..159: noise a quarter of full range, which the encoder's rate control can
      // still bring down to the bitrate asked for (full-range noise stays far above it at any quantizer).
      words[index] = ((state & 0x3f3f3f3f) + 0x60606060) >>> 0;
    }
    this.state = state;
    return new VideoFrame(this.pixels, {
      format: 'I420',
      codedWidth: this.widthPx,
      codedHeight: this.heightPx,
      timestamp: timestampUs,
      duration: durationUs,
    });
  }
}
