import { afterEach, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from './sha256';
import { sha256HexFallback } from './sha256-fallback';

function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, offset + 65_536));
  return bytes;
}

// Around the 64-byte block and its 55/56-byte padding edge, and a chunk-sized run.
const SIZES = [0, 1, 55, 56, 63, 64, 65, 1000, 1024 * 1024 + 3];

describe('SHA-256 without WebCrypto', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives the same digest as WebCrypto for data of every size', async () => {
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      expect(sha256HexFallback(bytes), `${size} bytes`).toBe(await sha256Hex(bytes));
    }
  });

  it('is what sha256Hex uses on a page that has no crypto.subtle', async () => {
    const bytes = randomBytes(100_000);
    const expected = await sha256Hex(bytes);
    const subtleDigest = vi.spyOn(crypto.subtle, 'digest');
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    expect(await sha256Hex(bytes)).toBe(expected);
    expect(subtleDigest).not.toHaveBeenCalled();
    subtleDigest.mockRestore();
  });
});
