/**
 * Peer identity keys: ECDSA P-256 through WebCrypto, which browsers and Node both provide. A public
 * key travels as base64 of its raw uncompressed point; a signature as base64 of WebCrypto's
 * 64-byte (r || s) form; a person compares keys by a short fingerprint.
 */
import { sha256Hex } from '../content/sha256';
import { fromBase64, toBase64 } from './base64';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNATURE_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A raw P-256 public key is 65 bytes: 0x04, then x and y. */
const RAW_PUBLIC_KEY_BYTES = 65;

/** What a peer needs to prove who it is: sign with a private key that never leaves it. */
export interface PeerIdentity {
  /** base64 of the raw public key, as sent to the tracker. */
  readonly publicKey: string;
  sign(text: string): Promise<string>;
}

/** Wraps a WebCrypto key pair (the private key may be non-extractable). */
export async function identityFromKeyPair(keyPair: CryptoKeyPair): Promise<PeerIdentity> {
  const publicKey = toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', keyPair.publicKey)));
  return {
    publicKey,
    sign: async (text) =>
      toBase64(new Uint8Array(await crypto.subtle.sign(SIGNATURE_ALGORITHM, keyPair.privateKey, encode(text)))),
  };
}

/** A new key pair. Browsers keep the private key non-extractable; Node must export it to a key file. */
export function generateKeyPair(extractable: boolean): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, extractable, ['sign', 'verify']);
}

/** True when `signature` is `publicKey`'s signature of `text`; false for any malformed input. */
export async function verifySignature(publicKey: string, text: string, signature: string): Promise<boolean> {
  const keyBytes = fromBase64(publicKey);
  const signatureBytes = fromBase64(signature);
  if (!keyBytes || keyBytes.byteLength !== RAW_PUBLIC_KEY_BYTES || !signatureBytes) return false;
  try {
    const key = await crypto.subtle.importKey('raw', keyBytes as Uint8Array<ArrayBuffer>, ALGORITHM, false, ['verify']);
    return await crypto.subtle.verify(SIGNATURE_ALGORITHM, key, signatureBytes as Uint8Array<ArrayBuffer>, encode(text));
  } catch {
    return false;
  }
}

/** True when the text decodes to a P-256 public key WebCrypto accepts. */
export async function isValidPublicKey(publicKey: string): Promise<boolean> {
  const keyBytes = fromBase64(publicKey);
  if (!keyBytes || keyBytes.byteLength !== RAW_PUBLIC_KEY_BYTES) return false;
  try {
    await crypto.subtle.importKey('raw', keyBytes as Uint8Array<ArrayBuffer>, ALGORITHM, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

/** Short, human-comparable form of a public key: the first 64 bits of its SHA-256, as 4 groups of 4 hex digits. */
export async function keyFingerprint(publicKey: string): Promise<string> {
  const hex = await sha256Hex(encode(publicKey));
  return (hex.slice(0, 16).match(/.{4}/g) ?? []).join(' ');
}

function encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}
