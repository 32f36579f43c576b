/**
 * simple-peer keeps its RTCPeerConnection private (`_pc`); the stats, the gathering state and the
 * candidate errors we need are only there. Every reach into it goes through this one function, so
 * a simple-peer upgrade that renames the field breaks in one place. simple-peer sets the `on...`
 * handler properties itself, so ours are added with addEventListener and never replace them.
 */
import type SimplePeer from 'simple-peer';

/** The parts of RTCPeerConnection we use, as both Chromium and @roamhq/wrtc provide them. */
export interface PeerConnectionView {
  readonly iceGatheringState: RTCIceGatheringState;
  getStats(): Promise<StatsReportLike>;
  addEventListener(type: 'icegatheringstatechange', listener: () => void): void;
  /** Fired when a STUN or TURN server answers with an error (401: credentials refused), by Chromium and wrtc alike. */
  addEventListener(type: 'icecandidateerror', listener: (event: { errorCode?: number }) => void): void;
}

/** RTCStatsReport is map-like in browsers; wrtc returns a plain Map. Both have forEach. */
export interface StatsReportLike {
  forEach(callback: (stats: Record<string, unknown>) => void): void;
}

/** The connection's RTCPeerConnection, or undefined once simple-peer has destroyed it. */
export function peerConnectionOf(peer: SimplePeer.Instance): PeerConnectionView | undefined {
  return (peer as unknown as { _pc: PeerConnectionView | null })._pc ?? undefined;
}
