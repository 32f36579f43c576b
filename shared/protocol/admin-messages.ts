/** The tracker's admin REST API answers, shared by the tracker (which sends them) and `shoal admin` (which checks them). */
import { z } from 'zod';

export const adminRegistrationSchema = z.object({
  name: z.string(),
  fingerprint: z.string(),
  publicKey: z.string(),
  /** ISO 8601 time of the first join under this name. */
  registeredAt: z.string(),
  online: z.boolean(),
  banned: z.boolean(),
});
export type AdminRegistration = z.infer<typeof adminRegistrationSchema>;

export const adminBanSchema = z.object({
  fingerprint: z.string(),
  publicKey: z.string().nullable(),
  bannedAt: z.string(),
});
export type AdminBan = z.infer<typeof adminBanSchema>;

export const registrationsResponseSchema = z.object({ registrations: z.array(adminRegistrationSchema) });

export const revokeResponseSchema = z.object({
  revoked: adminRegistrationSchema.omit({ online: true, banned: true }),
  /** Online peers that were using the name and have been disconnected (0 or 1). */
  disconnected: z.number().int().min(0),
});

export const banResponseSchema = z.object({
  ban: adminBanSchema,
  /** Online peers with the key that have been disconnected. */
  disconnected: z.number().int().min(0),
});

export const bansResponseSchema = z.object({ bans: z.array(adminBanSchema) });

export const unbanResponseSchema = z.object({ unbanned: adminBanSchema });
