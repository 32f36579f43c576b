/**
 * Our requests to one peer that await an answer: request ids, reassembling a chunk from its blocks,
 * and the idle timeout. The peer answers requests in order, so when it sends nothing towards any
 * of them for `timeoutMs`, none of them is moving and all fail with TIMEOUT.
 */
import { ShoalError, type ErrorCode } from '../protocol/errors';
import type { BlockFrame, Manifest, PeerControl } from '../protocol/peer-messages';
import type { ChunkBuffers } from './chunk-buffer-pool';

type ManifestAnswer = Extract<PeerControl, { t: 'manifest' }>;
type HaveAnswer = Extract<PeerControl, { t: 'have' }>;
type ErrorAnswer = Extract<PeerControl, { t: 'error' }>;
type Timer = ReturnType<typeof setTimeout>;

/** The peer itself answered our request with an error ("I do not hold that chunk"), as opposed to
 * a failure we saw (timeout, lost connection, malformed bytes). */
export class RefusedByPeerError extends ShoalError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'RefusedByPeerError';
  }
}

interface ManifestWait {
  kind: 'manifest';
  contentId: string;
  resolve: (manifest: Manifest) => void;
  reject: (error: ShoalError) => void;
}

interface HaveWait {
  kind: 'have';
  contentId: string;
  resolve: (bitfield: string) => void;
  reject: (error: ShoalError) => void;
}

interface ChunkWait {
  kind: 'chunk';
  contentId: string;
  index: number;
  expectedLength: number;
  /** Taken when the chunk's first block arrives (the peer answers one request at a time, so a deep
   * queue of requests costs no memory); blocks are copied straight into place. */
  buffer: Uint8Array | undefined;
  /** Where `buffer` comes from; it goes back there if the request fails. */
  buffers: ChunkBuffers | undefined;
  receivedBytes: number;
  resolve: (bytes: Uint8Array) => void;
  reject: (error: ShoalError) => void;
}

type Wait = ManifestWait | HaveWait | ChunkWait;

export interface OutgoingRequestsOptions {
  peerId: string;
  timeoutMs: number;
  now: () => number;
  /** Sends a control frame; false when the channel cannot take it. */
  sendControl: (message: PeerControl) => boolean;
}

export class OutgoingRequests {
  private readonly waits = new Map<number, Wait>();
  private nextRequestId = 1;
  private lastProgressMs = 0;
  private watchdog: Timer | undefined;

  constructor(private readonly options: OutgoingRequestsOptions) {}

  requestManifest(contentId: string): Promise<Manifest> {
    return new Promise((resolve, reject) => {
      this.open({ kind: 'manifest', contentId, resolve, reject }, (requestId) => ({
        t: 'manifest-request',
        requestId,
        contentId,
      }));
    });
  }

