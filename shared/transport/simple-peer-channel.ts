/**
 * Adapts one simple-peer connection to the engine's PeerChannel. simple-peer connects and sends;
 * frames are read from its data channel directly, text as strings and binary as Uint8Array (and
 * in objectMode, so that whatever its stream took before we did keeps the same two shapes).
 *
 * Two things here are about cost and bindings, not browsers: whether the channel is open is
 * tracked from its events rather than read per frame (in @roamhq/wrtc each read of `readyState`
 * or `bufferedAmount` is a ~26 µs hop to WebRTC's thread), and a wait for drain polls the buffer
 * as well as listening for `bufferedamountlow`, which wrtc never fires (node-webrtc issue #305).
 */
import type SimplePeer from 'simple-peer';
import { SEND_LOW_WATER_BYTES } from '../engine/transfer-policy';
import type { ConnectionPath, Frame, PeerChannel } from '../engine/transport';
import { connectionPathFrom } from './connection-path';
import { peerConnectionOf } from './peer-connection-access';

/**
 * While someone waits for drain the buffer is also polled, first after the shortest pause, then
 * when it should be three quarters of the way down to the low-water mark at the rate it drained so
 * far: a read is a hop to WebRTC's busy thread in wrtc (up to ~1 ms under load), so polling at a
 * fixed 10 ms cost a seeder some 7 % of its event loop. The longest pause stays below the time the
 * 1 MiB left at the mark lasts at 20 MB/s, so the pipe does not run dry waiting for a poll.
 */
const DRAIN_POLL_MIN_MS = 5;
const DRAIN_POLL_MAX_MS = 40;

/** Frames kept for a channel nobody listens to yet; the engine subscribes within a tick, so a
 * peer that sends more before that is flooding, and the rest is dropped. */
const UNHEARD_FRAMES_MAX = 64;

/** The bits of RTCDataChannel we need that simple-peer keeps private (it exposes only `bufferSize`). */
interface PrivateChannel {
  bufferedAmountLowThreshold: number;
  addEventListener(type: 'bufferedamountlow', listener: () => void): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export class SimplePeerChannel implements PeerChannel {
  readonly peerId: string;
  private readonly peer: SimplePeer.Instance;
  private readonly frameListeners = new Set<(frame: Frame) => void>();
  private readonly closeListeners = new Set<(reason?: Error) => void>();
  /** Frames that came while nobody listened yet: the peer may speak the moment the channel opens,
   * before whoever opened it has subscribed. */
  private unheardFrames: Frame[] = [];
  private drainWaiters: Array<() => void> = [];
  private drainPoll: ReturnType<typeof setTimeout> | undefined;
  private lastDrainPoll: { queuedBytes: number; atMs: number } | undefined;
  /** How fast the buffer drained between polls; 0 until seen. */
  private drainBytesPerMs = 0;
  private closed = false;

  constructor(peerId: string, peer: SimplePeer.Instance) {
    this.peerId = peerId;
    this.peer = peer;
    const channel = (peer as unknown as { _channel: PrivateChannel | null })._channel;
    if (channel) {
      // simple-peer has no public drain event for send(); its underlying channel does.
      channel.bufferedAmountLowThreshold = SEND_LOW_WATER_BYTES;
      channel.addEventListener('bufferedamountlow', () => this.releaseDrainWaiters());
      // Frames come straight from the channel rather than through simple-peer's stream: per 64 KiB
      // frame its stream costs a Buffer wrap, a push and a next-tick (a timer in the browser bundle):
      // about 1-2 ms of CPU per MiB in Chromium, on a busy main thread. What the stream already
      // holds is taken first, in order, and kept with any other frame that comes before someone
      // listens (see onFrame).
      for (let early = peer.read() as unknown; early !== null; early = peer.read() as unknown) this.deliver(early);
      channel.onmessage = (event) => this.deliver(event.data);
    } else {
      peer.on('data', (data: unknown) => this.deliver(data));
    }
    peer.on('close', () => this.markClosed());
    peer.on('error', (error: Error) => this.markClosed(error));
    // Made once simple-peer reports 'connect'; from then on its 'close' and 'error' tell us the rest.
    if (!peer.connected) queueMicrotask(() => this.markClosed());
  }

  private deliver(data: unknown): void {
    if (this.closed) return;
    const frame = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : undefined;
    if (frame === undefined) return;
    if (this.frameListeners.size === 0) {
      if (this.unheardFrames.length < UNHEARD_FRAMES_MAX) this.unheardFrames.push(frame);
      return;
    }
    for (const listener of this.frameListeners) listener(frame);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(frame: Frame): void {
    if (!this.isOpen) return;
    this.peer.send(frame);
  }

  bufferedAmountBytes(): number {
    return this.peer.bufferSize;
  }

  waitForDrain(): Promise<void> {
    const queuedBytes = this.peer.bufferSize;
    if (this.closed || queuedBytes <= SEND_LOW_WATER_BYTES) return Promise.resolve();
    if (this.drainPoll === undefined) {
      this.lastDrainPoll = { queuedBytes, atMs: Date.now() };
      this.drainPoll = setTimeout(() => this.pollDrain(), DRAIN_POLL_MIN_MS);
    }
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** The first listener also gets, at once and in order, the frames that came before it. */
  onFrame(listener: (frame: Frame) => void): () => void {
    this.frameListeners.add(listener);
    const unheard = this.unheardFrames;
    this.unheardFrames = [];
    for (const frame of unheard) listener(frame);
    return () => this.frameListeners.delete(listener);
  }

  onClose(listener: (reason?: Error) => void): () => void {
    if (this.closed) {
      queueMicrotask(() => listener());
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.peer.destroy();
    this.markClosed();
  }

  /** Direct or through a TURN relay, and the round-trip time, from the connection's ICE stats. */
  async connectionPath(): Promise<ConnectionPath | undefined> {
    const connection = this.closed ? undefined : peerConnectionOf(this.peer);
    if (connection === undefined) return undefined;
    try {
      return connectionPathFrom(await connection.getStats());
    } catch {
      // The connection closed while the stats were being gathered.
      return undefined;
    }
  }

  private pollDrain(): void {
    this.drainPoll = undefined;
    if (this.closed) return;
    const queuedBytes = this.peer.bufferSize;
    if (queuedBytes <= SEND_LOW_WATER_BYTES) return this.releaseDrainWaiters();
    const nowMs = Date.now();
    const last = this.lastDrainPoll;
    if (last !== undefined && queuedBytes < last.queuedBytes && nowMs > last.atMs) {
      this.drainBytesPerMs = (last.queuedBytes - queuedBytes) / (nowMs - last.atMs);
    }
    this.lastDrainPoll = { queuedBytes, atMs: nowMs };
    const etaMs = this.drainBytesPerMs > 0 ? ((queuedBytes - SEND_LOW_WATER_BYTES) / this.drainBytesPerMs) * 0.75 : 0;
    this.drainPoll = setTimeout(() => this.pollDrain(), Math.min(DRAIN_POLL_MAX_MS, Math.max(DRAIN_POLL_MIN_MS, etaMs)));
  }

  private releaseDrainWaiters(): void {
    if (this.drainPoll !== undefined) clearTimeout(this.drainPoll);
    this.drainPoll = undefined;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private markClosed(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.unheardFrames = [];
    this.releaseDrainWaiters();
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
    this.frameListeners.clear();
  }
}
