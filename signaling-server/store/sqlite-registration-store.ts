/**
 * RegistrationStore in an embedded SQLite database (better-sqlite3) under DATA_DIR, so names stay
 * bound across tracker restarts. better-sqlite3 is synchronous: each method runs its statements
 * without yielding, which makes every call atomic within this process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ShoalError } from '../../shared/protocol';
import { compareNames, nameKey } from './peer-names';
import { nameBelongsToSomeoneElse } from './registration-store';
import type { Ban, NameClaim, Registration, RegistrationStore } from './registration-store';

/** Bumped whenever the tables change; `migrate` brings an older file up to date. */
const SCHEMA_VERSION = 1;

interface RegistrationRow {
  name: string;
  public_key: string;
  fingerprint: string;
  registered_at_ms: number;
}

interface BanRow {
  fingerprint: string;
  public_key: string | null;
  banned_at_ms: number;
}

function toRegistration(row: RegistrationRow): Registration {
  return { name: row.name, publicKey: row.public_key, fingerprint: row.fingerprint, registeredAtMs: row.registered_at_ms };
}

function toBan(row: BanRow): Ban {
  return { fingerprint: row.fingerprint, publicKey: row.public_key, bannedAtMs: row.banned_at_ms };
}

export class SqliteRegistrationStore implements RegistrationStore {
  private readonly db: Database.Database;

  /** Opens (creating if needed) the database file; `:memory:` gives a throwaway one. */
  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // WAL keeps readers and the one writer out of each other's way and survives a crash mid-write.
    this.db.pragma('journal_mode = WAL');
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS registrations (
        name_key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        public_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        registered_at_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS bans (
        fingerprint TEXT PRIMARY KEY,
        public_key TEXT,
        banned_at_ms INTEGER NOT NULL
      );
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  async claimName(registration: Registration): Promise<NameClaim> {
    const key = nameKey(registration.name);
    const inserted = this.db
      .prepare(
        `INSERT INTO registrations (name_key, name, public_key, fingerprint, registered_at_ms)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING`,
      )
      .run(key, registration.name, registration.publicKey, registration.fingerprint, registration.registeredAtMs);
    if (inserted.changes === 1) return { registration: { ...registration }, isNew: true };
    const existing = this.rowOf(key);
    if (existing === undefined || existing.public_key !== registration.publicKey) {
      throw new ShoalError('NAME_TAKEN', nameBelongsToSomeoneElse(registration.name), { peerName: registration.name });
    }
    return { registration: toRegistration(existing), isNew: false };
  }

  async registrationOf(name: string): Promise<Registration | undefined> {
    const row = this.rowOf(nameKey(name));
    return row === undefined ? undefined : toRegistration(row);
  }

  async listRegistrations(): Promise<Registration[]> {
    const rows = this.db.prepare('SELECT * FROM registrations').all() as RegistrationRow[];
    return rows.map(toRegistration).sort((a, b) => compareNames(a.name, b.name));
  }

  async revokeName(name: string): Promise<Registration | undefined> {
    const row = this.db.prepare('DELETE FROM registrations WHERE name_key = ? RETURNING *').get(nameKey(name)) as
      | RegistrationRow
      | undefined;
    return row === undefined ? undefined : toRegistration(row);
  }

  async ban(ban: Ban): Promise<Ban> {
    const row = this.db
      .prepare(
        `INSERT INTO bans (fingerprint, public_key, banned_at_ms) VALUES (?, ?, ?)
         ON CONFLICT (fingerprint) DO UPDATE SET public_key = COALESCE(bans.public_key, excluded.public_key)
         RETURNING *`,
      )
      .get(ban.fingerprint, ban.publicKey, ban.bannedAtMs) as BanRow;
    return toBan(row);
  }

  async banOf(fingerprint: string): Promise<Ban | undefined> {
    const row = this.db.prepare('SELECT * FROM bans WHERE fingerprint = ?').get(fingerprint) as BanRow | undefined;
    return row === undefined ? undefined : toBan(row);
  }

  async listBans(): Promise<Ban[]> {
    const rows = this.db.prepare('SELECT * FROM bans ORDER BY banned_at_ms, rowid').all() as BanRow[];
    return rows.map(toBan);
  }

  async unban(fingerprint: string): Promise<Ban | undefined> {
    const row = this.db.prepare('DELETE FROM bans WHERE fingerprint = ? RETURNING *').get(fingerprint) as BanRow | undefined;
    return row === undefined ? undefined : toBan(row);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private rowOf(key: string): RegistrationRow | undefined {
    return this.db.prepare('SELECT * FROM registrations WHERE name_key = ?').get(key) as RegistrationRow | undefined;
  }
}
