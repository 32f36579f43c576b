import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkRange } from '../../shared/content/chunking';
import { sha256Hex } from '../../shared/content/sha256';
import { isChunkIntact, useChunkDigest } from '../../shared/engine';
import type { Manifest } from '../../shared/protocol/peer-messages';
import { nodeSha256Hex } from './node-sha256';

const CHUNK_BYTES = 64 * 1024;

async function manifestOf(bytes: Uint8Array): Promise<Manifest> {
  const chunkHashes: string[] = [];
  for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES) chunkHashes.push(await sha256Hex(bytes.subarray(start, start + CHUNK_BYTES)));
  return { size: bytes.byteLength, chunkSizeBytes: CHUNK_BYTES, chunkHashes };
}

function chunkOf(bytes: Uint8Array, manifest: Manifest, index: number): Uint8Array {
  const { start, end } = chunkRange(manifest.size, manifest.chunkSizeBytes, index);
  return bytes.slice(start, end);
}

describe("the Node peer's chunk digest", () => {
  afterEach(() => useChunkDigest(sha256Hex));

  it('gives the digests WebCrypto gives, for empty, tiny, chunk-sized and odd-sized bytes, and views into a larger buffer', async () => {
    const whole = randomBytes(3 * CHUNK_BYTES + 7);
    for (const bytes of [new Uint8Array(0), whole.subarray(0, 1), whole.subarray(0, CHUNK_BYTES), whole, whole.subarray(5, 2 * CHUNK_BYTES + 1)]) {
      expect(nodeSha256Hex(bytes)).toBe(await sha256Hex(bytes));
    }
  });

  it('once installed, chunk checks use it and still accept every good chunk and refuse damaged, short and unknown ones', async () => {
    const file = randomBytes(2 * CHUNK_BYTES + 1000);
    const manifest = await manifestOf(file);
    let hashedBytes = 0;
    useChunkDigest((bytes) => {
      hashedBytes += bytes.byteLength;
      return nodeSha256Hex(bytes);
    });
    for (let index = 0; index < manifest.chunkHashes.length; index += 1) {
      expect(await isChunkIntact(manifest, index, chunkOf(file, manifest, index))).toBe(true);
    }
    expect(hashedBytes).toBe(file.byteLength);
    const damaged = chunkOf(file, manifest, 1);
    damaged.set([(damaged.at(-1) ?? 0) ^ 0x01], damaged.byteLength - 1);
    expect(await isChunkIntact(manifest, 1, damaged)).toBe(false);
    expect(await isChunkIntact(manifest, 0, chunkOf(file, manifest, 0).subarray(1))).toBe(false);
    expect(await isChunkIntact(manifest, 1, chunkOf(file, manifest, 0))).toBe(false); // a good chunk in the wrong place
    expect(await isChunkIntact(manifest, 3, new Uint8Array(0))).toBe(false);
  });
});
