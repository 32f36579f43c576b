/**
 * What several separate RTCPeerConnections (one data channel each, so one SCTP association each)
 * carry together between two pages: each sends as fast as its channel takes for `seconds`, and the
 * receiver's byte count is read over the middle of that time (the first seconds are slow start).
 * Signalled by hand, like raw-channel.ts. For `npm run bench:net -- --connections=1,2,4`.
 */
import type { Page } from 'playwright-core';
import { SEND_HIGH_WATER_BYTES, SEND_LOW_WATER_BYTES } from '../../shared/engine/transfer-policy';

interface ManyWindow {
  manyPcs?: RTCPeerConnection[];
  manyChannels?: RTCDataChannel[];
  manyReceived?: { bytes: number };
}

const WARM_UP_MS = 3_000;

/** Bytes per second `count` connections carry together from `sender` to `receiver`. */
export async function measureConnections(sender: Page, receiver: Page, count: number, seconds: number): Promise<number> {
  const offers = await sender.evaluate(async (count) => {
    const many = window as ManyWindow;
    many.manyPcs = [];
    many.manyChannels = [];
    const offers: RTCSessionDescriptionInit[] = [];
    for (let i = 0; i < count; i++) {
      const pc = new RTCPeerConnection({ iceServers: [] });
      many.manyPcs.push(pc);
      many.manyChannels.push(pc.createDataChannel('raw', { ordered: true }));
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
      offers.push(pc.localDescription!.toJSON());
    }
    return offers;
  }, count);
  const answers = await receiver.evaluate(async (offers) => {
    const many = window as ManyWindow;
    many.manyPcs = [];
    const received = { bytes: 0 };
    many.manyReceived = received;
    const answers: RTCSessionDescriptionInit[] = [];
    for (const offer of offers) {
      const pc = new RTCPeerConnection({ iceServers: [] });
      many.manyPcs.push(pc);
      pc.addEventListener('datachannel', ({ channel }) => {
        channel.binaryType = 'arraybuffer';
        channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
          received.bytes += event.data.byteLength;
        };
      });
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      });
      answers.push(pc.localDescription!.toJSON());
    }
    return answers;
  }, offers);
  await sender.evaluate(async (answers) => {
    const many = window as ManyWindow;
    await Promise.all((many.manyPcs ?? []).map((pc, i) => pc.setRemoteDescription(answers[i]!)));
    await Promise.all(
      (many.manyChannels ?? []).map((channel) =>
        channel.readyState === 'open' ? undefined : new Promise((resolve) => channel.addEventListener('open', resolve, { once: true })),
      ),
    );
  }, answers);
  const sending = sender.evaluate(
    async ({ seconds, highWater, lowWater }) => {
      const message = new Uint8Array(64 * 1024);
      crypto.getRandomValues(message);
      const endsAt = performance.now() + seconds * 1000;
      await Promise.all(
        ((window as ManyWindow).manyChannels ?? []).map(async (channel) => {
          channel.bufferedAmountLowThreshold = lowWater;
          while (performance.now() < endsAt) {
            if (channel.bufferedAmount > highWater) {
              await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
            } else {
              channel.send(message);
            }
          }
        }),
      );
    },
    { seconds, highWater: SEND_HIGH_WATER_BYTES, lowWater: SEND_LOW_WATER_BYTES },
  );
  const receivedBytes = (): Promise<{ atMs: number; bytes: number }> =>
    receiver.evaluate(() => ({ atMs: Date.now(), bytes: (window as ManyWindow).manyReceived?.bytes ?? 0 }));
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const from = await receivedBytes();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000 - WARM_UP_MS - 500));
  const to = await receivedBytes();
  await sending;
  for (const page of [sender, receiver]) await page.evaluate(() => (window as ManyWindow).manyPcs?.forEach((pc) => pc.close()));
  return (to.bytes - from.bytes) / ((to.atMs - from.atMs) / 1000);
}
