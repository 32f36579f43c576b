/**
 * Bytes a seeder's page let go, counted where its upload limiter lets them go: each call to an
 * RTCDataChannel's send() (serve-queue.ts takes a block from the limiter, waits for room in the
 * channel, then sends it, so what send() was given over a window is what the limiter released,
 * give or take the one block that waited for room). Read a few times a second through a download,
 * with the channels' bufferedAmount, which says how far the bytes received lag the bytes released.
 * Installed on a running page (the prototype's send is looked up at each call, so the app's open
 * channels are counted too); the counts and the timestamps are read on the thread that sends.
 */
import type { Page } from 'playwright-core';
import type { SentSnapshot } from './steady-window';

/** How often the counters are read, as the downloading page reads its received bytes. */
const SENT_SNAPSHOT_INTERVAL_MS = 200;

interface SentCounter {
  sentBytes: number;
  channels: Set<RTCDataChannel>;
  series: SentSnapshot[];
  timer: ReturnType<typeof setInterval> | undefined;
}

interface SentBytesWindow {
  benchSentBytes?: SentCounter;
}

/** Installs the counter (once per page) and starts reading it, from a first snapshot taken now. */
export async function startCountingSent(page: Page): Promise<void> {
  await page.evaluate((intervalMs) => {
    const holder = window as SentBytesWindow;
    let counter = holder.benchSentBytes;
    if (counter === undefined) {
      const installed: SentCounter = { sentBytes: 0, channels: new Set(), series: [], timer: undefined };
      const nativeSend = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
      Object.defineProperty(RTCDataChannel.prototype, 'send', {
        configurable: true,
        writable: true,
        value: function countedSend(this: RTCDataChannel, data: unknown): void {
          nativeSend.call(this, data); // first: a send that throws sent nothing
          installed.channels.add(this);
          if (typeof data === 'string') installed.sentBytes += data.length;
          else if (data instanceof Blob) installed.sentBytes += data.size;
          else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) installed.sentBytes += data.byteLength;
        },
      });
      holder.benchSentBytes = installed;
      counter = installed;
    }
    const reading = counter;
    const snapshot = (): void => {
      let bufferedBytes = 0;
      for (const channel of reading.channels) {
        if (channel.readyState === 'closed') reading.channels.delete(channel);
        else bufferedBytes += channel.bufferedAmount;
      }
      reading.series.push({ atMs: performance.timeOrigin + performance.now(), sentBytes: reading.sentBytes, bufferedBytes });
    };
    clearInterval(reading.timer);
    reading.series = [];
    snapshot();
    reading.timer = setInterval(snapshot, intervalMs);
  }, SENT_SNAPSHOT_INTERVAL_MS);
}

/** Stops reading the counter and returns its snapshots since startCountingSent (a last one taken now). */
export async function stopCountingSent(page: Page): Promise<SentSnapshot[]> {
  return page.evaluate(() => {
    const counter = (window as SentBytesWindow).benchSentBytes;
    if (counter === undefined) throw new Error('startCountingSent was not called on this page');
    clearInterval(counter.timer);
    counter.timer = undefined;
    let bufferedBytes = 0;
    for (const channel of counter.channels) if (channel.readyState !== 'closed') bufferedBytes += channel.bufferedAmount;
    const series = [...counter.series, { atMs: performance.timeOrigin + performance.now(), sentBytes: counter.sentBytes, bufferedBytes }];
    counter.series = [];
    return series;
  });
}
