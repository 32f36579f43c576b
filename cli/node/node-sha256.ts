/**
 * The Node peer's SHA-256 for chunk checks (shared/engine/chunk-verification.ts): node:crypto over the
 * bytes where they are, synchronous. About 0.6 ms per MiB here; WebCrypto's digest costs the same
 * hash plus a copy of the chunk, a thread-pool hop and zeroing the copy.
 */
import { createHash } from 'node:crypto';

export function nodeSha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
