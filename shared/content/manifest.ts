/**
 * Content addressing: a file's content id is the SHA-256 of its manifest (size, chunk size and the
 * list of chunk hashes), so a downloader can check a manifest against the id it searched for and
 * then each chunk against the manifest. Names are not part of the id: the same bytes under two
 * names are one file in the swarm.
 */
import { ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import { chunkCount, chunkLength, MAX_CHUNKS_PER_FILE } from './chunking';
import { sha256Hex } from './sha256';

const MANIFEST_ID_PREFIX = 'shoal-manifest-v1';

/** The canonical text hashed into the content id; changing it changes every id. */
function canonicalManifestText(manifest: Manifest): string {
  return [MANIFEST_ID_PREFIX, String(manifest.size), String(manifest.chunkSizeBytes), ...manifest.chunkHashes].join('\n');
}

export async function contentIdOf(manifest: Manifest): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalManifestText(manifest)));
}

/** Checks that a manifest received from a peer is consistent and hashes to the expected id. */
export async function verifyManifest(contentId: string, manifest: Manifest): Promise<void> {
  if (manifest.chunkHashes.length !== chunkCount(manifest.size, manifest.chunkSizeBytes)) {
    throw new ShoalError('MANIFEST_MISMATCH', 'The manifest lists the wrong number of chunks for the file size');
  }
  // Shoal never cuts a file into more chunks, and a have-bitfield could not describe them.
  if (manifest.chunkHashes.length > MAX_CHUNKS_PER_FILE) {
    throw new ShoalError('MANIFEST_MISMATCH', `The manifest lists more than ${MAX_CHUNKS_PER_FILE} chunks`);
  }
  if ((await contentIdOf(manifest)) !== contentId) {
    throw new ShoalError('MANIFEST_MISMATCH', 'The manifest does not match the content id');
  }
}

/** True when `bytes` are exactly chunk `index` of the file the manifest describes. */
export async function isChunkValid(manifest: Manifest, index: number, bytes: Uint8Array): Promise<boolean> {
  const expectedHash = manifest.chunkHashes[index];
  if (expectedHash === undefined) return false;
  if (bytes.byteLength !== chunkLength(manifest.size, manifest.chunkSizeBytes, index)) return false;
  return (await sha256Hex(bytes)) === expectedHash;
}
