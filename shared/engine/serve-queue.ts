/**
 * Answers one peer's requests for manifests and chunks, one request at a time so memory stays bounded
 * (the next answers, up to SERVE_READ_AHEAD_BYTES, are read and verified while the current one is
 * sent, so a slow store read does not let the channel run dry). Chunk bytes leave as
 * block frames of up to BLOCK_BYTES, no faster than the channel drains and the upload limit allows.
 * Chunks come verified from ServedChunks (the original file or the store, hashed once per version
 * of the copy); a stored chunk that no longer matches its hash and cannot be repaired is never sent.
 */
import type { Logger } from '../logging/logger';
import type { ErrorCode } from '../protocol/errors';
import {
  BLOCK_BYTES,
  BLOCK_HEADER_BYTES,
  encodeBlockFrame,
  encodeControlFrame,
  type Manifest,
  type PeerControl,
} from '../protocol/peer-messages';
import type { RateLimiter } from './rate-limiter';
import type { ServedChunks } from './served-chunks';
import { RATE_LIMITED_BLOCK_MS, SERVE_QUEUE_MAX, SERVE_READ_AHEAD_BYTES } from './transfer-policy';
import type { Frame, PeerChannel } from './transport';

export type ServeRequest = Extract<PeerControl, { t: 'manifest-request' | 'chunk-request' }>;

export type { ChunkRepairer } from './served-chunks';

/** Smallest block under an upload limit: the 9-byte header stays under 1 % of the frame. */
const LIMITED_BLOCK_MIN_BYTES = 1024;

/** What we did for a peer, so the UI can show uploads ("ana is downloading report.pdf from you"). */
export type ServeEvent =
  | { type: 'manifest-served'; peerId: string; contentId: string; fileName: string }
  | { type: 'chunk-served'; peerId: string; contentId: string; fileName: string; index: number; bytes: number }
  | { type: 'request-refused'; peerId: string; contentId: string; index?: number; code: ErrorCode; message: string };

type Answer =
  | { kind: 'manifest'; fileName: string; manifest: Manifest }
  | { kind: 'chunk'; fileName: string; bytes: Uint8Array }
  | { kind: 'refusal'; code: ErrorCode; message: string };

interface Job {
  request: ServeRequest;
  isCancelled: boolean;
}

export interface ServeQueueOptions {
  highWaterBytes: number;
  /** Settles when the channel closes, so a wait for drain cannot outlive the channel. */
  whenClosed: Promise<void>;
  onServe: (event: ServeEvent) => void;
  /** Shared by every link of the node, so the limit holds for all uploads together. */
  uploadLimiter?: RateLimiter;
  /** Reads and verifies the chunks we send; shared by every link of the node, like its cache. */
  chunks: ServedChunks;
  /** Hears what serving handled quietly: a store that could not be read, a repair that failed. */
  log: Logger;
}

export class ServeQueue {
  private readonly jobs: Job[] = [];
  private current: Job | undefined;
  /** Answers being read for queued jobs, in queue order. */
  private readonly readAhead = new Map<Job, Promise<Answer>>();
  /** Chunk sizes of the files asked about, to bound the read-ahead in bytes. */
  private readonly chunkSizes = new Map<string, number>();
  private isRunning = false;
  private isStopped = false;
  /** Bytes we may still queue before asking the channel how full it is: the high-water mark minus
   * what it held when last asked, minus what we sent since. Asking per block is not free (see
   * SimplePeerChannel), and this bound keeps the queue under the mark plus one block all the same. */
  private roomBytes = 0;
  /** Every block frame is built here: channels copy a frame on send (see PeerChannel), so one
   * buffer serves them all, instead of a fresh 64 KiB allocation per block for the GC to collect. */
  private readonly frameBuffer = new Uint8Array(BLOCK_HEADER_BYTES + BLOCK_BYTES);

  constructor(
    private readonly channel: PeerChannel,
    private readonly options: ServeQueueOptions,
  ) {}

