import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerChannel } from '../engine/transport';
import type { IceServer } from '../protocol/ice-servers';
import { SimplePeerTransport } from './simple-peer-transport';
import { failureOf } from './test-support/connect-failure';
import { dropCandidates, signalingPair, type SignalRewrite } from './test-support/signaling-pair';

const transports: SimplePeerTransport[] = [];

afterEach(() => {
  for (const transport of transports.splice(0)) transport.close();
});

/** Ana and Ben, each with a wrtc transport, signalling through an in-memory relay. */
function anaAndBen(options: { rewrite?: SignalRewrite; iceServers?: IceServer[] } = {}) {
  const [anaSignals, benSignals] = signalingPair(['ana', 'ben'], options.rewrite);
  const make = (signaling: typeof anaSignals) =>
    new SimplePeerTransport({ SimplePeer, signaling, peerOptions: { wrtc }, iceServers: () => options.iceServers ?? [] });
  const ana = make(anaSignals);
  const ben = make(benSignals);
  transports.push(ana, ben);
  return { ana, ben };
}

describe('SimplePeerTransport over real WebRTC (wrtc)', () => {
  it('connects on loopback and says the path is direct, with a round-trip time', async () => {
    const { ana, ben } = anaAndBen();
    const incoming = new Promise<PeerChannel>((resolve) => ben.onIncoming(resolve));
    const channel = await ana.connect('ben', { timeoutMs: 10_000 });
    await incoming;
    const path = await channel.connectionPath?.();
    expect(path?.kind).toBe('direct');
    expect(typeof path?.rttMs).toBe('number');
  });

  it("says 'no direct path and no relay configured' when ICE finds no path and there is no TURN server", async () => {
    // ICE fails for real: the offer and answer cross but no candidate does (see dropCandidates).
    const { ana } = anaAndBen({ rewrite: dropCandidates });
    const error = await failureOf(ana.connect('ben', { timeoutMs: 2_000 }));
    expect(error.code).toBe('PEER_UNREACHABLE');
    expect(error.why).toBe('no direct path and no relay configured');
  });

  it('says the relay could not be used either when a TURN server is configured but gives no path', async () => {
    // Nothing listens on port 9 of loopback (discard), so the relay never answers.
    const relay = { urls: 'turn:127.0.0.1:9?transport=udp', username: '1:ana', credential: 'x' };
    const { ana } = anaAndBen({ rewrite: dropCandidates, iceServers: [relay] });
    const error = await failureOf(ana.connect('ben', { timeoutMs: 2_000 }));
    expect(error.why).toMatch(/^no direct path, and the relay (did not answer in time|gave no address)/);
  });

  it('says the peer did not answer when nothing comes back', async () => {
    const { ana } = anaAndBen({ rewrite: () => undefined });
    const startedMs = Date.now();
    const error = await failureOf(ana.connect('ben', { timeoutMs: 500 }));
    expect(error.why).toBe('it did not answer in time');
    expect(Date.now() - startedMs).toBeLessThan(3_000);
  });
});
