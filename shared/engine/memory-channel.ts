/**
 * An in-memory PeerChannel FOR TESTS AND SIMULATIONS (see memory-transport.ts for the network that
 * makes them). It behaves like a data channel where the engine can tell: delivery is asynchronous
 * and ordered, and sent frames sit in a send buffer until the simulated wire takes them, so
 * `bufferedAmountBytes` grows and `waitForDrain` waits as they would on a real channel.
 */
import type { ConnectionPath, Frame, PeerChannel } from './transport';

export interface LinkConditions {
  /** One-way delay from leaving the send buffer to reaching the other side. */
  latencyMs?: number;
  /** Wire speed; frames leave the send buffer no faster than this. Unlimited when absent. */
  bytesPerSecond?: number;
  /** What `connectionPath()` on the sending end reports; absent: undefined, as a channel that cannot tell. */
  path?: ConnectionPath;
}

/** What the network may do to a frame a peer sends: pass it, change it, or drop it (undefined). */
export type FrameShaper = (frame: Frame) => Frame | undefined;

type Timer = ReturnType<typeof setTimeout>;

interface InTransit {
  frame: Frame;
  sizeBytes: number;
  leavesBufferAtMs: number;
  arrivesAtMs: number;
}

/** One direction of a channel pair: the sender's send buffer and the wire behind it. */
class Pipe {
  bufferedBytes = 0;
  peakBufferedBytes = 0;
  private readonly inTransit: InTransit[] = [];
  /** How many frames at the head of `inTransit` have left the send buffer. */
  private leftBufferCount = 0;
  private wireFreeAtMs = 0;
  private timer: Timer | undefined;
  private drainWaiters: (() => void)[] = [];
  private isClosed = false;

  constructor(
    private readonly conditions: () => LinkConditions,
    private readonly lowWaterBytes: number,
    private readonly deliver: (frame: Frame) => void,
  ) {}

  push(frame: Frame): void {
    const nowMs = Date.now();
    const { latencyMs = 0, bytesPerSecond } = this.conditions();
    const sizeBytes = typeof frame === 'string' ? frame.length : frame.byteLength;
    const startMs = Math.max(nowMs, this.wireFreeAtMs);
    const leavesBufferAtMs = bytesPerSecond ? startMs + (sizeBytes * 1000) / bytesPerSecond : startMs;
    this.wireFreeAtMs = leavesBufferAtMs;
    this.inTransit.push({ frame, sizeBytes, leavesBufferAtMs, arrivesAtMs: leavesBufferAtMs + latencyMs });
    this.bufferedBytes += sizeBytes;
    this.peakBufferedBytes = Math.max(this.peakBufferedBytes, this.bufferedBytes);
    this.schedule(nowMs);
  }

