/** The engine's Transport for Node: simple-peer over the native WebRTC binding @roamhq/wrtc, so a
 * Node peer speaks the same data-channel protocol (and signs its signals the same way) as browser peers. */
import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import type { SignalAuth } from '../../shared/transport/signal-signing';
import type { SignalingChannel } from '../../shared/transport/signaling';
import { SimplePeerTransport } from '../../shared/transport/simple-peer-transport';

export function createWrtcTransport(signaling: SignalingChannel, auth?: SignalAuth): SimplePeerTransport {
  return new SimplePeerTransport({ SimplePeer, signaling, peerOptions: { wrtc }, ...(auth ? { auth } : {}) });
}
