/**
 * The operator's REST API under /api/admin: list registrations, revoke a name, ban and unban keys.
 * Every call needs `Authorization: Bearer <SHOAL_ADMIN_TOKEN>`; without a configured token the
 * whole API is off and answers 404.
 */
import { z } from 'zod';
import {
  NAME_MAX_CHARS,
  ShoalError,
  adminBanSchema,
  bansResponseSchema,
  banResponseSchema,
  publicKeySchema,
  registrationsResponseSchema,
  revokeResponseSchema,
  unbanResponseSchema,
} from '../shared/protocol';
import { isValidPublicKey, keyFingerprint } from '../shared/identity/peer-keys';
import { errorReplySchema, sendError } from '../shared/fastify/error-replies';
import type { ZodFastify } from '../shared/fastify/zod-fastify';
import type { PeerEviction } from './peer-eviction';
import { requireBearerToken } from './bearer-token';
import { nameKey } from './store/peer-names';
import type { Ban, Registration, RegistrationStore } from './store/registration-store';
import type { TrackerStore } from './store/tracker-store';

/** Admin bodies are a key or a fingerprint: a few hundred bytes. */
const ADMIN_BODY_LIMIT_BYTES = 4 * 1024;

/**
 * A fingerprint as people copy it: 16 hex digits, in groups or not ("1a2b 3c4d 5e6f 7a8b",
 * "1a2b3c4d5e6f7a8b", "1A2B:3C4D:..."), turned into the form keyFingerprint prints.
 */
export const fingerprintSchema = z
  .string()
  .max(64)
  .transform((text) => text.replace(/[\s:-]/g, '').toLowerCase())
  .pipe(z.string().regex(/^[0-9a-f]{16}$/, 'A fingerprint is 16 hex digits, e.g. "1a2b 3c4d 5e6f 7a8b"'))
  .transform((hex) => (hex.match(/.{4}/g) ?? []).join(' '));

export const registrationNameParamsSchema = z.object({ name: z.string().trim().min(1).max(NAME_MAX_CHARS) });

export const banRequestSchema = z.union(
  [z.strictObject({ publicKey: publicKeySchema }), z.strictObject({ fingerprint: fingerprintSchema })],
  { error: 'Send {"publicKey": "<base64 key>"} or {"fingerprint": "1a2b 3c4d 5e6f 7a8b"}' },
);
export const fingerprintParamsSchema = z.object({ fingerprint: fingerprintSchema });

export interface AdminApiOptions {
  /** SHOAL_ADMIN_TOKEN; undefined turns the admin API off. */
  adminToken: string | undefined;
  registrations: RegistrationStore;
  store: TrackerStore;
  eviction: PeerEviction;
}

function bannedAt(ban: Ban): z.infer<typeof adminBanSchema> {
  return { fingerprint: ban.fingerprint, publicKey: ban.publicKey, bannedAt: new Date(ban.bannedAtMs).toISOString() };
}

function registeredAt({ name, fingerprint, publicKey, registeredAtMs }: Registration) {
  return { name, fingerprint, publicKey, registeredAt: new Date(registeredAtMs).toISOString() };
}

