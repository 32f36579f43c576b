import SimplePeer from 'simple-peer/simplepeer.min.js';
import { describeTransportContract } from '../engine/transport.contract';
import { simplePeerHarness } from './test-support/simple-peer-harness';

// Chromium's own WebRTC through simple-peer's browser bundle, as the web app uses it.
describeTransportContract('SimplePeerTransport in Chromium', simplePeerHarness(SimplePeer));
