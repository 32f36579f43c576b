/**
 * The ICE servers (STUN, TURN) a peer uses to find a path to other peers. The operator configures
 * them on the tracker and the tracker hands them to each joined peer, TURN with credentials that
 * expire; both ends parse them with these schemas, since a peer's WebRTC stack acts on them.
 */
import { z } from 'zod';

/** Servers one peer may be given: a handful of STUN and TURN entries is all anyone needs. */
export const ICE_SERVERS_MAX = 16;

/** Longer than any real server URL or credential; keeps a hostile list small. */
const ICE_FIELD_MAX_CHARS = 512;

/** `stun:`, `turn:` and `turns:` are the schemes RTCPeerConnection accepts (RFC 7064, RFC 7065). */
export const iceServerUrlSchema = z
  .string()
  .max(ICE_FIELD_MAX_CHARS)
  .regex(/^(stun|turn|turns):[^\s]+$/i, 'An ICE server URL starts with stun:, turn: or turns: (e.g. stun:stun.example.org:3478)');

/** One RTCIceServer: what RTCPeerConnection's `iceServers` option takes. */
export const iceServerSchema = z.strictObject({
  urls: z.union([iceServerUrlSchema, z.array(iceServerUrlSchema).min(1).max(ICE_SERVERS_MAX)]),
  username: z.string().max(ICE_FIELD_MAX_CHARS).optional(),
  credential: z.string().max(ICE_FIELD_MAX_CHARS).optional(),
});
export type IceServer = z.infer<typeof iceServerSchema>;

export const iceServersSchema = z.array(iceServerSchema).max(ICE_SERVERS_MAX);

/** What the tracker grants a peer: the servers, and when their TURN credentials run out (epoch ms). */
export const iceServerGrantSchema = z.object({
  iceServers: iceServersSchema.default([]),
  /** Absent when nothing in the list expires (no TURN with time-limited credentials). */
  iceServersExpireAt: z.number().int().positive().optional(),
});
export type IceServerGrant = z.infer<typeof iceServerGrantSchema>;

/** Asks for fresh ICE servers (new TURN credentials); carries nothing. */
export const iceServersRequestSchema = z.strictObject({}).optional();

/** Whether any entry is a TURN relay, the only kind that can carry a connection no direct path reaches. */
export function hasRelayServer(servers: readonly IceServer[]): boolean {
  return servers.some((server) => [server.urls].flat().some((url) => /^turns?:/i.test(url)));
}
