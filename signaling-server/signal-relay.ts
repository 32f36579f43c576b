/**
 * Relays WebRTC signalling (offers, answers, ICE candidates) between two online peers. The
 * tracker reads nothing in the payload; it checks shape and size and forwards it intact.
 */
import { SIGNAL_MAX_BYTES, ShoalError, signalRequestSchema } from '../shared/protocol';
import { onPeerRequest } from './socket-requests';
import { peerRoom } from './socket-types';
import type { TrackerLog, TrackerServer, TrackerSocket } from './socket-types';
import type { TrackerStore } from './store/tracker-store';

/** The protocol's signal shape plus the size cap, so an oversized signal fails at the door. */
export const boundedSignalRequestSchema = signalRequestSchema.superRefine((request, context) => {
  const bytes = Buffer.byteLength(JSON.stringify(request.data));
  if (bytes > SIGNAL_MAX_BYTES) {
    context.addIssue({
      code: 'custom',
      path: ['data'],
      message: `Signal data is ${bytes} bytes; at most ${SIGNAL_MAX_BYTES} are allowed`,
    });
  }
});

export function handleSignalRelay(io: TrackerServer, socket: TrackerSocket, store: TrackerStore, log: TrackerLog): void {
  onPeerRequest(socket, 'signal', boundedSignalRequestSchema, log, async ({ to, connectionId, data }, { peer }) => {
    if (to === peer.id) throw new ShoalError('BAD_REQUEST', 'A peer cannot signal itself');
    if ((await store.getPeer(to)) === undefined) {
      throw new ShoalError('PEER_NOT_FOUND', `Peer ${to} is not online; it may have left`);
    }
    io.to(peerRoom(to)).emit('signal', { from: peer.id, fromName: peer.name, connectionId, data });
    return { ok: true };
  });
}
