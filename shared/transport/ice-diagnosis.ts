/**
 * What one connection attempt learned about its network paths, so that when it fails the person
 * reads why, in words they can act on: "no direct path and no relay configured", or that the relay
 * refused the credentials. Fed from the local candidates we gathered and the ICE events.
 */
import type SimplePeer from 'simple-peer';
import { hasRelayServer } from '../protocol/ice-servers';
import { peerConnectionOf } from './peer-connection-access';

/** The answer a TURN server gives to credentials it does not accept (RFC 8656), as icecandidateerror reports it. */
const TURN_UNAUTHORIZED = 401;

export class IceDiagnosis {
  private readonly hasRelay: boolean;
  private readonly isRelayOnly: boolean;
  private hasRelayCandidate = false;
  private isRelayRefused = false;
  private isGatheringComplete = false;

  constructor(config: RTCConfiguration) {
    this.hasRelay = hasRelayServer(config.iceServers ?? []);
    this.isRelayOnly = config.iceTransportPolicy === 'relay';
  }

  /** Watches the connection's gathering; `onHopeless` runs once nothing can connect any more. */
  watch(peer: SimplePeer.Instance, onHopeless: () => void): void {
    peer.on('signal', (data: { type?: string; candidate?: { candidate?: unknown } }) => {
      const line = data.type === 'candidate' ? data.candidate?.candidate : undefined;
      if (typeof line === 'string' && / typ relay\b/.test(line)) this.hasRelayCandidate = true;
    });
    const connection = peerConnectionOf(peer);
    if (connection === undefined) return;
    connection.addEventListener('icecandidateerror', (event) => {
      if (event.errorCode === TURN_UNAUTHORIZED) this.isRelayRefused = true;
    });
    connection.addEventListener('icegatheringstatechange', () => {
      if (connection.iceGatheringState !== 'complete') return;
      this.isGatheringComplete = true;
      // Relay-only and the relay gave us no address: no candidate pair can ever form. Without the
      // relay-only policy direct candidates may still work, so only ICE itself can say.
      if (this.isRelayOnly && !this.hasRelayCandidate) onHopeless();
    });
  }

  /** Why ICE found no path, for "Could not reach <name>: <why>". */
  why(): string {
    if (!this.hasRelay) return 'no direct path and no relay configured';
    if (this.isRelayRefused) return 'no direct path, and the relay refused the credentials (expired or wrong)';
    if (!this.hasRelayCandidate && this.isGatheringComplete) {
      return 'no direct path, and the relay gave no address (it could not be reached or refused us)';
    }
    if (!this.hasRelayCandidate) return 'no direct path, and the relay did not answer in time';
    return 'no direct path, and the relay could not connect us either';
  }
}
