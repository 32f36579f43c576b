/** The CLI's peer against a tracker that refuses it (a real tracker whose per-address cap of 1 is taken). */
import { afterEach, expect, it } from 'vitest';
import { ONE_SLOT_REFUSAL, trackerWithItsOneSlotTaken } from '../../shared/test-support/capped-tracker';
import { exitCodeFor, EXIT_CODES } from '../exit-codes';
import { tempDir } from '../test-support/temp-dir';
import { NodePeer } from './node-peer';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('fails to start with the tracker\'s reason, not a timeout, when too many connections come from this address', async () => {
  const { tracker, close } = await trackerWithItsOneSlotTaken();
  cleanups.push(close);

  const starting = NodePeer.start({
    trackerUrl: tracker.url,
    name: 'ana',
    dataDir: await tempDir('shoal-refused-data-'),
    downloadDir: await tempDir('shoal-refused-downloads-'),
    seedsLibrary: false,
  });
  const error: unknown = await starting.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', message: ONE_SLOT_REFUSAL });
  expect(exitCodeFor(error)).toBe(EXIT_CODES.failed);
});
