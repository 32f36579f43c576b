/** The CLI's peer against a tracker that refuses it (a real tracker whose per-address cap of 1 is taken). */
import { afterEach, expect, it } from 'vitest';
import { createTracker, type RunningTracker } from '../../signaling-server/app';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { exitCodeFor, EXIT_CODES } from '../exit-codes';
import { tempDir } from '../test-support/temp-dir';
import { waitFor } from '../test-support/wait-for';
import { NodePeer } from './node-peer';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('fails to start with the tracker\'s reason, not a timeout, when too many connections come from this address', async () => {
  const tracker: RunningTracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, maxConnectionsPerAddress: 1 });
  cleanups.push(() => tracker.close());
  const holder = new TrackerConnection(tracker.url);
  cleanups.push(() => holder.disconnect());
  holder.connect();
  await waitFor(() => holder.isConnected, 'the connection holding the one slot');

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
  expect(error).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', message: 'Too many connections from your address (limit 1)' });
  expect(exitCodeFor(error)).toBe(EXIT_CODES.failed);
});
