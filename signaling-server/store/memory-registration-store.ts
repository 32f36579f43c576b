/** RegistrationStore in this process's memory: for tests and trackers started without DATA_DIR. */
import { ShoalError } from '../../shared/protocol';
import { compareNames, nameKey } from './peer-names';
import { nameBelongsToSomeoneElse } from './registration-store';
import type { Ban, NameClaim, Registration, RegistrationStore } from './registration-store';

export class MemoryRegistrationStore implements RegistrationStore {
  private readonly registrations = new Map<string, Registration>();
  private readonly bans = new Map<string, Ban>();

  async claimName(registration: Registration): Promise<NameClaim> {
    const key = nameKey(registration.name);
    const existing = this.registrations.get(key);
    if (existing === undefined) {
      this.registrations.set(key, { ...registration });
      return { registration: { ...registration }, isNew: true };
    }
    if (existing.publicKey !== registration.publicKey) {
      throw new ShoalError('NAME_TAKEN', nameBelongsToSomeoneElse(registration.name), { peerName: registration.name });
    }
    return { registration: { ...existing }, isNew: false };
  }

  async registrationOf(name: string): Promise<Registration | undefined> {
    const registration = this.registrations.get(nameKey(name));
    return registration === undefined ? undefined : { ...registration };
  }

  async listRegistrations(): Promise<Registration[]> {
    return [...this.registrations.values()].map((registration) => ({ ...registration })).sort((a, b) => compareNames(a.name, b.name));
  }

  async revokeName(name: string): Promise<Registration | undefined> {
    const key = nameKey(name);
    const registration = this.registrations.get(key);
    this.registrations.delete(key);
    return registration;
  }

  async ban(ban: Ban): Promise<Ban> {
    const existing = this.bans.get(ban.fingerprint);
    const kept = existing === undefined ? { ...ban } : { ...existing, publicKey: existing.publicKey ?? ban.publicKey };
    this.bans.set(ban.fingerprint, kept);
    return { ...kept };
  }

  async banOf(fingerprint: string): Promise<Ban | undefined> {
    const ban = this.bans.get(fingerprint);
    return ban === undefined ? undefined : { ...ban };
  }

  async listBans(): Promise<Ban[]> {
    return [...this.bans.values()].map((ban) => ({ ...ban })).sort((a, b) => a.bannedAtMs - b.bannedAtMs);
  }

  async unban(fingerprint: string): Promise<Ban | undefined> {
    const ban = this.bans.get(fingerprint);
    this.bans.delete(fingerprint);
    return ban;
  }

  async close(): Promise<void> {}
}
