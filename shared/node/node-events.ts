/** What a peer node tells a UI or a CLI, as a tiny typed emitter: `on` returns the unsubscribe function. */
import type { JoinedPeer, PeerSummary } from '../protocol/tracker-messages';
import type { TransferView } from './transfer-view';

export type SessionStatus = 'connecting' | 'online' | 'reconnecting';

export interface SessionView {
  status: SessionStatus;
  /** Who we are on the tracker; undefined until joined and while reconnecting. */
  me: JoinedPeer | undefined;
  /** Why the last join failed or the tracker removed us (the browser shows it in the join form). */
  joinError: string | undefined;
  /** Why the tracker refused our connection (too many from our address); it is retried by itself.
   * Undefined once connected. */
  connectError: string | undefined;
}

/** A message for the person. `about: 'session'` ones repeat what the session view already shows
 * (the browser shows those in its status bar and join form; the CLI prints every message). */
export interface NodeMessage {
  level: 'info' | 'warning' | 'error';
  about: 'session' | 'peers' | 'library' | 'transfer';
  text: string;
}

export interface NodeEventMap {
  session: SessionView;
  /** Everyone online as the tracker lists them, us included (a UI marks us; `session.otherPeers()`
   * leaves us out). */
  peers: PeerSummary[];
  /** Peer ids whose key differs from the one first seen under their name. */
  keyChanges: string[];
  /** The files shared (or the partial holdings) changed. */
  library: undefined;
  transfer: TransferView;
  /** The upload/download limits changed (KiB/s, 0 = unlimited). */
  limits: RateLimitSettings;
  message: NodeMessage;
}

export interface RateLimitSettings {
  uploadKiBps: number;
  downloadKiBps: number;
}

export class NodeEvents {
  private readonly listeners = new Map<keyof NodeEventMap, Set<(value: never) => void>>();

  on<K extends keyof NodeEventMap>(event: K, listener: (value: NodeEventMap[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof NodeEventMap>(event: K, value: NodeEventMap[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (value: NodeEventMap[K]) => void)(value);
  }
}
