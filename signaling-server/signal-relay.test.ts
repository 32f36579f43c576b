import { describe, expect, it } from 'vitest';
import { SIGNAL_MAX_BYTES } from '../shared/protocol';
import { useTracker } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

describe('signal relay', () => {
  const harness = useTracker();

  it('delivers a signal intact to the addressed peer, saying who sent it and with which verified key', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const eve = await harness.join('Eve');
    const data = {
      type: 'offer',
      sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n',
      extra: { nested: [1, 'two', null], unicode: 'é✓' },
    };

    expect(await ana.socket.emitWithAck('signal', { to: bo.id, connectionId: 'conn-1', data })).toEqual({ ok: true });
    await waitFor(() => bo.pushes.signals.length === 1, 'the signal at Bo');
    expect(bo.pushes.signals).toEqual([{ from: ana.id, fromName: 'Ana', fromPublicKey: ana.identity.publicKey, connectionId: 'conn-1', data }]);

    const candidate = { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
    expect(await bo.socket.emitWithAck('signal', { to: ana.id, connectionId: 'conn-1', data: candidate })).toEqual({ ok: true });
    await waitFor(() => ana.pushes.signals.length === 1, 'the reply at Ana');
    expect(ana.pushes.signals).toEqual([{ from: bo.id, fromName: 'Bo', fromPublicKey: bo.identity.publicKey, connectionId: 'conn-1', data: candidate }]);
    expect(eve.pushes.signals).toEqual([]);
  });

  it('refuses a signal to a peer that is not online', async () => {
    const ana = await harness.join('Ana');
    expect(await ana.socket.emitWithAck('signal', { to: 'no-such-peer', connectionId: 'c1', data: { type: 'offer' } })).toEqual({
      ok: false,
      error: { code: 'PEER_NOT_FOUND', message: 'Peer no-such-peer is not online; it may have left' },
    });
  });

  it('refuses a signal to a peer that has left', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    bo.socket.disconnect();
    await ana.waitForPeers((peers) => peers.length === 1, 'Bo to leave');
    expect(await ana.socket.emitWithAck('signal', { to: bo.id, connectionId: 'c1', data: {} })).toMatchObject({
      ok: false,
      error: { code: 'PEER_NOT_FOUND' },
    });
  });

  it('refuses a signal addressed to the sender itself', async () => {
    const ana = await harness.join('Ana');
    expect(await ana.socket.emitWithAck('signal', { to: ana.id, connectionId: 'c1', data: {} })).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'A peer cannot signal itself' },
    });
  });

  it(`refuses signal data over ${SIGNAL_MAX_BYTES} bytes and relays nothing`, async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const oversized = { type: 'candidate', candidate: 'x'.repeat(SIGNAL_MAX_BYTES) };
    const ack = await ana.socket.emitWithAck('signal', { to: bo.id, connectionId: 'c1', data: oversized });
    expect(ack).toEqual({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: expect.stringMatching(new RegExp(`^Invalid signal request: data — Signal data is \\d+ bytes; at most ${SIGNAL_MAX_BYTES}`)),
      },
    });

    // Just under the cap still goes through, and only that one arrives.
    const fitting = { type: 'candidate', candidate: 'y'.repeat(SIGNAL_MAX_BYTES - 100) };
    expect(await ana.socket.emitWithAck('signal', { to: bo.id, connectionId: 'c2', data: fitting })).toEqual({ ok: true });
    await waitFor(() => bo.pushes.signals.length > 0, 'the fitting signal');
    expect(bo.pushes.signals.map((signal) => signal.connectionId)).toEqual(['c2']);
  });
});
