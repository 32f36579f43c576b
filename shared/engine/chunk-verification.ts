/**
 * Whether received or stored bytes are the chunk the manifest describes, with the host's SHA-256.
 * WebCrypto by default (the only choice in a page); a host with a cheaper digest installs it once at
 * start (useChunkDigest). On Node, node:crypto hashes the caller's bytes where they are, while
 * WebCrypto's digest copies each chunk into a job, hashes it on the thread pool and zeroes the copy
 * afterwards: two extra passes over every MiB a Node peer receives or first serves.
 */
import { chunkLength } from '../content/chunking';
import { sha256Hex } from '../content/sha256';
import type { Manifest } from '../protocol/peer-messages';

/** SHA-256 of `bytes` as lowercase hex, the form of a manifest's chunk hashes. */
export type ChunkDigest = (bytes: Uint8Array) => string | Promise<string>;

let digest: ChunkDigest = sha256Hex;

/** Makes `hostDigest` the SHA-256 every chunk check uses from now on (a host calls it at start). */
export function useChunkDigest(hostDigest: ChunkDigest): void {
  digest = hostDigest;
}

/** True when `bytes` are exactly chunk `index` of the file the manifest describes. */
export async function isChunkIntact(manifest: Manifest, index: number, bytes: Uint8Array): Promise<boolean> {
  const expectedHash = manifest.chunkHashes[index];
  if (expectedHash === undefined) return false;
  if (bytes.byteLength !== chunkLength(manifest.size, manifest.chunkSizeBytes, index)) return false;
  return (await digest(bytes)) === expectedHash;
}
