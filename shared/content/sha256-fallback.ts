/**
 * SHA-256 in plain JS (@noble/hashes) for pages without WebCrypto. About a seventh of WebCrypto's
 * speed, so it is loaded and used only where crypto.subtle is missing; same digests either way.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export function sha256HexFallback(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes));
}