  enqueue(request: ServeRequest): void {
    if (this.isStopped) return;
    if (this.jobs.length >= SERVE_QUEUE_MAX) {
      const message = 'Too many requests queued; wait for answers first';
      this.trySend(encodeControlFrame({ t: 'error', requestId: request.requestId, code: 'BAD_REQUEST', message }));
      return;
    }
    this.jobs.push({ request, isCancelled: false });
    if (!this.isRunning) void this.run();
  }

  cancel(requestId: number): void {
    const queued = this.jobs.findIndex((job) => job.request.requestId === requestId);
    const [removed] = queued >= 0 ? this.jobs.splice(queued, 1) : [];
    if (removed !== undefined) this.readAhead.delete(removed);
    if (this.current?.request.requestId === requestId) this.current.isCancelled = true;
  }

  stop(): void {
    this.isStopped = true;
    this.jobs.length = 0;
    this.readAhead.clear();
    if (this.current !== undefined) this.current.isCancelled = true;
  }

  private async run(): Promise<void> {
    this.isRunning = true;
    try {
      for (let job = this.jobs.shift(); job !== undefined && !this.isStopped; job = this.jobs.shift()) {
        this.current = job;
        const prepared = this.readAhead.get(job) ?? this.prepare(job.request);
        this.readAhead.delete(job);
        this.fillReadAhead();
        const answer = await prepared;
        this.fillReadAhead(); // the file's chunk size is known now
        if (!job.isCancelled) await this.answer(job, answer);
      }
    } finally {
      this.current = undefined;
      this.isRunning = false;
    }
  }

  /** Starts reading the answers of the next queued jobs, as many as SERVE_READ_AHEAD_BYTES allow
   * (one when the chunk size is not known yet). */
  private fillReadAhead(): void {
    let budgetBytes = SERVE_READ_AHEAD_BYTES;
    for (const job of this.jobs) {
      const { request } = job;
      // A chunk of a file not looked up yet may be as big as the whole budget.
      const sizeBytes = request.t === 'chunk-request' ? (this.chunkSizes.get(request.contentId) ?? SERVE_READ_AHEAD_BYTES) : 0;
      if (budgetBytes < sizeBytes && this.readAhead.size > 0) return;
      budgetBytes -= sizeBytes;
      if (!this.readAhead.has(job)) this.readAhead.set(job, this.prepare(request));
    }
  }

  /** Reads what a request asks for and checks it; never rejects. */
  private async prepare(request: ServeRequest): Promise<Answer> {
    try {
      // A manifest request asks the store whether we still hold the file; chunk requests may use
      // the record kept from earlier (see ServedChunks.recordOf).
      const record = await this.options.chunks.recordOf(request.contentId, request.t === 'manifest-request');
      if (record === undefined) return refusal('FILE_NOT_FOUND', 'This peer does not hold the file');
      if (this.chunkSizes.size > 64) this.chunkSizes.clear(); // a handful of files at a time, in practice
      this.chunkSizes.set(request.contentId, record.manifest.chunkSizeBytes);
      if (request.t === 'manifest-request') return { kind: 'manifest', fileName: record.name, manifest: record.manifest };
      const { index } = request;
      const chunkName = `chunk ${index} of '${record.name}'`;
      if (index >= record.manifest.chunkHashes.length) return refusal('BAD_REQUEST', `There is no ${chunkName}`);
      const served = await this.options.chunks.read(request.contentId, record.manifest, index);
      if (served.kind === 'missing') return refusal('FILE_NOT_FOUND', `This peer does not hold ${chunkName}`);
      if (served.kind === 'corrupt') return refusal('CHUNK_CORRUPT', `This peer's copy of ${chunkName} is damaged`);
      return { kind: 'chunk', fileName: record.name, bytes: served.bytes };
    } catch (error) {
      const what = request.t === 'chunk-request' ? `chunk ${request.index} of ${request.contentId}` : request.contentId;
      this.options.log.warn(`could not read ${what} to serve it`, error);
      return refusal('INTERNAL', 'This peer could not read the file from its storage');
    }
  }

