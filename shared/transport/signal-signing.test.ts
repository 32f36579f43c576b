import { describe, expect, it } from 'vitest';
import { generateKeyPair, identityFromKeyPair } from '../identity/peer-keys';
import { isSignalAuthentic, signSignal } from './signal-signing';

const session = { connectionId: 'conn-1', fromPeerId: 'ana-id', toPeerId: 'ben-id' };
const offer = { type: 'offer', sdp: 'v=0\r\na=fingerprint:sha-256 12:34:56\r\n' };

describe('signed signalling', () => {
  it('accepts an offer signed by the sender and refuses a swapped fingerprint', async () => {
    const ana = await identityFromKeyPair(await generateKeyPair(false));
    const signed = await signSignal(offer, session, ana);
    expect(await isSignalAuthentic(signed, session, ana.publicKey)).toBe(true);
    const tampered = { ...signed, sdp: signed.sdp?.replace('12:34', '99:99') };
    expect(await isSignalAuthentic(tampered, session, ana.publicKey)).toBe(false);
  });

  it('refuses an unsigned offer, or one signed by another key or for another session', async () => {
    const ana = await identityFromKeyPair(await generateKeyPair(false));
    const mallory = await identityFromKeyPair(await generateKeyPair(false));
    expect(await isSignalAuthentic(offer, session, ana.publicKey)).toBe(false);
    expect(await isSignalAuthentic(await signSignal(offer, session, mallory), session, ana.publicKey)).toBe(false);
    const replayed = await signSignal(offer, { ...session, connectionId: 'conn-0' }, ana);
    expect(await isSignalAuthentic(replayed, session, ana.publicKey)).toBe(false);
  });

  it('lets ICE candidates through unsigned', async () => {
    const ana = await identityFromKeyPair(await generateKeyPair(false));
    const candidate = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' } };
    expect(await signSignal(candidate, session, ana)).toEqual(candidate);
    expect(await isSignalAuthentic(candidate, session, ana.publicKey)).toBe(true);
  });
});