export function registerAdminApi(app: ZodFastify, options: AdminApiOptions): void {
  const { adminToken, registrations, store, eviction } = options;
  if (adminToken === undefined) {
    app.all('/api/admin/*', { schema: { hide: true } }, async (_request, reply) =>
      sendError(reply, 'NOT_FOUND', 'The admin API is off; start the tracker with SHOAL_ADMIN_TOKEN set to use it'),
    );
    return;
  }
  const admin = {
    onRequest: requireBearerToken(adminToken, 'This request needs the admin token: send "Authorization: Bearer <SHOAL_ADMIN_TOKEN>"'),
  };
  const unauthorized = { 401: errorReplySchema };
  const docs = (summary: string) => ({ summary, tags: ['admin'], description: 'Needs `Authorization: Bearer <SHOAL_ADMIN_TOKEN>`.' });

  app.get(
    '/api/admin/registrations',
    { ...admin, schema: { ...docs('Every registered name, whether online and whether banned'), response: { 200: registrationsResponseSchema, ...unauthorized } } },
    async () => {
      const onlineNames = new Set((await store.listPeers()).map((peer) => nameKey(peer.name)));
      const bannedFingerprints = new Set((await registrations.listBans()).map((ban) => ban.fingerprint));
      return {
        registrations: (await registrations.listRegistrations()).map((registration) => ({
          ...registeredAt(registration),
          online: onlineNames.has(nameKey(registration.name)),
          banned: bannedFingerprints.has(registration.fingerprint),
        })),
      };
    },
  );

  app.delete(
    '/api/admin/registrations/:name',
    {
      ...admin,
      schema: {
        ...docs('Revoke a name: frees it and disconnects the peer using it'),
        params: registrationNameParamsSchema,
        response: { 200: revokeResponseSchema, ...unauthorized, 404: errorReplySchema },
      },
    },
    async (request, reply) => {
      const revoked = await registrations.revokeName(request.params.name);
      if (revoked === undefined) {
        return sendError(reply, 'NOT_FOUND', `No name '${request.params.name}' is registered`, { peerName: request.params.name });
      }
      const disconnected = await eviction.evictByName(revoked.name, {
        code: 'REVOKED',
        message: `The tracker operator revoked the name '${revoked.name}'`,
      });
      return { revoked: registeredAt(revoked), disconnected };
    },
  );

  app.get(
    '/api/admin/bans',
    { ...admin, schema: { ...docs('Every banned identity key'), response: { 200: bansResponseSchema, ...unauthorized } } },
    async () => ({ bans: (await registrations.listBans()).map(bannedAt) }),
  );

  app.post(
    '/api/admin/bans',
    {
      ...admin,
      bodyLimit: ADMIN_BODY_LIMIT_BYTES,
      schema: {
        ...docs('Ban an identity key (by key or fingerprint) and disconnect its peers'),
        body: banRequestSchema,
        response: { 200: banResponseSchema, 400: errorReplySchema, ...unauthorized },
      },
    },
    async (request) => {
      const body = request.body;
      let fingerprint: string;
      let publicKey: string | null = null;
      if ('publicKey' in body) {
        if (!(await isValidPublicKey(body.publicKey))) {
          throw new ShoalError('BAD_REQUEST', 'Invalid request body: publicKey — not a P-256 public key (base64 of its 65 raw bytes)');
        }
        publicKey = body.publicKey;
        fingerprint = await keyFingerprint(publicKey);
      } else {
        fingerprint = body.fingerprint;
        // Fill in the full key when a registration shows it, so the ban list says whose it is.
        publicKey = (await registrations.listRegistrations()).find((known) => known.fingerprint === fingerprint)?.publicKey ?? null;
      }
      const ban = await registrations.ban({ fingerprint, publicKey, bannedAtMs: Date.now() });
      const disconnected = await eviction.evictByFingerprint(fingerprint, {
        code: 'BANNED',
        message: 'The tracker operator banned this identity key',
      });
      return { ban: bannedAt(ban), disconnected };
    },
  );

  app.delete(
    '/api/admin/bans/:fingerprint',
    {
      ...admin,
      schema: {
        ...docs('Lift a ban'),
        params: fingerprintParamsSchema,
        response: { 200: unbanResponseSchema, ...unauthorized, 404: errorReplySchema },
      },
    },
    async (request, reply) => {
      const { fingerprint } = request.params;
      const lifted = await registrations.unban(fingerprint);
      if (lifted === undefined) return sendError(reply, 'NOT_FOUND', `No ban on the fingerprint '${fingerprint}'`, { fingerprint });
      return { unbanned: bannedAt(lifted) };
    },
  );
}
