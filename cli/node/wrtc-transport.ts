/** The engine's Transport for Node: simple-peer over the native WebRTC binding @roamhq/wrtc, so a
 * Node peer speaks the same data-channel protocol (and signs its signals the same way) as browser peers. */
import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import type { IceServer } from '../../shared/protocol/ice-servers';
import type { SignalAuth } from '../../shared/transport/signal-signing';
import type { SignalingChannel } from '../../shared/transport/signaling';
import { SimplePeerTransport } from '../../shared/transport/simple-peer-transport';

/** `iceServers` gives each new connection the STUN and TURN servers current at that moment. */
export function createWrtcTransport(signaling: SignalingChannel, auth?: SignalAuth, iceServers?: () => IceServer[]): SimplePeerTransport {
  return new SimplePeerTransport({ SimplePeer, signaling, peerOptions: { wrtc }, ...(auth ? { auth } : {}), ...(iceServers ? { iceServers } : {}) });
}
