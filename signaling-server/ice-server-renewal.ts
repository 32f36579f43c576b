/** Answers a joined peer that asks for fresh ICE servers before its TURN credentials run out. */
import { iceServersRequestSchema } from '../shared/protocol/ice-servers';
import type { IceServerIssuer } from './ice-servers';
import type { RequestRouter } from './socket-requests';

export function handleIceServerRenewal(router: RequestRouter, issuer: IceServerIssuer): void {
  router.onPeer('ice-servers', iceServersRequestSchema, async (_request, { peer }) => ({
    ok: true,
    ...issuer.grantFor(peer.id),
  }));
}
