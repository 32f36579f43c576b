/**
 * Who we are on the network: the tracker connection's status, our registration, and the live peer
 * list. The chosen name (and network key) is remembered so a reload or a tracker restart re-joins
 * without asking.
 */
import type { PeerIdentity } from '../../shared/identity/peer-keys';
import { asShoalError, ShoalError } from '../../shared/protocol/errors';
import type { JoinedPeer, PeerSummary } from '../../shared/protocol/tracker-messages';
import type { TrackerConnection } from '../../shared/tracker-client/tracker-connection';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting';

const SAVED_NAME_KEY = 'shoal.displayName';
const SAVED_NETWORK_KEY = 'shoal.networkKey';

/** After a reload the tracker may still hold our previous registration until it notices the old
 * socket closed; retry a taken name for a little longer than the tracker's dead-peer deadline. */
const REJOIN_RETRY_MS = 1000;
const REJOIN_GIVE_UP_MS = 20_000;

export interface ConnectionHooks {
  onJoined(): Promise<void>;
  onPeers(peers: PeerSummary[]): void;
}

export class Connection {
  status = $state<ConnectionStatus>('connecting');
  me = $state<JoinedPeer | undefined>(undefined);
  peers = $state<PeerSummary[]>([]);
  joinError = $state<string | undefined>(undefined);
  isJoining = $state(false);

  private readonly tracker: TrackerConnection;
  private readonly identity: PeerIdentity;
  private readonly hooks: ConnectionHooks;
  private wantedName: string | undefined = localStorage.getItem(SAVED_NAME_KEY) ?? undefined;
  private networkKey: string | undefined = localStorage.getItem(SAVED_NETWORK_KEY) ?? undefined;

  constructor(tracker: TrackerConnection, identity: PeerIdentity, hooks: ConnectionHooks) {
    this.tracker = tracker;
    this.identity = identity;
    this.hooks = hooks;
    tracker.onPeers((peers) => {
      this.peers = peers;
      hooks.onPeers(peers);
    });
    tracker.onRemoved(({ error }) => {
      this.forgetName();
      this.me = undefined;
      this.joinError = error.message;
    });
    tracker.onConnectionChange((isConnected) => {
      this.status = isConnected ? 'online' : 'reconnecting';
      if (!isConnected) {
        this.me = undefined;
        this.peers = [];
      } else if (this.wantedName !== undefined) {
        void this.rejoin(this.wantedName);
      }
    });
  }

  get savedNetworkKey(): string {
    return this.networkKey ?? '';
  }

  /** Joins under a name typed by the person; the error is shown in the join form. */
  async join(name: string, networkKey: string): Promise<void> {
    this.joinError = undefined;
    this.isJoining = true;
    this.networkKey = networkKey.trim() === '' ? undefined : networkKey.trim();
    try {
      await this.register(name);
    } catch (error) {
      this.joinError = asShoalError(error).message;
    } finally {
      this.isJoining = false;
    }
  }

  /** Joins again under the remembered name after a reload or reconnect. */
  private async rejoin(name: string): Promise<void> {
    const deadline = Date.now() + REJOIN_GIVE_UP_MS;
    for (;;) {
      try {
        await this.register(name);
        return;
      } catch (error) {
        const shoalError = asShoalError(error);
        const mayRetry = shoalError.code === 'NAME_TAKEN' && Date.now() < deadline && this.tracker.isConnected;
        if (!mayRetry) {
          this.forgetName();
          this.joinError = shoalError.message;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, REJOIN_RETRY_MS));
      }
    }
  }

  private async register(name: string): Promise<void> {
    if (!this.tracker.isConnected) {
      throw new ShoalError('PEER_UNREACHABLE', 'The tracker is not reachable right now; Shoal keeps trying to reconnect');
    }
    this.me = await this.tracker.join({ name, identity: this.identity, networkKey: this.networkKey });
    this.wantedName = this.me.name;
    localStorage.setItem(SAVED_NAME_KEY, this.me.name);
    if (this.networkKey === undefined) localStorage.removeItem(SAVED_NETWORK_KEY);
    else localStorage.setItem(SAVED_NETWORK_KEY, this.networkKey);
    await this.hooks.onJoined();
  }

  private forgetName(): void {
    this.wantedName = undefined;
    localStorage.removeItem(SAVED_NAME_KEY);
  }
}
