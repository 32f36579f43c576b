/**
 * RegistrationStore on Redis: a name is owned network-wide, whichever tracker process the peer
 * joins through, and bans reach every process. Durable as far as Redis is: run it with AOF
 * (`redis-server --appendonly yes`) so registrations survive its restart.
 *
 * Keys under the prefix P:
 *   P..'registrations'      hash  nameKey -> Registration JSON
 *   P..'ban:'..fingerprint  hash  publicKey ('' when unknown), bannedAtMs
 *   P..'bans'               zset  fingerprints scored by bannedAtMs (oldest first)
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ShoalError } from '../../shared/protocol';
import { compareNames, nameKey } from './peer-names';
import { connectRedis, withRedis } from './redis-connection';
import { RedisScript } from './redis-script';
import { DEFAULT_KEY_PREFIX } from './redis-tracker-store';
import { nameBelongsToSomeoneElse } from './registration-store';
import type { Ban, NameClaim, Registration, RegistrationStore } from './registration-store';

/** ARGV: P, nameKey, registration JSON, public key. Reply: {'new' | 'existing' | 'taken', registration JSON}. */
const CLAIM_NAME = new RedisScript(`
local P, key = ARGV[1], ARGV[2]
local existing = redis.call('HGET', P..'registrations', key)
if not existing then
  redis.call('HSET', P..'registrations', key, ARGV[3])
  return {'new', ARGV[3]}
end
if cjson.decode(existing).publicKey == ARGV[4] then return {'existing', existing} end
return {'taken', existing}
`);

/**
 * ARGV: P, fingerprint, public key ('' when unknown), bannedAtMs. Keeps the first date and fills in
 * a key the ban lacked. Reply: {public key, bannedAtMs} as kept.
 */
const BAN = new RedisScript(`
local P, fingerprint = ARGV[1], ARGV[2]
local key = P..'ban:'..fingerprint
if redis.call('EXISTS', key) == 0 then
  redis.call('HSET', key, 'publicKey', ARGV[3], 'bannedAtMs', ARGV[4])
  redis.call('ZADD', P..'bans', ARGV[4], fingerprint)
elseif ARGV[3] ~= '' and redis.call('HGET', key, 'publicKey') == '' then
  redis.call('HSET', key, 'publicKey', ARGV[3])
end
return redis.call('HMGET', key, 'publicKey', 'bannedAtMs')
`);

/** ARGV: P, fingerprint. Reply: {public key, bannedAtMs} of the lifted ban, or nil. */
const UNBAN = new RedisScript(`
local P, fingerprint = ARGV[1], ARGV[2]
local key = P..'ban:'..fingerprint
if redis.call('EXISTS', key) == 0 then return false end
local ban = redis.call('HMGET', key, 'publicKey', 'bannedAtMs')
redis.call('DEL', key)
redis.call('ZREM', P..'bans', fingerprint)
return ban
`);

/** ARGV: P. Reply: {fingerprint, public key, bannedAtMs, ...}, oldest ban first. */
const LIST_BANS = new RedisScript(`
local P = ARGV[1]
local reply = {}
for _, fingerprint in ipairs(redis.call('ZRANGE', P..'bans', 0, -1)) do
  local ban = redis.call('HMGET', P..'ban:'..fingerprint, 'publicKey', 'bannedAtMs')
  reply[#reply + 1] = fingerprint
  reply[#reply + 1] = ban[1]
  reply[#reply + 1] = ban[2]
end
return reply
`);

/** Redis is ours, so this guards against bugs and stale layouts, not attackers. */
const registrationSchema = z.object({
  name: z.string(),
  publicKey: z.string(),
  fingerprint: z.string(),
  registeredAtMs: z.number(),
});

function parseRegistration(json: string): Registration {
  return registrationSchema.parse(JSON.parse(json));
}

function encodeRegistration({ name, publicKey, fingerprint, registeredAtMs }: Registration): string {
  return JSON.stringify({ name, publicKey, fingerprint, registeredAtMs });
}

function banOf(fingerprint: string, publicKey: string, bannedAtMs: string | number): Ban {
  return { fingerprint, publicKey: publicKey === '' ? null : publicKey, bannedAtMs: Number(bannedAtMs) };
}

export interface RedisRegistrationStoreOptions {
  url: string;
  /** Key prefix; the same as the tracker store's by default (one network per prefix). */
  keyPrefix?: string;
}

export class RedisRegistrationStore implements RegistrationStore {
  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Connects, failing clearly when Redis is unreachable. */
  static async open(options: RedisRegistrationStoreOptions): Promise<RedisRegistrationStore> {
    const redis = await connectRedis(options.url, { connectionName: 'shoal-registrations' });
    return new RedisRegistrationStore(redis, options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  }

  async claimName(registration: Registration): Promise<NameClaim> {
    const json = encodeRegistration(registration);
    const [outcome, stored] = (await this.run(CLAIM_NAME, [nameKey(registration.name), json, registration.publicKey])) as [string, string];
    if (outcome === 'taken') throw new ShoalError('NAME_TAKEN', nameBelongsToSomeoneElse(registration.name), { peerName: registration.name });
    return { registration: parseRegistration(stored), isNew: outcome === 'new' };
  }

  async registrationOf(name: string): Promise<Registration | undefined> {
    const json = await withRedis(() => this.redis.hget(`${this.prefix}registrations`, nameKey(name)));
    return json === null ? undefined : parseRegistration(json);
  }

  async listRegistrations(): Promise<Registration[]> {
    const values = await withRedis(() => this.redis.hvals(`${this.prefix}registrations`));
    return values.map(parseRegistration).sort((a, b) => compareNames(a.name, b.name));
  }

  async revokeName(name: string): Promise<Registration | undefined> {
    const key = nameKey(name);
    const replies = await withRedis(() =>
      this.redis.multi().hget(`${this.prefix}registrations`, key).hdel(`${this.prefix}registrations`, key).exec(),
    );
    const json = replies?.[0]?.[1];
    return typeof json === 'string' ? parseRegistration(json) : undefined;
  }

  async ban(ban: Ban): Promise<Ban> {
    const [publicKey, bannedAtMs] = (await this.run(BAN, [ban.fingerprint, ban.publicKey ?? '', ban.bannedAtMs])) as [string, string];
    return banOf(ban.fingerprint, publicKey, bannedAtMs);
  }

  async banOf(fingerprint: string): Promise<Ban | undefined> {
    const [publicKey, bannedAtMs] = await withRedis(() => this.redis.hmget(`${this.prefix}ban:${fingerprint}`, 'publicKey', 'bannedAtMs'));
    if (publicKey === null || publicKey === undefined || bannedAtMs === null || bannedAtMs === undefined) return undefined;
    return banOf(fingerprint, publicKey, bannedAtMs);
  }

  async listBans(): Promise<Ban[]> {
    const flat = (await this.run(LIST_BANS, [])) as string[];
    const bans: Ban[] = [];
    for (let index = 0; index + 2 < flat.length; index += 3) bans.push(banOf(flat[index]!, flat[index + 1]!, flat[index + 2]!));
    return bans;
  }

  async unban(fingerprint: string): Promise<Ban | undefined> {
    const lifted = (await this.run(UNBAN, [fingerprint])) as [string, string] | null;
    return lifted === null ? undefined : banOf(fingerprint, lifted[0], lifted[1]);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private run(script: RedisScript, args: (string | number)[]): Promise<unknown> {
    return withRedis(() => script.run(this.redis, [this.prefix, ...args]));
  }
}
