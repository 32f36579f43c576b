import wrtc from '@roamhq/wrtc';
import SimplePeer from 'simple-peer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../engine/transport';
import { SimplePeerChannel } from './simple-peer-channel';

const opened: SimplePeer.Instance[] = [];

/** Two simple-peers over real WebRTC (wrtc), signalled directly; resolves each side's channel at its 'connect'. */
function connectedPair(onAnaConnect: (channel: SimplePeerChannel) => void): Promise<[SimplePeerChannel, SimplePeerChannel]> {
  const ana = new SimplePeer({ initiator: true, wrtc, objectMode: true, config: { iceServers: [] } });
  const ben = new SimplePeer({ wrtc, objectMode: true, config: { iceServers: [] } });
  opened.push(ana, ben);
  ana.on('signal', (data) => ben.signal(data));
  ben.on('signal', (data) => ana.signal(data));
  const anaChannel = new Promise<SimplePeerChannel>((resolve) =>
    ana.once('connect', () => {
      const channel = new SimplePeerChannel('ben', ana);
      onAnaConnect(channel);
      resolve(channel);
    }),
  );
  const benChannel = new Promise<SimplePeerChannel>((resolve) => ben.once('connect', () => resolve(new SimplePeerChannel('ana', ben))));
  return Promise.all([anaChannel, benChannel]);
}

function collect(channel: SimplePeerChannel, count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  return new Promise((resolve) =>
    channel.onFrame((frame) => {
      frames.push(frame);
      if (frames.length === count) resolve(frames);
    }),
  );
}

afterEach(() => {
  for (const peer of opened.splice(0)) peer.destroy();
});

describe('SimplePeerChannel over real WebRTC', () => {
  it('carries text and binary frames both ways', async () => {
    const [ana, ben] = await connectedPair(() => {});
    const atBen = collect(ben, 2);
    const atAna = collect(ana, 1);
    ana.send('hello');
    ana.send(new Uint8Array([1, 2, 3]));
    ben.send('back');
    const [text, bytes] = await atBen;
    expect(text).toBe('hello');
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).toEqual([1, 2, 3]);
    expect(await atAna).toEqual(['back']);
  });

  it('keeps the frames a peer sends before anyone listens, and hands them over in order', async () => {
    // Ana speaks the moment her side connects; Ben's listener comes a while after his channel exists.
    const [, ben] = await connectedPair((ana) => {
      for (let i = 0; i < 5; i++) ana.send(`early ${i}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await collect(ben, 5)).toEqual(['early 0', 'early 1', 'early 2', 'early 3', 'early 4']);
  });

  it('says it reaches its peer directly on loopback, with a round-trip time, and nothing once closed', async () => {
    const [ana] = await connectedPair(() => {});
    const path = await ana.connectionPath();
    expect(path?.kind).toBe('direct');
    expect(path?.rttMs).toEqual(expect.any(Number));
    ana.close();
    expect(await ana.connectionPath()).toBeUndefined();
  });
});
