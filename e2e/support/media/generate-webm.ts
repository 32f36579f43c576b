/**
 * Generates a playable WebM of about a requested size inside Chromium, for the play-while-
 * downloading tests and the first-frame bench (no media is committed). Frames of noise are encoded
 * with WebCodecs' VP8 encoder, faster than real time, and muxed by Mediabunny straight into a file
 * in the origin-private file system, so even a 200 MiB video never sits in the page's memory: the
 * result is a disk-backed File.
 */
import { Output, Quality, StreamTarget, VideoSample, VideoSampleSource, WebMOutputFormat } from 'mediabunny';
import { NoiseFrames } from './noise-frames';
import { WEBM_DEFAULTS, type WebmRequest } from './webm-request';

export { WEBM_DEFAULTS, type WebmRequest } from './webm-request';

export interface GeneratedWebm {
  file: File;
  durationSeconds: number;
  frameCount: number;
  /** Wall time from the call to the finished file. */
  generateMs: number;
}

const DIRECTORY_NAME = 'shoal-test-media';

async function mediaDirectory(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(DIRECTORY_NAME, { create: true });
}

export async function generateWebm(request: WebmRequest): Promise<GeneratedWebm> {
  const settings = { ...WEBM_DEFAULTS, ...request };
  const { widthPx, heightPx, framesPerSecond, bitrateBps, sizeBytes } = settings;
  if (!(sizeBytes > 0) || !(widthPx > 0) || !(heightPx > 0) || !(framesPerSecond > 0) || !(bitrateBps > 0)) {
    throw new Error(`Cannot generate a WebM from ${JSON.stringify(request)}: sizes, rates and dimensions must be positive`);
  }
  const startedMs = performance.now();
  const handle = await (await mediaDirectory()).getFileHandle(request.name, { create: true });
  // Positioned writes: the muxer goes back to fill in sizes and the duration once they are known.
  const writable = await handle.createWritable({ keepExistingData: false });
  const output = new Output({
    format: new WebMOutputFormat(),
    // Chunked: a few 16 MiB writes to the file instead of one per frame.
    target: new StreamTarget(writable, { chunked: true }),
  });
  let encodedBytes = 0;
  let encodedFrames = 0;
  const video = new VideoSampleSource({
    codec: 'vp8',
    quality: new Quality({ bitrate: bitrateBps, bitrateMode: 'constant' }),
    keyFrameInterval: settings.keyFrameIntervalSeconds,
    // Not 'realtime': Chromium's real-time encoder keeps pace with the timestamps (1.0x real time
    // here), while 'quality' runs as fast as the CPU allows (about 3x on two busy cores).
    latencyMode: 'quality',
    onEncodedPacket: (packet) => {
      encodedBytes += packet.byteLength;
      encodedFrames++;
    },
  });
  output.addVideoTrack(video, { frameRate: framesPerSecond });
  await output.start();

  const frames = new NoiseFrames(widthPx, heightPx);
  const frameUs = 1_000_000 / framesPerSecond;
  let frameCount = 0;
  try {
    // The encoder holds a few frames at a time: count those at the average size so far, or the
    // file would end that many frames past the size asked for.
    const expectedBytes = (): number => encodedBytes + (frameCount - encodedFrames) * (encodedFrames === 0 ? 0 : encodedBytes / encodedFrames);
    while (expectedBytes() < sizeBytes) {
      const sample = new VideoSample(frames.next(Math.round(frameCount * frameUs), Math.round(frameUs)));
      try {
        await video.add(sample); // resolves when the encoder and writer can take more
      } finally {
        sample.close();
      }
      frameCount++;
    }
    await output.finalize();
  } catch (error) {
    await output.cancel();
    // The encoder's or writer's error is the one to report; a half-written file left behind is not.
    await removeGeneratedWebm(request.name).catch(() => undefined);
    throw error;
  }
  return {
    file: await handle.getFile(),
    durationSeconds: frameCount / framesPerSecond,
    frameCount,
    generateMs: performance.now() - startedMs,
  };
}

/** Deletes a generated file (a File read from it before stops being readable). */
export async function removeGeneratedWebm(name: string): Promise<void> {
  await (await mediaDirectory()).removeEntry(name).catch((error: unknown) => {
    if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
  });
}
