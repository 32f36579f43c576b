/**
 * Starts a real tracker on 127.0.0.1:0 for each test and connects real socket.io-client peers to
 * it, joining them as a real peer does (challenge, sign with a WebCrypto key, join); every push a
 * peer receives is recorded so tests can wait for the one they expect.
 */
import { afterEach, beforeEach } from 'vitest';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { peersDeltaPushSchema, peersDeltasPushSchema, peersSnapshotPushSchema } from '../../shared/protocol';
import type {
  ClientToServerEvents,
  PeerSummary,
  PeersDeltaPush,
  PeersSnapshotPush,
  RemovedPush,
  ServerToClientEvents,
  SignalPush,
} from '../../shared/protocol';
import { PeerListReplica } from '../../shared/tracker-client/peer-list-replica';
import { createTracker } from '../app';
import type { RunningTracker, TrackerOptions } from '../app';
import { newIdentity, signedJoin } from './identities';
import type { TestIdentity } from './identities';
import type { RawPeer } from './raw-peer';
import { useStoreBackend } from './redis-backend';
import { waitFor } from './wait-for';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface PushLog {
  /** Peer-list snapshot pages (a peer gets one snapshot, when it joins) and deltas, as they came. */
  peerSnapshots: PeersSnapshotPush[];
  peerDeltas: PeersDeltaPush[];
  signals: SignalPush[];
  removed: RemovedPush[];
  indexChanged: number;
}

export interface TestClient {
  socket: ClientSocket;
  pushes: PushLog;
  /** This client's peer list as converged from the snapshot and deltas; undefined before the snapshot. */
  latestPeers(): PeerSummary[] | undefined;
  /** Resolves once the converged peer list satisfies the check. */
  waitForPeers(check: (peers: PeerSummary[]) => boolean, description: string): Promise<PeerSummary[]>;
}

export interface JoinedPeer extends TestClient {
  id: string;
  name: string;
  identity: TestIdentity;
  /** How this peer appears in the peer list, given how many files it shares. */
  summary(files: number): PeerSummary;
}

export interface JoinOptions {
  /** The key to join with; a fresh one by default. */
  identity?: TestIdentity;
  networkKey?: string;
}

export interface TrackerHarness {
  readonly tracker: RunningTracker;
  readonly url: string;
  connect(): Promise<TestClient>;
  /** Connects and joins; fails the test if the join is refused. */
  join(name: string, options?: JoinOptions): Promise<JoinedPeer>;
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
  const pushes: PushLog = { peerSnapshots: [], peerDeltas: [], signals: [], removed: [], indexChanged: 0 };
  // The same copy of the list the real client keeps, fed through the same schemas.
  const peerList = new PeerListReplica();
  socket.on('peers-snapshot', (raw) => {
    const push = peersSnapshotPushSchema.parse(raw);
    pushes.peerSnapshots.push(push);
    peerList.applySnapshotPage(push);
  });
  socket.on('peers-delta', (raw) => {
    const push = peersDeltaPushSchema.parse(raw);
    pushes.peerDeltas.push(push);
    peerList.applyDelta(push);
  });
  // A batch counts as its changes, one by one, as the real client applies them.
  socket.on('peers-deltas', (raw) => {
    for (const push of peersDeltasPushSchema.parse(raw).deltas) {
      pushes.peerDeltas.push(push);
      peerList.applyDelta(push);
    }
  });
  socket.on('signal', (push) => pushes.signals.push(push));
  socket.on('removed', (push) => pushes.removed.push(push));
  socket.on('index-changed', () => {
    pushes.indexChanged += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const latestPeers = (): PeerSummary[] | undefined => (peerList.isComplete ? peerList.list() : undefined);
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

/** Asks for a challenge and returns its nonce; fails the test if refused. */
export async function challengeOf(socket: ClientSocket): Promise<string> {
  const ack = await socket.timeout(5_000).emitWithAck('challenge', {});
  if (!ack.ok) throw new Error(`Challenge refused: ${ack.error.code} ${ack.error.message}`);
  return ack.nonce;
}

/** Challenge, sign, join: what a real peer does. Answers with the tracker's join ack, whatever it says. */
export async function requestJoin(socket: ClientSocket, name: string, identity: TestIdentity, networkKey?: string) {
  const request = await signedJoin(identity, await challengeOf(socket), name, networkKey);
  return socket.timeout(5_000).emitWithAck('join', request);
}

/** The same over a hand-made Socket.IO connection. */
export async function requestRawJoin(raw: RawPeer, name: string, identity: TestIdentity): Promise<unknown> {
  const challenge = (await raw.request('challenge', {})) as { ok: boolean; nonce: string };
  if (!challenge.ok) throw new Error(`Challenge refused: ${JSON.stringify(challenge)}`);
  return raw.request('join', await signedJoin(identity, challenge.nonce, name));
}

export async function joinClient(url: string, name: string, options: JoinOptions = {}): Promise<JoinedPeer> {
  const client = await connectClient(url);
  const identity = options.identity ?? (await newIdentity());
  const ack = await requestJoin(client.socket, name, identity, options.networkKey);
  if (!ack.ok) {
    client.socket.disconnect();
    throw new Error(`Join as '${name}' refused: ${ack.error.code} ${ack.error.message}`);
  }
  const { id, name: joinedName } = ack.peer;
  return {
    ...client,
    id,
    name: joinedName,
    identity,
    summary: (files) => ({ id, name: joinedName, files, publicKey: identity.publicKey, fingerprint: identity.fingerprint }),
  };
}

/**
 * Registers beforeEach/afterEach hooks that start a tracker and close it with every client.
 * Pass a function when the options hold state (a store), so each test gets its own.
 */
export function useTracker(options: TrackerOptions | (() => TrackerOptions) = {}): TrackerHarness {
  let tracker: RunningTracker | undefined;
  const clients: ClientSocket[] = [];
  // Embedded, or Redis in the "tracker on Redis" test project (see redis-backend.ts).
  const backend = useStoreBackend();

  beforeEach(async () => {
    const chosen = typeof options === 'function' ? options() : options;
    // No quiet period between index-changed pushes unless a test asks for one, so each change's
    // push can be counted; the coalescing tests set it.
    tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, indexChangedMinIntervalMs: 0, ...backend(), ...chosen });
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
    async join(name, joinOptions) {
      const peer = await joinClient(running().url, name, joinOptions);
      clients.push(peer.socket);
      return peer;
    },
  };
}
