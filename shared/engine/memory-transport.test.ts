import { describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import { BLOCK_BYTES, decodeBlockFrame, encodeBlockFrame } from '../protocol/peer-messages';
import { MemoryNetwork } from './memory-transport';
import type { Frame, PeerChannel } from './transport';
import { randomBytes, rejectionOf, waitUntil } from './test-fixtures';

function collect(channel: PeerChannel): Frame[] {
  const frames: Frame[] = [];
  channel.onFrame((frame) => frames.push(frame));
  return frames;
}

describe('MemoryNetwork', () => {
  it('connects two named peers and hands the far end to the callee', async () => {
    const network = new MemoryNetwork();
    const incoming: PeerChannel[] = [];
    network.transport('ben').onIncoming((channel) => incoming.push(channel));
    const atAna = await network.transport('ana').connect('ben');
    expect(atAna.peerId).toBe('ben');
    expect(incoming.map((channel) => channel.peerId)).toEqual(['ana']);
  });

  it('refuses to connect to an unknown or offline peer', async () => {
    const network = new MemoryNetwork();
    network.transport('ben');
    network.killPeer('ben');
    const error = await rejectionOf(network.transport('ana').connect('ben'));
    expect((error as ShoalError).code).toBe('PEER_UNREACHABLE');
    expect(((await rejectionOf(network.transport('ana').connect('nobody'))) as ShoalError).code).toBe('PEER_UNREACHABLE');
  });

  it('delivers frames in order, asynchronously, holding them until a listener is set', async () => {
    const [ana, ben] = new MemoryNetwork().createPair('ana', 'ben');
    ana.send('one');
    ana.send(new Uint8Array([2]));
    ana.send('three');
    await waitUntil(() => ana.bufferedAmountBytes() === 0, 'the frames left the send buffer');
    const frames = collect(ben);
    expect(frames).toEqual([]);
    ana.send('four');
    await waitUntil(() => frames.length === 4, 'four frames arrived');
    expect(frames).toEqual(['one', new Uint8Array([2]), 'three', 'four']);
  });

  it('buffers sent bytes until the wire takes them, and resolves waitForDrain below the low-water mark', async () => {
    const network = new MemoryNetwork({ defaultConditions: { bytesPerSecond: 50 * 1024 * 1024 }, lowWaterBytes: 64 * 1024 });
    const [ana, ben] = network.createPair('ana', 'ben');
    const received = collect(ben);
    for (let index = 0; index < 16; index += 1) ana.send(randomBytes(BLOCK_BYTES));
    expect(ana.bufferedAmountBytes()).toBe(16 * BLOCK_BYTES);
    await ana.waitForDrain();
    expect(ana.bufferedAmountBytes()).toBeLessThanOrEqual(64 * 1024);
    await waitUntil(() => received.length === 16, 'all 16 blocks arrived');
    expect(ana.peakBufferedBytes).toBe(16 * BLOCK_BYTES);
  });

  it('limits throughput to the configured rate', async () => {
    const network = new MemoryNetwork({ defaultConditions: { bytesPerSecond: 10 * 1024 * 1024 } });
    const [ana, ben] = network.createPair('ana', 'ben');
    const received = collect(ben);
    const startedMs = Date.now();
    for (let index = 0; index < 16; index += 1) ana.send(new Uint8Array(BLOCK_BYTES)); // 1 MiB: ~100 ms
    await waitUntil(() => received.length === 16, 'the megabyte arrived');
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(90);
  });

  it('closes both ends when a peer is killed, with the reason, and releases drain waiters', async () => {
    const network = new MemoryNetwork({ defaultConditions: { bytesPerSecond: 1024 } });
    const [ana, ben] = network.createPair('ana', 'ben');
    const reasons: (Error | undefined)[] = [];
    ana.onClose((reason) => reasons.push(reason));
    ben.onClose((reason) => reasons.push(reason));
    ana.send(new Uint8Array(BLOCK_BYTES));
    const draining = ana.waitForDrain();
    network.killPeer('ben');
    await draining;
    await waitUntil(() => reasons.length === 2, 'both ends heard the close');
    expect(ana.isOpen || ben.isOpen).toBe(false);
    expect(reasons.every((reason) => reason instanceof ShoalError && reason.code === 'PEER_UNREACHABLE')).toBe(true);
    expect(() => ana.send('late')).toThrow();
  });

  it('drops what a stalled peer sends while its channel stays open', async () => {
    const network = new MemoryNetwork();
    const [ana, ben] = network.createPair('ana', 'ben');
    const atAna = collect(ana);
    const atBen = collect(ben);
    network.stall('ben');
    ben.send('hello?');
    ana.send('ping');
    await waitUntil(() => atBen.length === 1, 'ben got the ping');
    network.stall('ben', false);
    ben.send('back');
    await waitUntil(() => atAna.length === 1, 'ana got a frame');
    expect(atAna).toEqual(['back']);
    expect(ben.isOpen).toBe(true);
  });

  it("corrupts a lying peer's block payloads but keeps their headers readable", async () => {
    const network = new MemoryNetwork();
    const [ana, ben] = network.createPair('ana', 'ben');
    const atBen = collect(ben);
    const payload = randomBytes(1000);
    network.lie('ana');
    ana.send(encodeBlockFrame(7, 0, payload));
    ana.send('text is untouched');
    await waitUntil(() => atBen.length === 2, 'both frames arrived');
    const [block, text] = atBen;
    const decoded = decodeBlockFrame(block as Uint8Array);
    expect(decoded?.requestId).toBe(7);
    expect(decoded?.payload).not.toEqual(payload);
    expect(text).toBe('text is untouched');
  });
});
