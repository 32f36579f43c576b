/**
 * The engine's view of the network: reliable, ordered, message-framed channels to other peers.
 * The browser supplies simple-peer data channels, Node supplies wrtc, tests supply in-memory pairs.
 * transport.contract.ts holds what every implementation must do, run against all of them.
 */
import { ShoalError } from '../protocol/errors';

/** A text frame carries a JSON control message; a binary frame carries chunk bytes. */
export type Frame = string | Uint8Array;

/** How a channel reaches its peer, read from the connection's selected ICE candidate pair. */
export interface ConnectionPath {
  /** 'relayed' when either end of the selected pair is a TURN relay candidate. */
  kind: 'direct' | 'relayed';
  /** The pair's current round-trip time; undefined until measured. */
  rttMs: number | undefined;
}

export interface PeerChannel {
  /** The tracker-assigned id of the peer at the other end. */
  readonly peerId: string;
  readonly isOpen: boolean;
  /** Queues one frame, copying it as RTCDataChannel.send does: the caller may reuse the buffer at
   * once. Callers respect backpressure through `bufferedAmountBytes` and `waitForDrain`. On a closed
   * channel nothing is sent, and it may throw (as RTCDataChannel does): callers check `isOpen` and catch. */
  send(frame: Frame): void;
  /** Bytes queued but not yet handed to the network. */
  bufferedAmountBytes(): number;
  /** Resolves when the queue falls below the channel's low-water mark (or at once if it already is). */
  waitForDrain(): Promise<void>;
  /** Registers a listener; returns a function that removes it. Frames that came before the first
   * listener are kept and handed to it in order (the peer may speak as soon as the channel opens). */
  onFrame(listener: (frame: Frame) => void): () => void;
  /** Called once when the channel closes for any reason, at either end (also when added after the
   * close); `reason` may be absent even for a dropped connection. */
  onClose(listener: (reason?: Error) => void): () => void;
  close(): void;
  /** How the channel reaches the peer now; absent or undefined where that means nothing (in-memory channels). */
  connectionPath?(): Promise<ConnectionPath | undefined>;
}

/**
 * connect() found no way to the peer. `why` is for a person ("no direct path and no relay
 * configured"); the engine, which knows the peer's name, shows "Could not reach <name>: <why>".
 */
export class PeerUnreachableError extends ShoalError {
  readonly why: string;

  constructor(why: string) {
    super('PEER_UNREACHABLE', `Could not reach the peer: ${why}`);
    this.why = why;
  }
}

export interface Transport {
  /** Opens a channel to a peer (signalling through the tracker); rejects with a ShoalError on failure
   * (a PeerUnreachableError when no network path works). */
  connect(peerId: string, options?: { timeoutMs?: number }): Promise<PeerChannel>;
  /** Channels that other peers opened to us. */
  onIncoming(listener: (channel: PeerChannel) => void): () => void;
  /** Closes every channel. */
  close(): void;
}
