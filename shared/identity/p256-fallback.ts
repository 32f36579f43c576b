/**
 * ECDSA P-256 in plain JS (@noble/curves) for pages without WebCrypto, speaking exactly WebCrypto's
 * formats so peers on secure and insecure pages verify each other: signatures are the 64-byte
 * r || s of the SHA-256 of the message (noble prehashes with SHA-256 by default), public keys the
 * raw 65-byte uncompressed point.
 */
import { p256 } from '@noble/curves/nist.js';

/** A raw P-256 public key is 65 bytes: 0x04, then x and y. */
const RAW_PUBLIC_KEY_BYTES = 65;
const UNCOMPRESSED_POINT_TAG = 0x04;

/** A random secret key (32 bytes), from crypto.getRandomValues, which insecure pages still have. */
export function newSecretKey(): Uint8Array {
  return p256.utils.randomSecretKey();
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return p256.getPublicKey(secretKey, false);
}

export function signBytes(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return p256.sign(message, secretKey);
}

/** False for malformed input rather than throwing, like WebCrypto's verify. */
export function verifyBytes(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isValidPublicKeyBytes(publicKey)) return false;
  try {
    // WebCrypto does not normalise s, so about half its signatures are "high-S"; noble refuses
    // those by default (a Bitcoin rule against malleability), which would reject honest peers.
    return p256.verify(signature, message, publicKey, { lowS: false });
  } catch {
    return false;
  }
}

/** True for an uncompressed point on the curve, the only form WebCrypto's raw import and ours exchange. */
export function isValidPublicKeyBytes(publicKey: Uint8Array): boolean {
  if (publicKey.byteLength !== RAW_PUBLIC_KEY_BYTES || publicKey[0] !== UNCOMPRESSED_POINT_TAG) return false;
  try {
    return p256.utils.isValidPublicKey(publicKey, false);
  } catch {
    return false;
  }
}
