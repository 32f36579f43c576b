/**
 * What a join must prove before the peer goes online, checked in this order: the network key (when
 * the operator set one), a well-formed public key, a signature by that key over this connection's
 * one-time nonce and the name, a key that is not banned, and a name that is free or already this
 * key's. Only the last step writes anything: a first join binds the name to the key for good.
 */
import { ShoalError } from '../shared/protocol';
import type { JoinRequest } from '../shared/protocol';
import { isValidPublicKey, keyFingerprint, verifySignature } from '../shared/identity/peer-keys';
import { joinChallengeText } from '../shared/identity/signed-texts';
import { checkNetworkKey } from './network-key';
import type { RegistrationStore } from './store/registration-store';

export interface AdmissionPolicy {
  /** The operator's network key; undefined for an open network. */
  networkKey: string | undefined;
  registrations: RegistrationStore;
}

export interface AdmittedKey {
  publicKey: string;
  fingerprint: string;
}

export const BANNED_MESSAGE = 'This identity key is banned from the network';

export async function admitJoin(request: JoinRequest, nonce: string | undefined, policy: AdmissionPolicy): Promise<AdmittedKey> {
  checkNetworkKey(policy.networkKey, request.networkKey);
  const { name, publicKey, signature } = request;
  if (!(await isValidPublicKey(publicKey))) {
    throw new ShoalError('BAD_REQUEST', 'Invalid join request: publicKey — not a P-256 public key (base64 of its 65 raw bytes)');
  }
  if (nonce === undefined) {
    throw new ShoalError('BAD_REQUEST', "Ask for a challenge before joining: send 'challenge', sign its nonce, then join");
  }
  if (!(await verifySignature(publicKey, joinChallengeText(nonce, name), signature))) {
    throw new ShoalError('SIGNATURE_INVALID', 'The join signature does not match the public key; ask for a new challenge and sign it');
  }
  const fingerprint = await keyFingerprint(publicKey);
  if ((await policy.registrations.banOf(fingerprint)) !== undefined) throw new ShoalError('BANNED', BANNED_MESSAGE);
  await policy.registrations.claimName({ name, publicKey, fingerprint, registeredAtMs: Date.now() });
  return { publicKey, fingerprint };
}

/**
 * Re-checks an admitted key once its peer is online, for the operator who banned the key or revoked
 * the name while the join was in flight and so could not find the peer to remove it.
 */
export async function assertStillAdmitted(name: string, key: AdmittedKey, registrations: RegistrationStore): Promise<void> {
  if ((await registrations.banOf(key.fingerprint)) !== undefined) throw new ShoalError('BANNED', BANNED_MESSAGE);
  const registration = await registrations.registrationOf(name);
  if (registration?.publicKey !== key.publicKey) {
    throw new ShoalError('REVOKED', `The tracker operator revoked the name '${name}'`);
  }
}
