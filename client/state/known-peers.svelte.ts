/**
 * Trust on first use for peer keys: the first key seen under a name is remembered; a known name
 * that shows up with another key is flagged in the peer list and announced as a warning.
 */
import { keyFingerprint } from '../../shared/identity/peer-keys';
import type { PeerSummary } from '../../shared/protocol/tracker-messages';
import type { IdbKnownKeys } from '../adapters/idb-known-keys';
import type { Alerts } from './alerts.svelte';

export class KnownPeers {
  /** Peer ids whose key differs from the one first seen under their name. */
  changedKeyPeerIds = $state<string[]>([]);

  private readonly knownKeys: IdbKnownKeys;
  private readonly alerts: Alerts;

  constructor(knownKeys: IdbKnownKeys, alerts: Alerts) {
    this.knownKeys = knownKeys;
    this.alerts = alerts;
  }

  hasChangedKey(peerId: string): boolean {
    return this.changedKeyPeerIds.includes(peerId);
  }

  async check(peers: PeerSummary[], myId: string | undefined): Promise<void> {
    const changed: string[] = [];
    for (const peer of peers) {
      if (peer.id === myId) continue;
      const knownKey = await this.knownKeys.keyOf(peer.name);
      if (knownKey === undefined) {
        await this.knownKeys.remember(peer.name, peer.publicKey);
      } else if (knownKey !== peer.publicKey) {
        changed.push(peer.id);
        if (!this.changedKeyPeerIds.includes(peer.id)) {
          this.alerts.show(
            `Warning: '${peer.name}' is using a different key than before (was ${await keyFingerprint(knownKey)}, ` +
              `now ${peer.fingerprint}). It may not be the same person.`,
          );
        }
      }
    }
    this.changedKeyPeerIds = changed;
  }
}
