import { afterEach, describe, expect, it } from 'vitest';
import { generateWebm, removeGeneratedWebm, WEBM_DEFAULTS } from './generate-webm';

const MiB = 1024 * 1024;

const made: string[] = [];
const shown: HTMLVideoElement[] = [];

afterEach(async () => {
  for (const video of shown.splice(0)) {
    video.pause();
    URL.revokeObjectURL(video.src);
    video.remove();
  }
  for (const name of made.splice(0)) await removeGeneratedWebm(name);
});

async function generate(sizeBytes: number) {
  const name = `generated-${Date.now()}-${made.length}.webm`;
  made.push(name);
  return generateWebm({ name, sizeBytes });
}

function videoOf(file: File): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true; // muted playback needs no user gesture
  video.width = 320;
  video.src = URL.createObjectURL(file);
  document.body.append(video);
  shown.push(video);
  return video;
}

function nextEvent(target: EventTarget, type: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No '${type}' within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(
      type,
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
    target.addEventListener('error', () => reject(new Error(`Media error while waiting for '${type}'`)), { once: true });
  });
}

async function until(isDone: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!isDone()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The Matroska Cues element's ID: the index of key frames a player seeks by. */
const CUES_ID = [0x1c, 0x53, 0xbb, 0x6b];

function indexOfBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let start = 0; start + needle.length <= haystack.length; start++) {
    for (let offset = 0; offset < needle.length; offset++) if (haystack[start + offset] !== needle[offset]) continue outer;
    return start;
  }
  return -1;
}

describe('generateWebm in Chromium', () => {
  it('makes a WebM of about the requested size that a <video> loads and plays', async () => {
    const requested = 4 * MiB;
    const { file, durationSeconds } = await generate(requested);

    expect(file.size).toBeGreaterThan(requested * 0.95);
    expect(file.size).toBeLessThan(requested * 1.05);
    expect([...new Uint8Array(await file.slice(0, 4).arrayBuffer())]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML
    // Noise does not compress, so the encoder's bitrate sets the duration.
    const expectedSeconds = (requested * 8) / WEBM_DEFAULTS.bitrateBps;
    expect(durationSeconds).toBeGreaterThan(expectedSeconds * 0.5);
    expect(durationSeconds).toBeLessThan(expectedSeconds * 2);

    const video = videoOf(file);
    await nextEvent(video, 'loadedmetadata');
    expect(video.videoWidth).toBe(WEBM_DEFAULTS.widthPx);
    expect(video.videoHeight).toBe(WEBM_DEFAULTS.heightPx);
    expect(Math.abs(video.duration - durationSeconds)).toBeLessThan(0.1); // the muxer wrote the duration back

    const firstFrame = new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
    await video.play();
    await firstFrame;
    await until(() => video.currentTime > 1, 'currentTime to pass 1 s');
    expect(video.getVideoPlaybackQuality().totalVideoFrames).toBeGreaterThan(0);
  });

  it('writes cues at the end, and a player seeks straight into the middle', async () => {
    const { file, durationSeconds } = await generate(4 * MiB);
    const tail = new Uint8Array(await file.slice(-64 * 1024).arrayBuffer());
    expect(indexOfBytes(tail, CUES_ID)).toBeGreaterThanOrEqual(0);

    const video = videoOf(file);
    await nextEvent(video, 'loadedmetadata');

    const target = durationSeconds / 2;
    const seeked = nextEvent(video, 'seeked');
    video.currentTime = target;
    await seeked;
    expect(Math.abs(video.currentTime - target)).toBeLessThan(0.1);
    await video.play();
    await until(() => video.currentTime > target + 0.5, 'playback after the seek');
  });

  it('leaves nothing behind when removed', async () => {
    const { file } = await generate(MiB);
    const name = made.pop() ?? '';
    await removeGeneratedWebm(name);
    const directory = await (await navigator.storage.getDirectory()).getDirectoryHandle('shoal-test-media');
    await expect(directory.getFileHandle(name)).rejects.toThrow();
    await expect(file.arrayBuffer()).rejects.toThrow();
  });
});
