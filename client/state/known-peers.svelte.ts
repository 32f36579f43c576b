/** Flags peers whose key changed since we first met them (see shared/identity/known-keys.ts). */
import { findKeyChanges, type KnownKeyStore } from '../../shared/identity/known-keys';
import type { PeerSummary } from '../../shared/protocol/tracker-messages';
import type { Alerts } from './alerts.svelte';

export class KnownPeers {
  /** Peer ids whose key differs from the one first seen under their name. */
  changedKeyPeerIds = $state<string[]>([]);

  private readonly knownKeys: KnownKeyStore;
  private readonly alerts: Alerts;

  constructor(knownKeys: KnownKeyStore, alerts: Alerts) {
    this.knownKeys = knownKeys;
    this.alerts = alerts;
  }

  hasChangedKey(peerId: string): boolean {
    return this.changedKeyPeerIds.includes(peerId);
  }

  async check(peers: PeerSummary[], myId: string | undefined): Promise<void> {
    const changes = await findKeyChanges(peers, myId, this.knownKeys);
    for (const { peer, warning } of changes) {
      if (!this.changedKeyPeerIds.includes(peer.id)) this.alerts.show(warning);
    }
    this.changedKeyPeerIds = changes.map(({ peer }) => peer.id);
  }
}
