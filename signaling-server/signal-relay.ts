/**
 * Relays WebRTC signalling (offers, answers, ICE candidates) between two online peers, stamped with
 * the sender's verified key so the receiver can check the offer's or answer's signature. The
 * tracker reads nothing in the payload; it checks shape, size and depth and forwards it intact.
 */
import { SIGNAL_MAX_BYTES, ShoalError, signalRequestSchema } from '../shared/protocol';
import type { RequestRouter } from './socket-requests';
import { peerRoom } from './socket-types';
import type { TrackerServer } from './socket-types';
import type { TrackerStore } from './store/tracker-store';

/**
 * Real signal data nests three levels at most (`candidate.candidate`); deeper is hostile, and
 * serialising it again to relay it would recurse once per level.
 */
export const SIGNAL_MAX_DEPTH = 16;

/** How deep the value nests, counting up to `limit + 1` and no further. */
function depthOf(value: unknown, limit: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit < 0) return 1;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit - 1));
    if (deepest > limit) break;
  }
  return deepest + 1;
}

/** The protocol's signal shape plus the depth and size caps, so a hostile signal fails at the door. */
export const boundedSignalRequestSchema = signalRequestSchema.superRefine((request, context) => {
  if (depthOf(request.data, SIGNAL_MAX_DEPTH) > SIGNAL_MAX_DEPTH) {
    context.addIssue({ code: 'custom', path: ['data'], message: `Signal data nests more than ${SIGNAL_MAX_DEPTH} levels deep` });
    return;
  }
  const bytes = Buffer.byteLength(JSON.stringify(request.data));
  if (bytes > SIGNAL_MAX_BYTES) {
    context.addIssue({
      code: 'custom',
      path: ['data'],
      message: `Signal data is ${bytes} bytes; at most ${SIGNAL_MAX_BYTES} are allowed`,
    });
  }
});

export function handleSignalRelay(io: TrackerServer, router: RequestRouter, store: TrackerStore): void {
  router.onPeer('signal', boundedSignalRequestSchema, async ({ to, connectionId, data }, { peer }) => {
    if (to === peer.id) throw new ShoalError('BAD_REQUEST', 'A peer cannot signal itself');
    if ((await store.getPeer(to)) === undefined) {
      throw new ShoalError('PEER_NOT_FOUND', `Peer ${to} is not online; it may have left`);
    }
    io.to(peerRoom(to)).emit('signal', { from: peer.id, fromName: peer.name, fromPublicKey: peer.publicKey, connectionId, data });
    return { ok: true };
  });
}
