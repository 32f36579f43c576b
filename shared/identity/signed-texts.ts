/**
 * The exact texts peers sign. Each starts with a purpose tag so a signature made for one purpose
 * can never be replayed as another.
 */

/** Signed at join: proves possession of the key for this one-time tracker nonce and this name. */
export function joinChallengeText(nonce: string, name: string): string {
  return ['shoal-join-v1', nonce, name].join('\n');
}

/** The DTLS fingerprints an SDP commits to ("a=fingerprint:sha-256 AB:CD:..."), sorted and lowercased. */
export function dtlsFingerprintsOf(sdp: string): string[] {
  const fingerprints: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+)\s+(\S+)/i.exec(line.trim());
    if (match) fingerprints.push(`${match[1]} ${match[2]}`.toLowerCase());
  }
  return fingerprints.sort();
}

export interface SignalSession {
  connectionId: string;
  fromPeerId: string;
  toPeerId: string;
  /** 'offer' or 'answer'. */
  type: string;
}

/** Signed on every offer and answer: binds the connection's DTLS certificate to the sender's key. */
export function signalAuthText(session: SignalSession, sdp: string): string {
  return [
    'shoal-signal-v1',
    session.connectionId,
    session.fromPeerId,
    session.toPeerId,
    session.type,
    ...dtlsFingerprintsOf(sdp),
  ].join('\n');
}