  /** The peer's have-bitfield for a file, as sent (base64). */
  requestHave(contentId: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.open({ kind: 'have', contentId, resolve, reject }, (requestId) => ({ t: 'have-request', requestId, contentId }));
    });
  }

  /** The chunk's bytes, in a buffer from `buffers` when given (whoever gets it hands it back). */
  requestChunk(contentId: string, index: number, expectedLength: number, buffers?: ChunkBuffers): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const wait: ChunkWait = {
        kind: 'chunk',
        contentId,
        index,
        expectedLength,
        buffer: undefined,
        buffers,
        receivedBytes: 0,
        resolve,
        reject,
      };
      this.open(wait, (requestId) => ({ t: 'chunk-request', requestId, contentId, index }));
    });
  }

  handleManifest(answer: ManifestAnswer): void {
    const wait = this.waits.get(answer.requestId);
    if (wait === undefined) return;
    this.noteProgress();
    if (wait.kind !== 'manifest' || answer.contentId !== wait.contentId) {
      const message = `${this.options.peerId} answered with a manifest nobody asked for`;
      this.fail(answer.requestId, wait, new ShoalError('MANIFEST_MISMATCH', message));
      return;
    }
    this.settle(answer.requestId);
    wait.resolve(answer.manifest);
  }

  handleHave(answer: HaveAnswer): void {
    const wait = this.waits.get(answer.requestId);
    if (wait === undefined) return;
    this.noteProgress();
    if (wait.kind !== 'have' || answer.contentId !== wait.contentId) {
      const message = `${this.options.peerId} answered with a list of chunks nobody asked for`;
      this.fail(answer.requestId, wait, new ShoalError('BAD_REQUEST', message));
      return;
    }
    this.settle(answer.requestId);
    wait.resolve(answer.bitfield);
  }

  handleError(answer: ErrorAnswer): void {
    const wait = this.waits.get(answer.requestId);
    if (wait === undefined) return;
    this.noteProgress();
    this.settle(answer.requestId);
    rejectWait(wait, new RefusedByPeerError(answer.code, answer.message));
  }

  handleBlock(block: BlockFrame): void {
    // Any block shows the peer is sending: bytes of a request we cancelled may still fill the
    // channel ahead of the next answer (seconds of them from a slow peer), which is not a stall.
    this.noteProgress();
    const wait = this.waits.get(block.requestId);
    if (wait === undefined) return; // an answer to a request we cancelled or gave up on
    if (wait.kind !== 'chunk') {
      const message = `${this.options.peerId} sent bytes for a ${wait.kind} request`;
      this.fail(block.requestId, wait, new ShoalError('BAD_REQUEST', message));
      return;
    }
    // Blocks arrive in order on an ordered channel; anything else is a broken or hostile sender.
    const end = block.offset + block.payload.byteLength;
    if (block.offset !== wait.receivedBytes || end > wait.expectedLength) {
      const detail = end > wait.expectedLength ? 'more bytes than the chunk holds' : 'bytes out of order';
      this.fail(block.requestId, wait, new ShoalError('CHUNK_CORRUPT', `${this.options.peerId} sent ${detail}`));
      return;
    }
    const buffer = wait.buffer ?? (wait.buffer = wait.buffers?.take(wait.expectedLength) ?? new Uint8Array(wait.expectedLength));
    buffer.set(block.payload, block.offset);
    wait.receivedBytes = end;
    if (end === wait.expectedLength) {
      this.settle(block.requestId);
      wait.resolve(buffer);
    }
  }

  /** Gives up on our requests for a file (or one chunk of it): they reject with CANCELLED and the peer is told. */
  cancel(contentId: string, index?: number): void {
    for (const [requestId, wait] of this.waits) {
      if (wait.contentId !== contentId) continue;
      if (index !== undefined && (wait.kind !== 'chunk' || wait.index !== index)) continue;
      this.fail(requestId, wait, new ShoalError('CANCELLED', 'The request was cancelled'));
    }
  }

  /** Rejects every request, e.g. when the channel closed; nothing is sent. */
  failAll(error: ShoalError): void {
    const waits = [...this.waits.values()];
    this.waits.clear();
    this.stopWatchdog();
    for (const wait of waits) rejectWait(wait, error);
  }

  private open(wait: Wait, toMessage: (requestId: number) => PeerControl): void {
    const requestId = this.allocateRequestId();
    if (this.waits.size === 0) this.lastProgressMs = this.options.now();
    this.waits.set(requestId, wait);
    if (!this.options.sendControl(toMessage(requestId))) {
      this.settle(requestId);
      rejectWait(wait, new ShoalError('PEER_UNREACHABLE', `The connection to ${this.options.peerId} is closed`));
      return;
    }
    this.startWatchdog();
  }

  /** Rejects one request and tells the peer to stop working on it. */
  private fail(requestId: number, wait: Wait, error: ShoalError): void {
    this.settle(requestId);
    this.options.sendControl({ t: 'cancel', requestId });
    rejectWait(wait, error);
  }

  private settle(requestId: number): void {
    this.waits.delete(requestId);
    if (this.waits.size === 0) this.stopWatchdog();
  }

  private allocateRequestId(): number {
    // u32 on the wire; skipping ids still in use keeps a wrapped counter safe.
    do this.nextRequestId = (this.nextRequestId + 1) >>> 0;
    while (this.waits.has(this.nextRequestId));
    return this.nextRequestId;
  }

  private noteProgress(): void {
    this.lastProgressMs = this.options.now();
  }

  private startWatchdog(): void {
    if (this.watchdog === undefined) this.watchdog = setTimeout(this.checkIdle, this.options.timeoutMs);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  private readonly checkIdle = (): void => {
    this.watchdog = undefined;
    if (this.waits.size === 0) return;
    const idleMs = this.options.now() - this.lastProgressMs;
    if (idleMs < this.options.timeoutMs) {
      this.watchdog = setTimeout(this.checkIdle, this.options.timeoutMs - idleMs);
      return;
    }
    const error = new ShoalError('TIMEOUT', `${this.options.peerId} stopped answering`);
    for (const [requestId, wait] of this.waits) this.fail(requestId, wait, error);
  };
}

/** Rejects a request; a chunk's part-filled buffer goes back to where it came from. */
function rejectWait(wait: Wait, error: ShoalError): void {
  if (wait.kind === 'chunk' && wait.buffer !== undefined) {
    wait.buffers?.give(wait.buffer);
    wait.buffer = undefined;
  }
  wait.reject(error);
}
