/** Who we are on the network, mirrored from the peer node: the tracker connection's status, our
 * registration, the live peer list, and the join form's state. */
import type { PeerNode } from '../../shared/node/peer-node';
import type { SessionStatus } from '../../shared/node/node-events';
import type { JoinedPeer, PeerSummary } from '../../shared/protocol/tracker-messages';

export type ConnectionStatus = SessionStatus;

export class Connection {
  status = $state<ConnectionStatus>('connecting');
  me = $state<JoinedPeer | undefined>(undefined);
  peers = $state<PeerSummary[]>([]);
  joinError = $state<string | undefined>(undefined);
  /** Why the tracker refused our connection (retried by itself); undefined once connected. */
  connectError = $state<string | undefined>(undefined);
  isJoining = $state(false);

  private readonly node: PeerNode<undefined>;

  constructor(node: PeerNode<undefined>) {
    this.node = node;
    node.on('session', (view) => {
      this.status = view.status;
      this.me = view.me;
      this.joinError = view.joinError;
      this.connectError = view.connectError;
    });
    node.on('peers', (peers) => {
      this.peers = peers;
    });
  }

  get savedNetworkKey(): string {
    return this.node.session.savedNetworkKey ?? '';
  }

  /** Joins under a name typed by the person; the error is shown in the join form. */
  async join(name: string, networkKey: string): Promise<void> {
    this.isJoining = true;
    try {
      await this.node.join(name, networkKey);
    } catch {
      // The node's session view carries the error into `joinError`.
    } finally {
      this.isJoining = false;
    }
  }
}
