/** Answers a joined peer that asks for fresh ICE servers before its TURN credentials run out. */
import { iceServersRequestSchema } from '../shared/protocol/ice-servers';
import type { IceServerIssuer } from './ice-servers';
import { onPeerRequest } from './socket-requests';
import type { RequestDoor } from './socket-requests';

export function handleIceServerRenewal(door: RequestDoor, issuer: IceServerIssuer): void {
  onPeerRequest(door, 'ice-servers', iceServersRequestSchema, async (_request, { peer }) => ({
    ok: true,
    ...issuer.grantFor(peer.id),
  }));
}
