import { describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import { StoredChunkWatch } from './stored-chunk-watch';
import { rejectionOf } from './test-fixtures';

/** A watch that records when a chunk gains its first waiter (+index) or loses its last (-index). */
function watched(): { watch: StoredChunkWatch; awaited: string[] } {
  const awaited: string[] = [];
  const watch = new StoredChunkWatch('film.webm', (index, isAwaited) => awaited.push(`${isAwaited ? '+' : '-'}${index}`));
  return { watch, awaited };
}

/** Whether the promise has settled after the current microtasks ran. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 0));
  return settled;
}

describe('StoredChunkWatch', () => {
  it('resolves a wait when its chunk is stored, and at once for one stored already', async () => {
    const { watch, awaited } = watched();
    const waitingForTwo = watch.whenStored(2);
    const alsoForTwo = watch.whenStored(2);
    watch.known(4, [1, 2, 3]);
    expect(await isSettled(waitingForTwo)).toBe(false);
    await watch.whenStored(0); // not missing: stored
    watch.stored(2);
    await Promise.all([waitingForTwo, alsoForTwo]);
    await watch.whenStored(2);
    expect(awaited).toEqual(['+2', '-2']);
    expect(watch.awaitedIndices()).toEqual([]);
  });

  it('waits before the manifest is known, and refuses an index outside the file once it is', async () => {
    const { watch } = watched();
    const outside = rejectionOf(watch.whenStored(9));
    const inside = watch.whenStored(1);
    watch.known(2, [1]);
    expect(await outside).toMatchObject({ code: 'BAD_REQUEST', message: "'film.webm' has no chunk 9" });
    expect(await rejectionOf(watch.whenStored(-1))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await rejectionOf(watch.whenStored(0.5))).toMatchObject({ code: 'BAD_REQUEST' });
    watch.stored(1);
    await inside;
  });

  it('stops waiting when the signal aborts, with its reason, and lets the chunk go', async () => {
    const { watch, awaited } = watched();
    watch.known(4, [0, 1, 2, 3]);
    const player = new AbortController();
    const reason = new Error('seeked away');
    const waiting = rejectionOf(watch.whenStored(3, player.signal));
    expect(watch.awaitedIndices()).toEqual([3]);
    player.abort(reason);
    expect(await waiting).toBe(reason);
    expect(awaited).toEqual(['+3', '-3']);
    expect(await rejectionOf(watch.whenStored(3, player.signal))).toBe(reason);
  });

  it('rejects every wait with the error the download ends with, and resolves them all when it completes', async () => {
    const failing = watched().watch;
    failing.known(4, [0, 1, 2, 3]);
    const waits = [rejectionOf(failing.whenStored(1)), rejectionOf(failing.whenStored(2))];
    failing.end(new ShoalError('CANCELLED', "The download of 'film.webm' was cancelled"));
    for (const error of await Promise.all(waits)) expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(await rejectionOf(failing.whenStored(0))).toMatchObject({ code: 'CANCELLED' });

    const completing = watched().watch;
    completing.known(2, [0, 1]);
    const lastChunk = completing.whenStored(1);
    completing.end();
    await lastChunk;
  });
});
