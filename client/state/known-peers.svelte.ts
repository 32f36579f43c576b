/** Peers whose key changed since we first met them, as the peer node reports them (it also warns). */
import type { PeerNode } from '../../shared/node/peer-node';

export class KnownPeers {
  /** Peer ids whose key differs from the one first seen under their name. */
  changedKeyPeerIds = $state<string[]>([]);

  constructor(node: PeerNode<undefined>) {
    node.on('keyChanges', (ids) => {
      this.changedKeyPeerIds = ids;
    });
  }

  hasChangedKey(peerId: string): boolean {
    return this.changedKeyPeerIds.includes(peerId);
  }
}
