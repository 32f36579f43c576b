/**
 * @roamhq/wrtc never fires RTCDataChannel's `bufferedamountlow` event (node-webrtc issue #305),
 * and both the engine's channel adapter and simple-peer wait for it before sending more: without
 * it a transfer stalls once the send buffer first fills. This fills the gap for wrtc only: after a
 * send leaves the buffer above `bufferedAmountLowThreshold`, the buffer is polled until it drains
 * to the threshold, then the event is dispatched as a browser would.
 */
import wrtc from '@roamhq/wrtc';

/** Often enough that a 1 MiB buffer at ~100 MB/s (10 ms to drain) never runs dry; only while
 * a channel is above its threshold, so an idle peer does no polling at all. */
const POLL_INTERVAL_MS = 2;

interface PolledChannel {
  bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  readyState: string;
  dispatchEvent(event: Event): void;
  send(data: unknown): void;
}

const watched = new WeakSet<PolledChannel>();
let isInstalled = false;

export function installBufferedAmountLowPolyfill(): void {
  if (isInstalled) return;
  isInstalled = true;
  const prototype = (wrtc.RTCDataChannel as unknown as { prototype: PolledChannel }).prototype;
  const send = prototype.send;
  prototype.send = function sendAndWatch(this: PolledChannel, data: unknown): void {
    send.call(this, data);
    watch(this);
  };
}

function watch(channel: PolledChannel): void {
  if (watched.has(channel) || !isAboveThreshold(channel)) return;
  watched.add(channel);
  const poll = (): void => {
    if (channel.readyState !== 'open') {
      watched.delete(channel);
    } else if (isAboveThreshold(channel)) {
      setTimeout(poll, POLL_INTERVAL_MS);
    } else {
      watched.delete(channel);
      channel.dispatchEvent(new Event('bufferedamountlow'));
    }
  };
  setTimeout(poll, POLL_INTERVAL_MS);
}

function isAboveThreshold(channel: PolledChannel): boolean {
  return channel.bufferedAmount > (channel.bufferedAmountLowThreshold || 0);
}
