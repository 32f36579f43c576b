import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { describeTransportContract } from '../engine/transport.contract';
import { simplePeerHarness } from './test-support/simple-peer-harness';

// Real WebRTC in Node through the native binding, as the `shoal` CLI peer uses it.
describeTransportContract('SimplePeerTransport on wrtc', simplePeerHarness(SimplePeer, { wrtc }));
