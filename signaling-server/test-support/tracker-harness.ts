/**
 * Starts a real tracker on 127.0.0.1:0 for each test and connects real socket.io-client peers to
 * it; every push a peer receives is recorded so tests can wait for the one they expect.
 */
import { afterEach, beforeEach } from 'vitest';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  PeerSummary,
  PeersPush,
  ServerToClientEvents,
  SignalPush,
} from '../../shared/protocol';
import { createTracker } from '../app';
import type { RunningTracker, TrackerOptions } from '../app';
import { waitFor } from './wait-for';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface PushLog {
  peers: PeersPush[];
  signals: SignalPush[];
  indexChanged: number;
}

export interface TestClient {
  socket: ClientSocket;
  pushes: PushLog;
  /** The latest peer list pushed to this client, or undefined before the first push. */
  latestPeers(): PeerSummary[] | undefined;
  /** Resolves once the latest pushed peer list satisfies the check. */
  waitForPeers(check: (peers: PeerSummary[]) => boolean, description: string): Promise<PeerSummary[]>;
}

export interface JoinedPeer extends TestClient {
  id: string;
  name: string;
}

export interface TrackerHarness {
  readonly tracker: RunningTracker;
  readonly url: string;
  connect(): Promise<TestClient>;
  /** Connects and joins; fails the test if the join is refused. */
  join(name: string): Promise<JoinedPeer>;
}

/** Emits without the protocol's types, to send what a broken or hostile client would. */
export function emitRaw(socket: ClientSocket, event: string, ...args: unknown[]): void {
  // The typed emit only accepts protocol-shaped calls; these tests need the untyped one.
  (socket as unknown as Socket).emit(event, ...args);
}

/** Emits without the protocol's types and returns the ack. */
export function emitRawWithAck(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  return (socket as unknown as Socket).timeout(5_000).emitWithAck(event, ...args);
}

export async function connectClient(url: string): Promise<TestClient> {
  const socket: ClientSocket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const pushes: PushLog = { peers: [], signals: [], indexChanged: 0 };
  socket.on('peers', (push) => pushes.peers.push(push));
  socket.on('signal', (push) => pushes.signals.push(push));
  socket.on('index-changed', () => {
    pushes.indexChanged += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const latestPeers = (): PeerSummary[] | undefined => pushes.peers.at(-1)?.peers;
  return {
    socket,
    pushes,
    latestPeers,
    waitForPeers: (check, description) =>
      waitFor(() => {
        const peers = latestPeers();
        return peers !== undefined && check(peers) ? peers : undefined;
      }, description),
  };
}

export async function joinClient(url: string, name: string): Promise<JoinedPeer> {
  const client = await connectClient(url);
  const ack = await client.socket.timeout(5_000).emitWithAck('join', { name });
  if (!ack.ok) throw new Error(`Join as '${name}' refused: ${ack.error.code} ${ack.error.message}`);
  return { ...client, id: ack.peer.id, name: ack.peer.name };
}

/**
 * Registers beforeEach/afterEach hooks that start a tracker and close it with every client.
 * Pass a function when the options hold state (a store), so each test gets its own.
 */
export function useTracker(options: TrackerOptions | (() => TrackerOptions) = {}): TrackerHarness {
  let tracker: RunningTracker | undefined;
  const clients: ClientSocket[] = [];

  beforeEach(async () => {
    const chosen = typeof options === 'function' ? options() : options;
    tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, ...chosen });
  });

  afterEach(async () => {
    for (const socket of clients.splice(0)) socket.disconnect();
    await tracker?.close();
    tracker = undefined;
  });

  function running(): RunningTracker {
    if (tracker === undefined) throw new Error('The tracker only runs inside a test');
    return tracker;
  }

  return {
    get tracker() {
      return running();
    },
    get url() {
      return running().url;
    },
    async connect() {
      const client = await connectClient(running().url);
      clients.push(client.socket);
      return client;
    },
    async join(name) {
      const peer = await joinClient(running().url, name);
      clients.push(peer.socket);
      return peer;
    },
  };
}