  waitForDrain(): Promise<void> {
    if (this.isClosed || this.bufferedBytes <= this.lowWaterBytes) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  close(): void {
    this.isClosed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.inTransit.length = 0;
    this.bufferedBytes = 0;
    this.releaseDrainWaiters();
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    const nowMs = Date.now();
    for (let next = this.inTransit[this.leftBufferCount]; next && next.leavesBufferAtMs <= nowMs; ) {
      this.bufferedBytes -= next.sizeBytes;
      this.leftBufferCount += 1;
      next = this.inTransit[this.leftBufferCount];
    }
    if (this.bufferedBytes <= this.lowWaterBytes) this.releaseDrainWaiters();
    for (let head = this.inTransit[0]; head && this.leftBufferCount > 0 && head.arrivesAtMs <= nowMs; ) {
      this.inTransit.shift();
      this.leftBufferCount -= 1;
      this.deliver(head.frame);
      if (this.isClosed) return;
      head = this.inTransit[0];
    }
    this.schedule(nowMs);
  };

  private schedule(nowMs: number): void {
    if (this.timer !== undefined || this.isClosed) return;
    const nextLeave = this.inTransit[this.leftBufferCount]?.leavesBufferAtMs ?? Infinity;
    const nextArrival = this.leftBufferCount > 0 ? (this.inTransit[0]?.arrivesAtMs ?? Infinity) : Infinity;
    const nextMs = Math.min(nextLeave, nextArrival);
    if (nextMs !== Infinity) this.timer = setTimeout(this.pump, Math.max(0, nextMs - nowMs));
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** One end of a channel pair. `peerId` is the peer at the other end, as on a real channel. */
export class MemoryChannel implements PeerChannel {
  private open = true;
  private readonly frameListeners = new Set<(frame: Frame) => void>();
  private readonly closeListeners = new Set<(reason?: Error) => void>();
  /** Frames that arrived before anyone listened, as a real channel holds them until its handler is set. */
  private readonly inbox: Frame[] = [];
  private closeReason: Error | undefined;
  private readonly outgoing: Pipe;
  private remote: MemoryChannel | undefined;

  constructor(
    readonly localPeerId: string,
    readonly peerId: string,
    private readonly conditions: () => LinkConditions,
    lowWaterBytes: number,
    private readonly shape: FrameShaper,
  ) {
    this.outgoing = new Pipe(conditions, lowWaterBytes, (frame) => this.remote?.receive(frame));
  }

  /** Joins two ends; called once by the network that creates the pair. */
  static connect(a: MemoryChannel, b: MemoryChannel): void {
    a.remote = b;
    b.remote = a;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The largest send buffer seen on this end, to check that senders respect backpressure. */
  get peakBufferedBytes(): number {
    return this.outgoing.peakBufferedBytes;
  }

  send(frame: Frame): void {
    // A real RTCDataChannel throws InvalidStateError when sent to after closing.
    if (!this.open) throw new Error(`The channel to ${this.peerId} is closed`);
    // Copied, as a real channel does, so a sender that reuses its buffer is caught by the tests.
    const shaped = this.shape(typeof frame === 'string' ? frame : frame.slice());
    if (shaped !== undefined) this.outgoing.push(shaped);
  }

  bufferedAmountBytes(): number {
    return this.outgoing.bufferedBytes;
  }

  /** As set in the conditions (a test's choice), read anew each call as a real channel's stats are. */
  connectionPath(): Promise<ConnectionPath | undefined> {
    const path = this.conditions().path;
    return Promise.resolve(path && { ...path });
  }

  waitForDrain(): Promise<void> {
    return this.outgoing.waitForDrain();
  }

  onFrame(listener: (frame: Frame) => void): () => void {
    this.frameListeners.add(listener);
    if (this.inbox.length > 0) setTimeout(() => this.deliverInbox(), 0);
    return () => this.frameListeners.delete(listener);
  }

  onClose(listener: (reason?: Error) => void): () => void {
    if (!this.open) {
      setTimeout(() => listener(this.closeReason), 0);
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.kill();
  }

  /** Closes both ends; the remote end sees `reason` (a dropped connection), ours sees it too. */
  kill(reason: Error = new Error(`${this.localPeerId} closed the channel`)): void {
    this.shutDown(reason);
    this.remote?.shutDown(reason);
  }

  private receive(frame: Frame): void {
    if (!this.open) return;
    // Frames queue behind held ones so order is kept while the inbox is being delivered.
    if (this.frameListeners.size === 0 || this.inbox.length > 0) this.inbox.push(frame);
    else this.dispatch(frame);
  }

  private deliverInbox(): void {
    while (this.open && this.frameListeners.size > 0) {
      const frame = this.inbox.shift();
      if (frame === undefined) return;
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Frame): void {
    for (const listener of this.frameListeners) {
      try {
        listener(frame);
      } catch (error) {
        // Report a listener's bug the way a browser would (uncaught), without stalling the channel.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }

  private shutDown(reason: Error): void {
    if (!this.open) return;
    this.open = false;
    this.closeReason = reason;
    this.outgoing.close();
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    this.frameListeners.clear();
    // Close events arrive asynchronously on real channels too.
    setTimeout(() => listeners.forEach((listener) => listener(reason)), 0);
  }
}
