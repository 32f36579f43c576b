import SimplePeer from 'simple-peer/simplepeer.min.js';
import { inject } from 'vitest';
import { describeTransportContract } from '../engine/transport.contract';
import { SimplePeerTransport } from './simple-peer-transport';
import { simplePeerHarness } from './test-support/simple-peer-harness';
import { trackerSignalledHarness } from './test-support/tracker-signalled-harness';

// Chromium's own WebRTC through simple-peer's browser bundle, as the web app uses it: once with the
// transport alone (signals relayed in the page), once signalling through a real tracker.
describeTransportContract('SimplePeerTransport in Chromium', simplePeerHarness(SimplePeer));

describeTransportContract(
  'SimplePeerTransport in Chromium through a real tracker',
  trackerSignalledHarness(
    () => inject('trackerUrl'),
    (signaling, auth) => new SimplePeerTransport({ SimplePeer, signaling, iceServers: () => [], ...(auth ? { auth } : {}) }),
  ),
);
