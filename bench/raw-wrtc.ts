/** Raw wrtc data channels for the Node baselines: no simple-peer, no engine, Shoal's message size and send-buffer marks. */
import wrtc from '@roamhq/wrtc';
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../shared/protocol/peer-messages';
import { SEND_HIGH_WATER_BYTES, SEND_LOW_WATER_BYTES } from '../shared/engine/transfer-policy';

const MESSAGE_BYTES = BLOCK_BYTES + BLOCK_HEADER_BYTES;

/** The subset of wrtc's RTCDataChannel the raw baselines use. */
export interface RawChannel {
  readyState: string;
  bufferedAmount: number;
  binaryType: string;
  send(data: Uint8Array): void;
  addEventListener(type: string, listener: (event: { data?: ArrayBuffer; channel?: RawChannel }) => void): void;
  close(): void;
}

/** When the first `markBytes` had arrived and when all had, to time throughput as Shoal's is timed. */
export interface ReceiveTimes {
  markAtMs: number;
  bytesAtMark: number;
  doneAtMs: number;
}

export function steadyRate(times: ReceiveTimes, totalBytes: number): number {
  return (totalBytes - times.bytesAtMark) / ((times.doneAtMs - times.markAtMs) / 1000);
}

/**
 * Sends `totalBytes` in Shoal-sized messages with Shoal's send-buffer marks. wrtc never fires
 * `bufferedamountlow`, so it waits for drain as Shoal's channel does there: polling every 10 ms.
 */
export async function sendPaced(channel: RawChannel, totalBytes: number): Promise<void> {
  const message = new Uint8Array(MESSAGE_BYTES);
  let roomBytes = 0;
  for (let sent = 0; sent < totalBytes; sent += MESSAGE_BYTES) {
    if (roomBytes <= 0) {
      if (channel.bufferedAmount > SEND_HIGH_WATER_BYTES) {
        while (channel.bufferedAmount > SEND_LOW_WATER_BYTES) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      roomBytes = SEND_HIGH_WATER_BYTES - channel.bufferedAmount;
    }
    channel.send(message);
    roomBytes -= MESSAGE_BYTES;
  }
}

/** Resolves once the connection has gathered its candidates, so one offer or answer carries them all. */
export function iceGathered(pc: wrtc.RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

export async function openedChannel(channel: RawChannel): Promise<void> {
  if (channel.readyState !== 'open') await new Promise<void>((resolve) => channel.addEventListener('open', () => resolve()));
}
