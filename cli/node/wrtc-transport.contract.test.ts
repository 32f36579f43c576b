/**
 * The Transport contract on the Node peer's own transport (createWrtcTransport: simple-peer on
 * wrtc), signalling through a real tracker on a free port, as in production.
 */
import { afterAll, beforeAll } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { describeTransportContract } from '../../shared/engine/transport.contract';
import { trackerSignalledHarness } from '../../shared/transport/test-support/tracker-signalled-harness';
import { startTestTracker } from '../test-support/test-tracker';
import { createWrtcTransport } from './wrtc-transport';

let tracker: RunningTracker;

beforeAll(async () => {
  tracker = await startTestTracker();
});

afterAll(async () => {
  await tracker.close();
});

describeTransportContract(
  'createWrtcTransport through a real tracker',
  trackerSignalledHarness(() => tracker.url, (signaling, auth) => createWrtcTransport(signaling, auth, () => [])),
);
