/**
 * The browser's identity key, kept in IndexedDB so it survives reloads. On a secure page it is a
 * WebCrypto key pair whose private key is non-extractable: script on the page can sign with it but
 * never read it out. A page over plain http:// from another machine has no WebCrypto, so there the
 * key is a raw P-256 secret stored as bytes, which script on the page can read: extractable, the
 * price of working without a secure context (the page says so).
 */
import { createStore, get, set } from 'idb-keyval';
import { hasWebCrypto } from '../../shared/crypto/web-crypto';
import {
  generateKeyPair,
  generateSecretKey,
  identityFromKeyPair,
  identityFromSecretKey,
  type PeerIdentity,
} from '../../shared/identity/peer-keys';

const KEY_PAIR_KEY = 'identity';
/** Kept apart from the key pair: a non-extractable CryptoKeyPair is of no use without WebCrypto. */
const SECRET_KEY_KEY = 'identity-secret-key';

export async function loadOrCreateIdentity(namespace = 'shoal'): Promise<PeerIdentity> {
  const store = createStore(`${namespace}-identity`, 'keys');
  const isWebCrypto = hasWebCrypto();
  if (isWebCrypto) {
    const keyPair = await get<CryptoKeyPair>(KEY_PAIR_KEY, store);
    if (keyPair) return identityFromKeyPair(keyPair);
  }
  const storedSecret = await get<Uint8Array>(SECRET_KEY_KEY, store);
  if (storedSecret) return identityFromSecretKey(storedSecret);
  if (isWebCrypto) {
    const keyPair = await generateKeyPair(false);
    await set(KEY_PAIR_KEY, keyPair, store);
    return identityFromKeyPair(keyPair);
  }
  const secretKey = await generateSecretKey();
  await set(SECRET_KEY_KEY, secretKey, store);
  return identityFromSecretKey(secretKey);
}
