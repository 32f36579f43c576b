/**
 * Trust on first use for peer keys, for browsers and Node alike: the first key seen under a name
 * is remembered; a known name that shows up with another key is reported.
 */
import type { PeerSummary } from '../protocol/tracker-messages';
import { keyFingerprint } from './peer-keys';

/** Where a peer keeps the keys it has met, by name (IndexedDB in browsers, a file in Node). */
export interface KnownKeyStore {
  keyOf(name: string): Promise<string | undefined>;
  remember(name: string, publicKey: string): Promise<void>;
}

export interface KeyChange {
  peer: PeerSummary;
  /** A person-readable warning naming both fingerprints. */
  warning: string;
}

/** Remembers new peers' keys and returns the peers whose key differs from the one first seen. */
export async function findKeyChanges(peers: PeerSummary[], myId: string | undefined, store: KnownKeyStore): Promise<KeyChange[]> {
  const changes: KeyChange[] = [];
  for (const peer of peers) {
    if (peer.id === myId) continue;
    const knownKey = await store.keyOf(peer.name);
    if (knownKey === undefined) {
      await store.remember(peer.name, peer.publicKey);
    } else if (knownKey !== peer.publicKey) {
      const warning =
        `Warning: '${peer.name}' is using a different key than before (was ${await keyFingerprint(knownKey)}, ` +
        `now ${peer.fingerprint}). It may not be the same person.`;
      changes.push({ peer, warning });
    }
  }
  return changes;
}
