/**
 * SHA-256 as hex, the form of chunk hashes and content ids: WebCrypto where it exists (browsers on
 * secure pages, Node >= 20), else the plain-JS fallback, loaded only then.
 */
import { subtleCrypto } from '../crypto/web-crypto';

let fallbackLoading: Promise<typeof import('./sha256-fallback')> | undefined;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = subtleCrypto();
  if (subtle === undefined) {
    fallbackLoading ??= import('./sha256-fallback');
    return (await fallbackLoading).sha256HexFallback(bytes);
  }
  // WebCrypto wants an ArrayBuffer-backed view; a view over a SharedArrayBuffer is copied first.
  const digest = await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
