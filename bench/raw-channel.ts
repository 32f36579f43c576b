/**
 * The baseline: raw RTCDataChannel throughput between two browsers, with the same message size and
 * send-buffer marks Shoal uses, signalled by hand through the benchmark (no tracker, no engine).
 * Timed like a Shoal download: the connection and the first chunk's worth of bytes on their own,
 * then the throughput of the bytes after that.
 */
import type { Page } from 'playwright-core';
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../shared/protocol/peer-messages';
import { SEND_HIGH_WATER_BYTES, SEND_LOW_WATER_BYTES } from '../shared/engine/transfer-policy';
import type { SteadyWindow } from './machine-cpu';
import type { ReceiveTimes } from './raw-wrtc';

interface RawWindow {
  rawPc?: RTCPeerConnection;
  rawChannel?: RTCDataChannel;
  rawReceived?: Promise<ReceiveTimes>;
}

export interface RawChannelTiming {
  /** Throughput after the first `markBytes`. */
  bytesPerSecond: number;
  /** The window that throughput is timed over. */
  steadyWindow: SteadyWindow;
  /** From creating the offer to receiving the first `markBytes` (signalling by hand adds a few ms). */
  firstChunkMs: number;
}

/**
 * Sends `totalBytes` from `sender` to `receiver`, timing the first `markBytes` (a chunk) apart. With
 * `paceBytesPerSecond` the sender sends no faster than that (a bench tool's question: what the same
 * channel costs per MiB at a lower rate).
 */
export async function measureRawChannel(
  sender: Page,
  receiver: Page,
  totalBytes: number,
  markBytes: number,
  paceBytesPerSecond = 0,
): Promise<RawChannelTiming> {
  const connectStartedAtMs = Date.now();
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
  const answer = await answerInPage(receiver, offer, totalBytes, markBytes);
  await sender.evaluate(async (answer) => {
    const raw = window as RawWindow;
    await raw.rawPc!.setRemoteDescription(answer);
    const channel = raw.rawChannel!;
    if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve));
  }, answer);

  const received = receivedIn(receiver);
  await sender.evaluate(
    async ({ totalBytes, messageBytes, highWater, lowWater, paceBytesPerSecond }) => {
      const channel = (window as RawWindow).rawChannel!;
      channel.bufferedAmountLowThreshold = lowWater;
      const message = new Uint8Array(messageBytes);
      crypto.getRandomValues(message.subarray(0, 65_536));
      const startedAtMs = performance.now();
      for (let sent = 0; sent < totalBytes; sent += messageBytes) {
        const aheadMs = paceBytesPerSecond > 0 ? (sent / paceBytesPerSecond) * 1000 - (performance.now() - startedAtMs) : 0;
        if (aheadMs > 0) await new Promise((resolve) => setTimeout(resolve, aheadMs));
        if (channel.bufferedAmount > highWater) {
          await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
        }
        channel.send(sent + messageBytes <= totalBytes ? message : message.subarray(0, totalBytes - sent));
      }
    },
    // Same frames as Shoal's block frames: header plus one block.
    { totalBytes, messageBytes: BLOCK_BYTES + BLOCK_HEADER_BYTES, highWater: SEND_HIGH_WATER_BYTES, lowWater: SEND_LOW_WATER_BYTES, paceBytesPerSecond },
  );
  const times = await received;
  await Promise.all(
    [sender, receiver].map((page) =>
      page.evaluate(() => {
        (window as RawWindow).rawPc?.close();
      }),
    ),
  );
  return {
    bytesPerSecond: (totalBytes - times.bytesAtMark) / ((times.doneAtMs - times.markAtMs) / 1000),
    steadyWindow: { fromEpochMs: times.markAtMs, toEpochMs: times.doneAtMs, bytes: totalBytes - times.bytesAtMark },
    firstChunkMs: times.markAtMs - connectStartedAtMs,
  };
}

/**
 * The receiving end of a raw channel, in `page`: answers `offer` (candidates gathered, so the answer
 * carries them) and counts what arrives, noting when `markBytes` and when `totalBytes` had come
 * (epoch ms, so times from two pages on this machine compare). See `receivedIn`.
 */
export function answerInPage(page: Page, offer: RTCSessionDescriptionInit, totalBytes: number, markBytes: number): Promise<RTCSessionDescriptionInit> {
  return page.evaluate(
    async ({ offer, totalBytes, markBytes }) => {
      const pc = new RTCPeerConnection({ iceServers: [] });
      const raw = window as RawWindow;
      raw.rawPc = pc;
      raw.rawReceived = new Promise<ReceiveTimes>((resolve) => {
        pc.addEventListener('datachannel', ({ channel }) => {
          channel.binaryType = 'arraybuffer';
          let received = 0;
          let markAtMs = 0;
          let bytesAtMark = 0;
          channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
            received += event.data.byteLength;
            if (markAtMs === 0 && received >= markBytes) {
              markAtMs = Date.now();
              bytesAtMark = received;
            }
            if (received >= totalBytes) resolve({ markAtMs, bytesAtMark, doneAtMs: Date.now() });
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
    { offer, totalBytes, markBytes },
  );
}

/** Waits until the receiver `answerInPage` set up has every byte, closes it, and returns its times. */
export async function receivedIn(page: Page): Promise<ReceiveTimes> {
  const times = await page.evaluate(async () => {
    const raw = window as RawWindow;
    const received = await raw.rawReceived;
    raw.rawPc?.close();
    return received;
  });
  if (times === undefined) throw new Error('The raw channel receiver was not set up');
  return times;
}