  private async answer(job: Job, answer: Answer): Promise<void> {
    const { requestId, contentId } = job.request;
    const peerId = this.channel.peerId;
    const index = job.request.t === 'chunk-request' ? job.request.index : undefined;
    if (answer.kind === 'refusal') {
      const { code, message } = answer;
      if (await this.sendPaced(encodeControlFrame({ t: 'error', requestId, code, message }))) {
        this.options.onServe({ type: 'request-refused', peerId, contentId, index, code, message });
      }
    } else if (answer.kind === 'manifest') {
      if (await this.sendPaced(encodeControlFrame({ t: 'manifest', requestId, contentId, manifest: answer.manifest }))) {
        this.options.onServe({ type: 'manifest-served', peerId, contentId, fileName: answer.fileName });
      }
    } else if (index !== undefined && (await this.sendBlocks(job, answer.bytes))) {
      const { fileName, bytes } = answer;
      this.options.onServe({ type: 'chunk-served', peerId, contentId, fileName, index, bytes: bytes.byteLength });
    }
  }

  /** Sends a chunk as block frames; false if it was cancelled or the channel closed part way. */
  private async sendBlocks(job: Job, bytes: Uint8Array): Promise<boolean> {
    const limiter = this.options.uploadLimiter;
    let offset = 0;
    do {
      const end = Math.min(offset + this.blockBytes(), bytes.byteLength);
      if (limiter !== undefined && !limiter.tryTake(end - offset)) await limiter.take(end - offset);
      if (!(await this.waitForRoom())) return false;
      if (job.isCancelled) return false;
      if (!this.trySend(encodeBlockFrame(job.request.requestId, offset, bytes.subarray(offset, end), this.frameBuffer))) return false;
      offset = end;
    } while (offset < bytes.byteLength);
    return true;
  }

  /** Full blocks, or under an upload limit blocks small enough to arrive often (see RATE_LIMITED_BLOCK_MS). */
  private blockBytes(): number {
    const limit = this.options.uploadLimiter?.bytesPerSecond ?? 0;
    if (limit === 0) return BLOCK_BYTES;
    const byTime = Math.floor((limit * RATE_LIMITED_BLOCK_MS) / 1000);
    return Math.max(LIMITED_BLOCK_MIN_BYTES, Math.min(BLOCK_BYTES, byTime));
  }

  private async sendPaced(frame: Frame): Promise<boolean> {
    return (await this.waitForRoom()) && this.trySend(frame);
  }

  /** Waits while the channel holds more than the high-water mark; false if the channel or queue is gone. */
  private async waitForRoom(): Promise<boolean> {
    if (this.roomBytes > 0) return this.channel.isOpen && !this.isStopped;
    const { highWaterBytes } = this.options;
    let queuedBytes = this.channel.bufferedAmountBytes();
    while (this.channel.isOpen && !this.isStopped && queuedBytes > highWaterBytes) {
      await Promise.race([this.channel.waitForDrain(), this.options.whenClosed]);
      queuedBytes = this.channel.bufferedAmountBytes();
    }
    this.roomBytes = highWaterBytes - queuedBytes + 1; // at the mark exactly, one more block may go
    return this.channel.isOpen && !this.isStopped;
  }

  private trySend(frame: Frame): boolean {
    if (!this.channel.isOpen) return false;
    try {
      this.channel.send(frame);
      this.roomBytes -= typeof frame === 'string' ? frame.length * 3 : frame.byteLength; // UTF-8: at most 3 bytes a char
      return true;
    } catch {
      return false; // closed between the check and the send
    }
  }
}

function refusal(code: ErrorCode, message: string): Answer {
  return { kind: 'refusal', code, message };
}
