import { p256 } from '@noble/curves/nist.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64 } from './base64';
import { isValidPublicKeyBytes, newSecretKey, publicKeyOf, signBytes, verifyBytes } from './p256-fallback';
import {
  generateKeyPair,
  generateSecretKey,
  identityFromKeyPair,
  identityFromSecretKey,
  isValidPublicKey,
  keyFingerprint,
  verifySignature,
} from './peer-keys';

const encoder = new TextEncoder();

/** Makes this process look like a browser page over plain HTTP: random numbers, but no crypto.subtle. */
function withoutWebCrypto(): void {
  vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
}

function isHighS(signature: Uint8Array): boolean {
  return p256.Signature.fromBytes(signature, 'compact').hasHighS();
}

/** A valid key with its last byte changed: x stays, y no longer fits it, so the point is off the curve. */
function offCurveKey(publicKey: Uint8Array): Uint8Array {
  const changed = publicKey.slice();
  changed[64] = (changed[64] ?? 0) ^ 0x01;
  return changed;
}

describe('P-256 without WebCrypto', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('verifies WebCrypto signatures, the high-S ones included, and WebCrypto verifies its signatures', async () => {
    const webCryptoPeer = await identityFromKeyPair(await generateKeyPair(false));
    const webCryptoKey = fromBase64(webCryptoPeer.publicKey) ?? new Uint8Array();
    const secretKey = newSecretKey();
    const fallbackKey = toBase64(publicKeyOf(secretKey));
    let highSCount = 0;
    // WebCrypto leaves s as it comes, high half the time: 40 signatures all low-S would take 1 in 2^40.
    for (let i = 0; i < 40; i++) {
      const text = `shoal-test-${i}-${Math.random()}`;
      const fromWebCrypto = fromBase64(await webCryptoPeer.sign(text)) ?? new Uint8Array();
      if (isHighS(fromWebCrypto)) highSCount++;
      expect(verifyBytes(webCryptoKey, encoder.encode(text), fromWebCrypto), text).toBe(true);
      expect(verifyBytes(webCryptoKey, encoder.encode(`${text}!`), fromWebCrypto), text).toBe(false);

      const fromFallback = toBase64(signBytes(secretKey, encoder.encode(text)));
      expect(await verifySignature(fallbackKey, text, fromFallback), text).toBe(true);
      expect(await verifySignature(fallbackKey, `${text}!`, fromFallback), text).toBe(false);
    }
    expect(highSCount).toBeGreaterThan(0);
  });

  it('is what peer-keys uses on a page without crypto.subtle, with the same keys, signatures and fingerprints', async () => {
    const webCryptoPeer = await identityFromKeyPair(await generateKeyPair(false));
    const text = 'shoal-join-v1\nnonce\nana';
    const webCryptoSignatures = await Promise.all(Array.from({ length: 16 }, () => webCryptoPeer.sign(text)));
    const webCryptoFingerprint = await keyFingerprint(webCryptoPeer.publicKey);
    const stored = newSecretKey();
    const storedKey = toBase64(publicKeyOf(stored));
    const storedFingerprint = await keyFingerprint(storedKey);

    withoutWebCrypto();
    expect(webCryptoSignatures.some((signature) => isHighS(fromBase64(signature) ?? new Uint8Array()))).toBe(true);
    for (const signature of webCryptoSignatures) expect(await verifySignature(webCryptoPeer.publicKey, text, signature)).toBe(true);
    expect(await keyFingerprint(webCryptoPeer.publicKey)).toBe(webCryptoFingerprint);
    expect(await isValidPublicKey(webCryptoPeer.publicKey)).toBe(true);

    const insecurePeer = await identityFromSecretKey(stored);
    expect(insecurePeer.publicKey).toBe(storedKey);
    expect(await keyFingerprint(insecurePeer.publicKey)).toBe(storedFingerprint);
    const signature = await insecurePeer.sign(text);
    expect((await generateSecretKey()).byteLength).toBe(32);

    vi.unstubAllGlobals();
    expect(await verifySignature(insecurePeer.publicKey, text, signature)).toBe(true);
    expect(await verifySignature(webCryptoPeer.publicKey, text, signature)).toBe(false);
  });

  it('rejects off-curve and malformed public keys, as WebCrypto does', async () => {
    const publicKey = publicKeyOf(newSecretKey());
    const compressed = p256.getPublicKey(newSecretKey(), true);
    const bad = [
      offCurveKey(publicKey),
      new Uint8Array(65).fill(0).map((_, i) => (i === 0 ? 4 : 0)),
      Uint8Array.of(0x05, ...publicKey.subarray(1)),
      publicKey.subarray(0, 64),
      compressed,
      new Uint8Array(),
    ];
    expect(isValidPublicKeyBytes(publicKey)).toBe(true);
    for (const key of bad) {
      expect(isValidPublicKeyBytes(key), toBase64(key)).toBe(false);
      expect(await isValidPublicKey(toBase64(key)), toBase64(key)).toBe(false);
    }

    const signature = signBytes(newSecretKey(), encoder.encode('x'));
    expect(verifyBytes(offCurveKey(publicKey), encoder.encode('x'), signature)).toBe(false);
    withoutWebCrypto();
    for (const key of bad) expect(await isValidPublicKey(toBase64(key)), toBase64(key)).toBe(false);
    expect(await isValidPublicKey(toBase64(publicKey))).toBe(true);
    expect(await verifySignature(toBase64(publicKey), 'x', 'AAAA')).toBe(false);
    expect(await verifySignature('not base64!', 'x', toBase64(signature))).toBe(false);
  });
});
