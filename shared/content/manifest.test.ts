import { describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import type { Manifest } from '../protocol/peer-messages';
import { chunkCount, chunkRange, chunkSizeFor } from './chunking';
import { contentIdOf, isChunkValid, verifyManifest } from './manifest';
import { sha256Hex } from './sha256';

function randomBytes(sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  for (let offset = 0; offset < sizeBytes; offset += 65_536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + 65_536, sizeBytes)));
  }
  return bytes;
}

async function manifestOf(bytes: Uint8Array): Promise<Manifest> {
  const chunkSizeBytes = chunkSizeFor(bytes.byteLength);
  const chunkHashes: string[] = [];
  for (let index = 0; index < chunkCount(bytes.byteLength, chunkSizeBytes); index += 1) {
    const { start, end } = chunkRange(bytes.byteLength, chunkSizeBytes, index);
    chunkHashes.push(await sha256Hex(bytes.subarray(start, end)));
  }
  return { size: bytes.byteLength, chunkSizeBytes, chunkHashes };
}

describe('manifest and content id', () => {
  it('gives the same bytes the same content id, and different bytes a different one', async () => {
    const bytes = randomBytes(600 * 1024);
    const first = await contentIdOf(await manifestOf(bytes));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await contentIdOf(await manifestOf(bytes.slice()))).toBe(first);
    const changed = bytes.slice();
    changed[123] = (changed[123] ?? 0) ^ 1;
    expect(await contentIdOf(await manifestOf(changed))).not.toBe(first);
  });

  it('accepts a manifest that hashes to its content id', async () => {
    const manifest = await manifestOf(randomBytes(300 * 1024));
    await expect(verifyManifest(await contentIdOf(manifest), manifest)).resolves.toBeUndefined();
  });

  it('rejects a tampered manifest with MANIFEST_MISMATCH', async () => {
    const manifest = await manifestOf(randomBytes(700 * 1024));
    const contentId = await contentIdOf(manifest);
    const tampered: Manifest = { ...manifest, chunkHashes: [...manifest.chunkHashes] };
    tampered.chunkHashes[1] = '0'.repeat(64);
    const error = await verifyManifest(contentId, tampered).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShoalError);
    expect((error as ShoalError).code).toBe('MANIFEST_MISMATCH');
  });

  it('rejects a manifest whose chunk count does not fit its size', async () => {
    const manifest = await manifestOf(randomBytes(300 * 1024));
    const lying: Manifest = { ...manifest, size: manifest.size * 4 };
    await expect(verifyManifest(await contentIdOf(lying), lying)).rejects.toMatchObject({ code: 'MANIFEST_MISMATCH' });
  });

  it('rejects a consistent manifest with more chunks than a have-bitfield can describe', async () => {
    const chunkHashes = Array.from({ length: 1025 }, () => 'a'.repeat(64));
    const huge: Manifest = { size: 1025, chunkSizeBytes: 1, chunkHashes };
    const error = await verifyManifest(await contentIdOf(huge), huge).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MANIFEST_MISMATCH', message: 'The manifest lists more than 1024 chunks' });
  });

  it('accepts exactly the right bytes for a chunk', async () => {
    const bytes = randomBytes(chunkSizeFor(0) + 1000);
    const manifest = await manifestOf(bytes);
    const { start, end } = chunkRange(bytes.byteLength, manifest.chunkSizeBytes, 1);
    const lastChunk = bytes.subarray(start, end);
    expect(await isChunkValid(manifest, 1, lastChunk)).toBe(true);
    const flipped = lastChunk.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 0xff;
    expect(await isChunkValid(manifest, 1, flipped)).toBe(false);
    expect(await isChunkValid(manifest, 1, lastChunk.subarray(1))).toBe(false);
    expect(await isChunkValid(manifest, 0, lastChunk)).toBe(false);
    expect(await isChunkValid(manifest, 2, lastChunk)).toBe(false);
  });
});
