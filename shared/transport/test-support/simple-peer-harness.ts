/**
 * The Transport contract's harness for SimplePeerTransport, FOR TESTS: two real WebRTC peers on
 * loopback, signalling through the in-memory relay (memory-signal-relay.ts). The same harness runs in
 * Node (simple-peer with the wrtc binding) and in Chromium (simple-peer's browser bundle on the
 * browser's own WebRTC); only the simple-peer constructor and its options differ.
 */
import type SimplePeer from 'simple-peer';
import type { SignedTransportPeers, TransportHarness, TransportPeers } from '../../engine/transport.contract';
import { SEND_LOW_WATER_BYTES } from '../../engine/transfer-policy';
import { generateKeyPair, identityFromKeyPair, type PeerIdentity } from '../../identity/peer-keys';
import type { SignalData } from '../../protocol/tracker-messages';
import type { SignalAuth } from '../signal-signing';
import { SimplePeerTransport, type SimplePeerConstructor } from '../simple-peer-transport';
import { MemorySignalRelay } from './memory-signal-relay';

const CALLER = { id: 'ana-id', name: 'ana' };
const ANSWERER = { id: 'ben-id', name: 'ben' };
const SILENT = { id: 'ghost-id', name: 'ghost' };

export function simplePeerHarness(SimplePeerClass: SimplePeerConstructor, peerOptions: Partial<SimplePeer.Options> = {}): TransportHarness {
  const makeTransport = (relay: MemorySignalRelay, peer: { id: string; name: string }, publicKey: string, auth?: SignalAuth) =>
    new SimplePeerTransport({
      SimplePeer: SimplePeerClass,
      signaling: relay.join({ ...peer, publicKey }),
      peerOptions,
      iceServers: () => [],
      ...(auth ? { auth } : {}),
    });

  const unsignedPeers = async (): Promise<TransportPeers> => {
    const relay = new MemorySignalRelay();
    relay.join({ ...SILENT, publicKey: 'unsigned' }); // joined, but nothing listens for its signals
    return {
      caller: makeTransport(relay, CALLER, 'unsigned'),
      answerer: makeTransport(relay, ANSWERER, 'unsigned'),
      callerId: CALLER.id,
      answererId: ANSWERER.id,
      silentPeerId: SILENT.id,
      absentPeerId: 'nobody-id',
    };
  };

  const signedPeers = async (options: { impostor?: 'caller' | 'answerer'; alterOffers?: boolean } = {}): Promise<SignedTransportPeers> => {
    const relay = new MemorySignalRelay(options.alterOffers ? alterOfferFingerprint : undefined);
    const refusals: SignedTransportPeers['refusals'] = [];
    const transportOf = async (role: 'caller' | 'answerer', peer: { id: string; name: string }) => {
      const joinedWith = await newIdentity();
      // An impostor joined with one key and signs with another.
      const signsWith = options.impostor === role ? await newIdentity() : joinedWith;
      const auth: SignalAuth = {
        identity: signsWith,
        myPeerId: () => peer.id,
        onRejected: ({ peerId, peerName }) => refusals.push({ at: role, peerId, peerName }),
      };
      return makeTransport(relay, peer, joinedWith.publicKey, auth);
    };
    relay.join({ ...SILENT, publicKey: (await newIdentity()).publicKey });
    return {
      caller: await transportOf('caller', CALLER),
      answerer: await transportOf('answerer', ANSWERER),
      callerId: CALLER.id,
      answererId: ANSWERER.id,
      callerName: CALLER.name,
      answererName: ANSWERER.name,
      silentPeerId: SILENT.id,
      absentPeerId: 'nobody-id',
      refusals,
    };
  };

  return { makePeers: unsignedPeers, lowWaterBytes: SEND_LOW_WATER_BYTES, signed: { makePeers: signedPeers } };
}

async function newIdentity(): Promise<PeerIdentity> {
  return identityFromKeyPair(await generateKeyPair(false));
}

/** Changes the first byte of each offer's DTLS fingerprint, as a man in the middle swapping certificates would. */
export function alterOfferFingerprint(data: SignalData): SignalData {
  if (data.type !== 'offer' || data.sdp === undefined) return data;
  const sdp = data.sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/i, (_, prefix: string, byte: string) =>
    `${prefix}${byte.toUpperCase() === 'AA' ? 'BB' : 'AA'}`,
  );
  if (sdp === data.sdp) throw new Error('The offer carries no sha-256 fingerprint to alter');
  return { ...data, sdp };
}
