import { describe, expect, it } from 'vitest';
import { generateKeyPair, identityFromKeyPair, isValidPublicKey, keyFingerprint, verifySignature } from './peer-keys';
import { dtlsFingerprintsOf, joinChallengeText, signalAuthText } from './signed-texts';

describe('peer identity keys', () => {
  it('signs text that only the matching public key verifies', async () => {
    const ana = await identityFromKeyPair(await generateKeyPair(false));
    const ben = await identityFromKeyPair(await generateKeyPair(false));
    const text = joinChallengeText('nonce-123', 'ana');
    const signature = await ana.sign(text);
    expect(await verifySignature(ana.publicKey, text, signature)).toBe(true);
    expect(await verifySignature(ben.publicKey, text, signature)).toBe(false);
    expect(await verifySignature(ana.publicKey, joinChallengeText('nonce-123', 'ben'), signature)).toBe(false);
  });

  it('treats malformed keys and signatures as invalid instead of throwing', async () => {
    const ana = await identityFromKeyPair(await generateKeyPair(false));
    expect(await verifySignature('not base64!', 'x', 'y')).toBe(false);
    expect(await verifySignature(ana.publicKey, 'x', 'AAAA')).toBe(false);
    expect(await isValidPublicKey(btoa('x'.repeat(65)))).toBe(false);
    expect(await isValidPublicKey(ana.publicKey)).toBe(true);
  });

  it('gives a short, stable fingerprint per key', async () => {
    const ana = await identityFromKeyPair(await generateKeyPair(false));
    const fingerprint = await keyFingerprint(ana.publicKey);
    expect(fingerprint).toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    expect(await keyFingerprint(ana.publicKey)).toBe(fingerprint);
  });
});

describe('signed texts', () => {
  const sdp = 'v=0\r\na=fingerprint:sha-256 AB:CD:EF\r\na=setup:actpass\r\n';

  it('extracts DTLS fingerprints from an SDP', () => {
    expect(dtlsFingerprintsOf(sdp)).toEqual(['sha-256 ab:cd:ef']);
  });

  it('changes the signed text when the fingerprint or the session changes', () => {
    const session = { connectionId: 'c1', fromPeerId: 'a', toPeerId: 'b', type: 'offer' };
    const base = signalAuthText(session, sdp);
    expect(signalAuthText(session, sdp.replace('AB', '00'))).not.toBe(base);
    expect(signalAuthText({ ...session, toPeerId: 'c' }, sdp)).not.toBe(base);
    expect(signalAuthText({ ...session, type: 'answer' }, sdp)).not.toBe(base);
  });
});
