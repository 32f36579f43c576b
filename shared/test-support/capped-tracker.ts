/**
 * FOR TESTS: a real tracker that lets one connection per client address in, with that one slot
 * already taken by a TrackerConnection, so the next connection from 127.0.0.1 is refused.
 */
import { createTracker, type RunningTracker } from '../../signaling-server/app';
import { TrackerConnection } from '../tracker-client/tracker-connection';
import { waitFor } from './wait-for';

export interface CappedTracker {
  tracker: RunningTracker;
  /** The connection holding the one slot; disconnect it to free the slot. */
  holder: TrackerConnection;
  close(): Promise<void>;
}

export const ONE_SLOT_REFUSAL = 'Too many connections from your address (limit 1)';

export async function trackerWithItsOneSlotTaken(): Promise<CappedTracker> {
  const tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, maxConnectionsPerAddress: 1 });
  const holder = new TrackerConnection(tracker.url);
  const close = async (): Promise<void> => {
    holder.disconnect();
    await tracker.close();
  };
  try {
    holder.connect();
    await waitFor(() => holder.isConnected, 'the connection holding the one slot');
  } catch (error) {
    await close();
    throw error;
  }
  return { tracker, holder, close };
}
