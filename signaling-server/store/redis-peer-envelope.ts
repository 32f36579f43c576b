/**
 * How an online peer is kept in Redis's `peers` hash: its record plus the key its name is unique
 * under, so the removal script can free the name without recomputing `nameKey` in Lua.
 */
import { z } from 'zod';
import type { PeerRecord } from './tracker-store';

/** Redis is ours, so this guards against bugs and stale layouts, not attackers. */
const peerEnvelopeSchema = z.object({
  peer: z.object({
    id: z.string(),
    name: z.string(),
    publicKey: z.string(),
    fingerprint: z.string(),
    joinedAtMs: z.number(),
    nodeId: z.string(),
  }),
  nameKey: z.string(),
});

export type PeerEnvelope = z.infer<typeof peerEnvelopeSchema>;

export function encodePeerEnvelope(peer: PeerRecord, nameKey: string): string {
  const { id, name, publicKey, fingerprint, joinedAtMs, nodeId } = peer;
  return JSON.stringify({ peer: { id, name, publicKey, fingerprint, joinedAtMs, nodeId }, nameKey });
}

export function parsePeerEnvelope(json: string): PeerEnvelope {
  return peerEnvelopeSchema.parse(JSON.parse(json));
}
