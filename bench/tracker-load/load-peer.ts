/**
 * One simulated peer of the load benchmark: socket.io-client over a WebSocket (as the browser and
 * CLI peers connect), joining as they do: ask a challenge, sign it with the peer's P-256 key, join.
 * Pushes are read without the zod schemas a real client parses them with, so the load generator
 * spends its CPU on the wire and not on validation the figures are not about.
 */
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol';
import { signedJoin } from '../../signaling-server/test-support/identities';
import type { TestIdentity } from '../../signaling-server/test-support/identities';

export type LoadSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Generous: on a loaded tracker a join queues behind the fan-out of the joins before it. */
export const ACK_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 60_000;

export interface LoadPeer {
  socket: LoadSocket;
  identity: TestIdentity;
  name: string;
  /** The tracker's id for it, once joined. */
  peerId?: string;
  /** Set before the worker disconnects it, so its close is not counted as a drop. */
  isClosing: boolean;
}

export function openSocket(url: string): Promise<LoadSocket> {
  const socket: LoadSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: CONNECT_TIMEOUT_MS });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/**
 * A request on a closed socket (no reconnection here) would only be buffered and time out after
 * ACK_TIMEOUT_MS; with hundreds queued behind a mass drop that stalls a step for an hour.
 */
function failIfDisconnected(socket: LoadSocket): void {
  if (!socket.connected) throw new Error('the socket was disconnected before the request');
}

/** The `challenge` request and its ack: returns the nonce. */
export async function requestChallenge(socket: LoadSocket): Promise<string> {
  failIfDisconnected(socket);
  const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('challenge', {});
  if (!ack.ok) throw new Error(`challenge refused: ${ack.error.code} ${ack.error.message}`);
  return ack.nonce;
}

/** Signs a challenge and joins; `beforeJoin` runs just before the join request goes out. Returns the peer id. */
export async function joinPeer(peer: LoadPeer, beforeJoin: () => void = () => undefined): Promise<string> {
  const request = await signedJoin(peer.identity, await requestChallenge(peer.socket), peer.name);
  failIfDisconnected(peer.socket);
  beforeJoin();
  const ack = await peer.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join', request);
  if (!ack.ok) throw new Error(`join as '${peer.name}' refused: ${ack.error.code} ${ack.error.message}`);
  peer.peerId = ack.peer.id;
  return ack.peer.id;
}

/** Runs `task` for every item, at most `concurrency` at once; counts what failed rather than stopping. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<{ done: number; failed: number; firstError?: string }> {
  let next = 0;
  let done = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
        done += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return { done, failed, ...(firstError === undefined ? {} : { firstError }) };
}
