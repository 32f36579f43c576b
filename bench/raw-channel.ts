/**
 * The baseline: raw RTCDataChannel throughput between two browsers, with the same message size and
 * send-buffer marks Shoal uses, signalled by hand through the benchmark (no tracker, no engine).
 */
import type { Page } from 'playwright-core';
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../shared/protocol/peer-messages';
import { SEND_HIGH_WATER_BYTES, SEND_LOW_WATER_BYTES } from '../shared/engine/transfer-policy';

interface RawWindow {
  rawPc?: RTCPeerConnection;
  rawChannel?: RTCDataChannel;
  rawReceived?: Promise<void>;
}

/** Sends `totalBytes` from `sender` to `receiver`; returns bytes per second. */
export async function measureRawChannel(sender: Page, receiver: Page, totalBytes: number): Promise<number> {
  const offer = await sender.evaluate(async () => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const raw = window as RawWindow;
    raw.rawPc = pc;
    raw.rawChannel = pc.createDataChannel('raw', { ordered: true });
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc);
    return pc.localDescription!.toJSON();

    function iceGathered(connection: RTCPeerConnection): Promise<void> {
      return new Promise((resolve) => {
        if (connection.iceGatheringState === 'complete') resolve();
        connection.addEventListener('icegatheringstatechange', () => {
          if (connection.iceGatheringState === 'complete') resolve();
        });
      });
    }
  });
  const answer = await receiver.evaluate(
    async ({ offer, totalBytes }) => {
      const pc = new RTCPeerConnection({ iceServers: [] });
      const raw = window as RawWindow;
      raw.rawPc = pc;
      raw.rawReceived = new Promise<void>((resolve) => {
        pc.addEventListener('datachannel', ({ channel }) => {
          channel.binaryType = 'arraybuffer';
          let received = 0;
          channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
            received += event.data.byteLength;
            if (received >= totalBytes) resolve();
          };
        });
      });
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') resolve();
        });
      });
      return pc.localDescription!.toJSON();
    },
    { offer, totalBytes },
  );
  await sender.evaluate(async (answer) => {
    const raw = window as RawWindow;
    await raw.rawPc!.setRemoteDescription(answer);
    const channel = raw.rawChannel!;
    if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve));
  }, answer);

  const startedMs = performance.now();
  const received = receiver.evaluate(() => (window as RawWindow).rawReceived);
  await sender.evaluate(
    async ({ totalBytes, messageBytes, highWater, lowWater }) => {
      const channel = (window as RawWindow).rawChannel!;
      channel.bufferedAmountLowThreshold = lowWater;
      const message = new Uint8Array(messageBytes);
      crypto.getRandomValues(message.subarray(0, 65_536));
      for (let sent = 0; sent < totalBytes; sent += messageBytes) {
        if (channel.bufferedAmount > highWater) {
          await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
        }
        channel.send(sent + messageBytes <= totalBytes ? message : message.subarray(0, totalBytes - sent));
      }
    },
    // Same frames as Shoal's block frames: header plus one block.
    { totalBytes, messageBytes: BLOCK_BYTES + BLOCK_HEADER_BYTES, highWater: SEND_HIGH_WATER_BYTES, lowWater: SEND_LOW_WATER_BYTES },
  );
  await received;
  const seconds = (performance.now() - startedMs) / 1000;
  await Promise.all(
    [sender, receiver].map((page) =>
      page.evaluate(() => {
        (window as RawWindow).rawPc?.close();
      }),
    ),
  );
  return totalBytes / seconds;
}
