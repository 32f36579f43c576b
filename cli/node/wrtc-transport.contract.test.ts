/**
 * The Transport contract on the Node peer's own transport (createWrtcTransport: simple-peer on
 * wrtc), signalling through a real tracker on a free port: peers join with their keys and the
 * tracker relays and stamps every signal, as in production.
 */
import { afterAll, beforeAll } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { newIdentity } from '../../signaling-server/test-support/identities';
import type { SignedTransportPeers, TransportHarness, TransportPeers } from '../../shared/engine/transport.contract';
import { describeTransportContract } from '../../shared/engine/transport.contract';
import { SEND_LOW_WATER_BYTES } from '../../shared/engine/transfer-policy';
import type { PeerIdentity } from '../../shared/identity/peer-keys';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import type { SignalAuth } from '../../shared/transport/signal-signing';
import type { SignalingChannel } from '../../shared/transport/signaling';
import { alterOfferFingerprint } from '../../shared/transport/test-support/simple-peer-harness';
import { startTestTracker } from '../test-support/test-tracker';
import { createWrtcTransport } from './wrtc-transport';

let tracker: RunningTracker;
let peerCount = 0;

beforeAll(async () => {
  tracker = await startTestTracker();
});

afterAll(async () => {
  await tracker.close();
});

interface JoinedConnection {
  connection: TrackerConnection;
  id: string;
  name: string;
  identity: PeerIdentity;
}

async function joinTracker(role: string): Promise<JoinedConnection> {
  const connection = new TrackerConnection(tracker.url);
  const connected = new Promise<void>((resolve) => connection.onConnectionChange((isConnected) => isConnected && resolve()));
  connection.connect();
  await connected;
  const identity = await newIdentity();
  const name = `${role}-${peerCount++}`;
  const { id } = await connection.join({ name, identity });
  return { connection, id, name, identity };
}

/** The tracker connection as the transport's signalling, with offers altered before they leave when asked. */
function signalingOf(joined: JoinedConnection, alterOffers: boolean): SignalingChannel {
  if (!alterOffers) return joined.connection;
  return {
    sendSignal: (to, connectionId, data) => joined.connection.sendSignal(to, connectionId, alterOfferFingerprint(data)),
    onSignal: (listener) => joined.connection.onSignal(listener),
  };
}

async function makePeers(options: { impostor?: 'caller' | 'answerer'; alterOffers?: boolean; signed: boolean }): Promise<SignedTransportPeers> {
  const [caller, answerer, silent] = await Promise.all([joinTracker('ana'), joinTracker('ben'), joinTracker('ghost')]);
  const refusals: SignedTransportPeers['refusals'] = [];
  const transportOf = async (role: 'caller' | 'answerer', joined: JoinedConnection) => {
    // An impostor joined with one key and signs with another.
    const auth: SignalAuth = {
      identity: options.impostor === role ? await newIdentity() : joined.identity,
      myPeerId: () => joined.id,
      onRejected: ({ peerId, peerName }) => refusals.push({ at: role, peerId, peerName }),
    };
    return createWrtcTransport(signalingOf(joined, role === 'caller' && options.alterOffers === true), options.signed ? auth : undefined, () => []);
  };
  const peers: TransportPeers = {
    caller: await transportOf('caller', caller),
    answerer: await transportOf('answerer', answerer),
    callerId: caller.id,
    answererId: answerer.id,
    silentPeerId: silent.id,
    absentPeerId: 'nobody-id',
    dispose: async () => {
      for (const joined of [caller, answerer, silent]) joined.connection.disconnect();
    },
  };
  return { ...peers, callerName: caller.name, answererName: answerer.name, refusals };
}

const harness: TransportHarness = {
  makePeers: () => makePeers({ signed: false }),
  lowWaterBytes: SEND_LOW_WATER_BYTES,
  signed: { makePeers: (options = {}) => makePeers({ ...options, signed: true }) },
};

describeTransportContract('createWrtcTransport through a real tracker', harness);
