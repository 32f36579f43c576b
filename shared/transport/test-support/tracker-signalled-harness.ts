/**
 * The Transport contract's harness for WebRTC transports that signal through a real tracker, FOR
 * TESTS: each peer joins with its own key over a TrackerConnection, and the tracker relays and
 * stamps every signal as in production. Runs in Node (the tracker in the same process) and in
 * Chromium (the tracker started by the test run, its URL handed to the page); the caller says how
 * to make the transport under test.
 */
import type { SignedTransportPeers, TransportHarness } from '../../engine/transport.contract';
import { SEND_LOW_WATER_BYTES } from '../../engine/transfer-policy';
import type { Transport } from '../../engine/transport';
import { generateKeyPair, identityFromKeyPair, type PeerIdentity } from '../../identity/peer-keys';
import { TrackerConnection } from '../../tracker-client/tracker-connection';
import type { SignalAuth } from '../signal-signing';
import type { SignalingChannel } from '../signaling';
import { alterOfferFingerprint } from './simple-peer-harness';

export type MakeTransport = (signaling: SignalingChannel, auth: SignalAuth | undefined) => Transport;

interface JoinedConnection {
  connection: TrackerConnection;
  id: string;
  name: string;
  identity: PeerIdentity;
}

let peerCount = 0;

async function newIdentity(): Promise<PeerIdentity> {
  return identityFromKeyPair(await generateKeyPair(false));
}

async function joinTracker(trackerUrl: string, role: string): Promise<JoinedConnection> {
  const connection = new TrackerConnection(trackerUrl);
  const connected = new Promise<void>((resolve) => connection.onConnectionChange((isConnected) => isConnected && resolve()));
  connection.connect();
  await connected;
  const identity = await newIdentity();
  // Names are unique per tracker; a random part keeps runs in different processes apart.
  const name = `${role}-${peerCount++}-${Math.random().toString(36).slice(2, 8)}`;
  const { id } = await connection.join({ name, identity });
  return { connection, id, name, identity };
}

/** The tracker connection as signalling, altering each offer before it leaves when asked. */
function signalingOf(joined: JoinedConnection, alterOffers: boolean): SignalingChannel {
  if (!alterOffers) return joined.connection;
  return {
    sendSignal: (to, connectionId, data) => joined.connection.sendSignal(to, connectionId, alterOfferFingerprint(data)),
    onSignal: (listener) => joined.connection.onSignal(listener),
  };
}

export function trackerSignalledHarness(trackerUrl: () => string, makeTransport: MakeTransport): TransportHarness {
  const makePeers = async (options: { impostor?: 'caller' | 'answerer'; alterOffers?: boolean; signed: boolean }): Promise<SignedTransportPeers> => {
    const url = trackerUrl();
    // The silent peer joins but nothing listens for its signals.
    const [caller, answerer, silent] = await Promise.all([joinTracker(url, 'ana'), joinTracker(url, 'ben'), joinTracker(url, 'ghost')]);
    const refusals: SignedTransportPeers['refusals'] = [];
    const transportOf = async (role: 'caller' | 'answerer', joined: JoinedConnection): Promise<Transport> => {
      // An impostor joined with one key and signs with another.
      const auth: SignalAuth = {
        identity: options.impostor === role ? await newIdentity() : joined.identity,
        myPeerId: () => joined.id,
        onRejected: ({ peerId, peerName }) => refusals.push({ at: role, peerId, peerName }),
      };
      return makeTransport(signalingOf(joined, role === 'caller' && options.alterOffers === true), options.signed ? auth : undefined);
    };
    return {
      caller: await transportOf('caller', caller),
      answerer: await transportOf('answerer', answerer),
      callerId: caller.id,
      answererId: answerer.id,
      callerName: caller.name,
      answererName: answerer.name,
      silentPeerId: silent.id,
      absentPeerId: 'nobody-id',
      refusals,
      dispose: async () => {
        for (const joined of [caller, answerer, silent]) joined.connection.disconnect();
      },
    };
  };
  return {
    makePeers: () => makePeers({ signed: false }),
    lowWaterBytes: SEND_LOW_WATER_BYTES,
    signed: { makePeers: (options = {}) => makePeers({ ...options, signed: true }) },
  };
}
