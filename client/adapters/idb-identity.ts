/**
 * The browser's identity key pair, kept in IndexedDB. The private key is created non-extractable:
 * script on the page can sign with it but never read it out, and it survives reloads.
 */
import { createStore, get, set } from 'idb-keyval';
import { generateKeyPair, identityFromKeyPair, type PeerIdentity } from '../../shared/identity/peer-keys';

const KEY_PAIR_KEY = 'identity';

export async function loadOrCreateIdentity(namespace = 'shoal'): Promise<PeerIdentity> {
  const store = createStore(`${namespace}-identity`, 'keys');
  let keyPair = await get<CryptoKeyPair>(KEY_PAIR_KEY, store);
  if (!keyPair) {
    keyPair = await generateKeyPair(false);
    await set(KEY_PAIR_KEY, keyPair, store);
  }
  return identityFromKeyPair(keyPair);
}
