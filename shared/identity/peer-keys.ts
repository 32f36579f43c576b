/**
 * Peer identity keys: ECDSA P-256. A public key travels as base64 of its raw uncompressed point; a
 * signature as base64 of the 64-byte (r || s) form; a person compares keys by a short fingerprint.
 * WebCrypto does the work wherever it exists; on a page without it (plain http:// from another
 * machine) the same formats come from the @noble fallback, loaded only then, so both kinds of peer
 * verify each other.
 */
import { sha256Hex } from '../content/sha256';
import { subtleCrypto } from '../crypto/web-crypto';
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

let fallbackLoading: Promise<typeof import('./p256-fallback')> | undefined;
function p256Fallback(): Promise<typeof import('./p256-fallback')> {
  fallbackLoading ??= import('./p256-fallback');
  return fallbackLoading;
}

/** Wraps a WebCrypto key pair (the private key may be non-extractable). */
export async function identityFromKeyPair(keyPair: CryptoKeyPair): Promise<PeerIdentity> {
  const subtle = requireWebCrypto();
  const publicKey = toBase64(new Uint8Array(await subtle.exportKey('raw', keyPair.publicKey)));
  return {
    publicKey,
    sign: async (text) => toBase64(new Uint8Array(await subtle.sign(SIGNATURE_ALGORITHM, keyPair.privateKey, encode(text)))),
  };
}

/** A new key pair. Browsers keep the private key non-extractable; Node must export it to a key file. */
export function generateKeyPair(extractable: boolean): Promise<CryptoKeyPair> {
  return requireWebCrypto().generateKey(ALGORITHM, extractable, ['sign', 'verify']);
}

/**
 * A new raw P-256 secret key, for a page without WebCrypto. The caller stores these bytes, so the
 * key is readable by script on the page: without WebCrypto there is no non-extractable key.
 */
export async function generateSecretKey(): Promise<Uint8Array> {
  return (await p256Fallback()).newSecretKey();
}

/** Wraps a raw secret key from generateSecretKey; signs in plain JS, with or without WebCrypto. */
export async function identityFromSecretKey(secretKey: Uint8Array): Promise<PeerIdentity> {
  const fallback = await p256Fallback();
  return {
    publicKey: toBase64(fallback.publicKeyOf(secretKey)),
    sign: async (text) => toBase64(fallback.signBytes(secretKey, encode(text))),
  };
}

/** True when `signature` is `publicKey`'s signature of `text`; false for any malformed input. */
export async function verifySignature(publicKey: string, text: string, signature: string): Promise<boolean> {
  const keyBytes = fromBase64(publicKey);
  const signatureBytes = fromBase64(signature);
  if (!keyBytes || keyBytes.byteLength !== RAW_PUBLIC_KEY_BYTES || !signatureBytes) return false;
  const subtle = subtleCrypto();
  if (subtle === undefined) return (await p256Fallback()).verifyBytes(keyBytes, encode(text), signatureBytes);
  try {
    const key = await subtle.importKey('raw', keyBytes as Uint8Array<ArrayBuffer>, ALGORITHM, false, ['verify']);
    return await subtle.verify(SIGNATURE_ALGORITHM, key, signatureBytes as Uint8Array<ArrayBuffer>, encode(text));
  } catch {
    return false;
  }
}

/** True when the text decodes to a P-256 public key on the curve. */
export async function isValidPublicKey(publicKey: string): Promise<boolean> {
  const keyBytes = fromBase64(publicKey);
  if (!keyBytes || keyBytes.byteLength !== RAW_PUBLIC_KEY_BYTES) return false;
  const subtle = subtleCrypto();
  if (subtle === undefined) return (await p256Fallback()).isValidPublicKeyBytes(keyBytes);
  try {
    await subtle.importKey('raw', keyBytes as Uint8Array<ArrayBuffer>, ALGORITHM, false, ['verify']);
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

function requireWebCrypto(): SubtleCrypto {
  const subtle = subtleCrypto();
  if (subtle === undefined) throw new Error('WebCrypto is not available here; use generateSecretKey and identityFromSecretKey');
  return subtle;
}

function encode(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}
