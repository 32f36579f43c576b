/** Identity keys for test peers: real WebCrypto P-256 key pairs, as browsers and the CLI make them. */
import { generateKeyPair, identityFromKeyPair, keyFingerprint } from '../../shared/identity/peer-keys';
import type { PeerIdentity } from '../../shared/identity/peer-keys';
import { joinChallengeText } from '../../shared/identity/signed-texts';

export interface TestIdentity extends PeerIdentity {
  fingerprint: string;
}

export async function newIdentity(): Promise<TestIdentity> {
  const identity = await identityFromKeyPair(await generateKeyPair(false));
  return { publicKey: identity.publicKey, sign: identity.sign, fingerprint: await keyFingerprint(identity.publicKey) };
}

/** The join request a well-behaved peer sends for a nonce: it signs the trimmed name. */
export async function signedJoin(
  identity: PeerIdentity,
  nonce: string,
  name: string,
  networkKey?: string,
): Promise<{ name: string; publicKey: string; signature: string; networkKey?: string }> {
  const signature = await identity.sign(joinChallengeText(nonce, name.trim()));
  return { name, publicKey: identity.publicKey, signature, ...(networkKey === undefined ? {} : { networkKey }) };
}
