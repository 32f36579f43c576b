/**
 * Who owns which name, and which keys are banned: the tracker's durable state, unlike the online
 * peers in TrackerStore. The first join under a name binds it to the joining key; from then on only
 * that key may use it, online or offline, until an operator revokes it. Every method is async so a
 * networked backend can replace the SQLite one; `registration-store.contract.ts` holds the behaviour.
 */

export interface Registration {
  /** The display name as first registered (trimmed); names compare by `nameKey`. */
  name: string;
  publicKey: string;
  fingerprint: string;
  registeredAtMs: number;
}

export interface Ban {
  /** The key's fingerprint: the ban's identity, so an operator can ban what a peer list shows. */
  fingerprint: string;
  /** The full key when the operator gave it or the tracker knew it; null otherwise. */
  publicKey: string | null;
  bannedAtMs: number;
}

export interface NameClaim {
  /** The registration: the new one, or the existing one of the same key. */
  registration: Registration;
  /** True when this claim bound the name just now. */
  isNew: boolean;
}

export interface RegistrationStore {
  /**
   * Binds the name to the key when nobody holds it, or confirms it when this key does. Atomic: of
   * two keys claiming one name (up to case) one wins; the other gets ShoalError `NAME_TAKEN`.
   */
  claimName(registration: Registration): Promise<NameClaim>;

  registrationOf(name: string): Promise<Registration | undefined>;

  /** Every registration, sorted by name (case-insensitive). */
  listRegistrations(): Promise<Registration[]>;

  /** Deletes the binding so the name is free again; the removed registration, or undefined. */
  revokeName(name: string): Promise<Registration | undefined>;

  /** Bans a fingerprint; banning it again keeps the first date and fills in a key it lacked. */
  ban(ban: Ban): Promise<Ban>;

  banOf(fingerprint: string): Promise<Ban | undefined>;

  /** Every ban, oldest first. */
  listBans(): Promise<Ban[]>;

  /** Lifts a ban; the lifted ban, or undefined when there was none. */
  unban(fingerprint: string): Promise<Ban | undefined>;

  /** Releases the backing resources (a database handle); the store is unusable afterwards. */
  close(): Promise<void>;
}

export function nameBelongsToSomeoneElse(name: string): string {
  return `Name '${name}' belongs to someone else — choose another`;
}
