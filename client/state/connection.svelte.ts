/**
 * Who we are on the network: the tracker connection's status, our registration, and the live peer
 * list. The chosen name is remembered so a reload or a tracker restart re-joins without asking.
 */
import { asShoalError, ShoalError } from '../../shared/protocol/errors';
import type { Holder, PeerSummary } from '../../shared/protocol/tracker-messages';
import type { TrackerConnection } from '../../shared/tracker-client/tracker-connection';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting';

const SAVED_NAME_KEY = 'shoal.displayName';

/** After a reload the tracker may still hold our previous registration until it notices the old
 * socket closed; retry a taken name for a little longer than the tracker's dead-peer deadline. */
const REJOIN_RETRY_MS = 1000;
const REJOIN_GIVE_UP_MS = 20_000;

export class Connection {
  status = $state<ConnectionStatus>('connecting');
  me = $state<Holder | undefined>(undefined);
  peers = $state<PeerSummary[]>([]);
  joinError = $state<string | undefined>(undefined);
  isJoining = $state(false);

  private readonly tracker: TrackerConnection;
  private readonly onJoined: () => Promise<void>;
  private wantedName: string | undefined = localStorage.getItem(SAVED_NAME_KEY) ?? undefined;

  constructor(tracker: TrackerConnection, onJoined: () => Promise<void>) {
    this.tracker = tracker;
    this.onJoined = onJoined;
    tracker.onPeers((peers) => (this.peers = peers));
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

  get savedName(): string | undefined {
    return this.wantedName;
  }

  /** Joins under a name typed by the person; the error is shown in the join form. */
  async join(name: string): Promise<void> {
    this.joinError = undefined;
    this.isJoining = true;
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
    this.me = await this.tracker.join(name);
    this.wantedName = this.me.name;
    localStorage.setItem(SAVED_NAME_KEY, this.me.name);
    await this.onJoined();
  }

  private forgetName(): void {
    this.wantedName = undefined;
    localStorage.removeItem(SAVED_NAME_KEY);
  }
}
