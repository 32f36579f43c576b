/**
 * Builds the ICE servers one peer is given: the operator's static list, plus TURN entries with
 * coturn's shared-secret credentials (`use-auth-secret`): username `<unix expiry>:<peer id>`,
 * credential base64(HMAC-SHA1(secret, username)). coturn checks the HMAC and the expiry itself, so
 * the tracker stores nothing per peer and the secret never leaves it.
 */
import { createHmac } from 'node:crypto';
import type { IceServer, IceServerGrant } from '../shared/protocol/ice-servers';
import type { IceConfig, TurnConfig } from './env-config';

export interface IceServerIssuer {
  /** The servers for this peer now; `iceServersExpireAt` is set when TURN credentials are in it. */
  grantFor(peerId: string): IceServerGrant;
}

/** The password coturn expects for a TURN REST API username (draft-uberti-behave-turn-rest). */
export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

function turnServerFor(turn: TurnConfig, peerId: string, expiresAtUnixSeconds: number): IceServer {
  const username = `${expiresAtUnixSeconds}:${peerId}`;
  return { urls: turn.urls, username, credential: turnCredential(turn.secret, username) };
}

export function createIceServerIssuer(config: IceConfig, now: () => number = Date.now): IceServerIssuer {
  return {
    grantFor(peerId) {
      const { staticServers, turn } = config;
      if (turn === undefined) return { iceServers: staticServers };
      const expiresAtUnixSeconds = Math.floor(now() / 1000) + turn.ttlSeconds;
      return {
        iceServers: [...staticServers, turnServerFor(turn, peerId, expiresAtUnixSeconds)],
        iceServersExpireAt: expiresAtUnixSeconds * 1000,
      };
    },
  };
}

/** What the tracker hands out when the operator configured no ICE servers: peers on one network only. */
export const NO_ICE_SERVERS: IceConfig = { staticServers: [] };
