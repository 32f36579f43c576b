/**
 * Signed signalling: every offer and answer carries the sender's signature over the connection's
 * DTLS fingerprints and session, so a receiver can tell that the certificate it will talk to is the
 * one the named peer chose. A signal altered on the way (say, a swapped fingerprint) fails the check.
 */
import type { PeerIdentity } from '../identity/peer-keys';
import { verifySignature } from '../identity/peer-keys';
import { signalAuthText, type SignalSession } from '../identity/signed-texts';
import type { SignalData } from '../protocol/tracker-messages';

export interface SignalAuth {
  identity: PeerIdentity;
  /** Our tracker peer id (signatures name both ends); undefined before we have joined. */
  myPeerId(): string | undefined;
  /** Told when a peer's offer or answer fails its signature check and the connection is refused. */
  onRejected?(event: SignalRejection): void;
}

export interface SignalRejection {
  peerId: string;
  peerName: string;
  reason: string;
}

/** Only session descriptions commit to a certificate; candidates and renegotiation requests do not. */
export function needsSignature(data: SignalData): data is SignalData & { type: 'offer' | 'answer'; sdp: string } {
  return (data.type === 'offer' || data.type === 'answer') && typeof data.sdp === 'string';
}

export async function signSignal(data: SignalData, session: Omit<SignalSession, 'type'>, identity: PeerIdentity): Promise<SignalData> {
  if (!needsSignature(data)) return data;
  const auth = await identity.sign(signalAuthText({ ...session, type: data.type }, data.sdp));
  return { ...data, auth };
}

/** True when the signal needs no signature or carries a valid one from `publicKey`. */
export async function isSignalAuthentic(
  data: SignalData,
  session: Omit<SignalSession, 'type'>,
  publicKey: string,
): Promise<boolean> {
  if (!needsSignature(data)) return true;
  if (typeof data.auth !== 'string') return false;
  return verifySignature(publicKey, signalAuthText({ ...session, type: data.type }, data.sdp), data.auth);
}
