import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../engine/testing';
import type { FileAnnouncement } from '../protocol/tracker-messages';
import { ANNOUNCE_BATCH_GAP_MS, AnnounceBatcher } from './announce-batcher';

const file = (n: number): FileAnnouncement => ({
  contentId: String(n).padStart(64, '0'),
  name: `file-${n}.txt`,
  size: n,
  mimeType: 'text/plain',
  chunkSizeBytes: 1024,
});

/** The announces as the tracker would get them: here, the file names of each call. */
function recorder() {
  const calls: string[][] = [];
  return { calls, send: async (files: FileAnnouncement[]) => void calls.push(files.map((one) => one.name)) };
}

/** Lets queued promise callbacks run (the batcher's sends resolve through them). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('AnnounceBatcher', () => {
  it('announces at once when quiet, and what comes within the gap together after it', async () => {
    const clock = new VirtualClock();
    const { calls, send } = recorder();
    const batcher = new AnnounceBatcher(send, clock);

    const first = batcher.announce([file(1)]);
    clock.advanceBy(0);
    await first;
    expect(calls).toEqual([['file-1.txt']]);

    const later = [batcher.announce([file(2)]), batcher.announce([file(3)]), batcher.announce([file(2)])];
    clock.advanceBy(ANNOUNCE_BATCH_GAP_MS - 1);
    await settle();
    expect(calls).toHaveLength(1);
    clock.advanceBy(1);
    await Promise.all(later);
    expect(calls).toEqual([['file-1.txt'], ['file-2.txt', 'file-3.txt']]);
  });

  it('leaves out a file withdrawn while its announce waits', async () => {
    const clock = new VirtualClock();
    const { calls, send } = recorder();
    const batcher = new AnnounceBatcher(send, clock);
    const sent = batcher.announce([file(1), file(2)]);
    batcher.forget([file(1).contentId]);
    clock.advanceBy(0);
    await sent;
    expect(calls).toEqual([['file-2.txt']]);
  });

  it('rejects the waiting announces with the error of their batch, and goes on with the next', async () => {
    const clock = new VirtualClock();
    let isRefusing = true;
    const calls: number[] = [];
    const batcher = new AnnounceBatcher(async (files) => {
      calls.push(files.length);
      if (isRefusing) throw new Error('refused');
    }, clock);
    const refused = batcher.announce([file(1)]);
    clock.advanceBy(0);
    await expect(refused).rejects.toThrow('refused');
    isRefusing = false;
    const next = batcher.announce([file(2)]);
    clock.advanceBy(ANNOUNCE_BATCH_GAP_MS);
    await expect(next).resolves.toBeUndefined();
    expect(calls).toEqual([1, 1]);
  });
});
