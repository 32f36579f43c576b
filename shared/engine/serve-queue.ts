/**
 * Answers one peer's requests from our chunk store, one request at a time so memory stays bounded
 * (the next answer is read and verified while the current one is sent). Chunk bytes leave as
 * BLOCK_BYTES block frames, no faster than the channel drains.
 */
import { isChunkValid } from '../content/manifest';
import type { ErrorCode } from '../protocol/errors';
import {
  BLOCK_BYTES,
  encodeBlockFrame,
  encodeControlFrame,
  type Manifest,
  type PeerControl,
} from '../protocol/peer-messages';
import type { ChunkStore } from './chunk-store';
import { SERVE_QUEUE_MAX } from './transfer-policy';
import type { Frame, PeerChannel } from './transport';

export type ServeRequest = Extract<PeerControl, { t: 'manifest-request' | 'chunk-request' }>;

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
}

export class ServeQueue {
  private readonly jobs: Job[] = [];
  private current: Job | undefined;
  private lookahead: { job: Job; answer: Promise<Answer> } | undefined;
  private isRunning = false;
  private isStopped = false;

  constructor(
    private readonly channel: PeerChannel,
    private readonly store: ChunkStore,
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
    if (queued >= 0) this.jobs.splice(queued, 1);
    if (this.current?.request.requestId === requestId) this.current.isCancelled = true;
  }

  stop(): void {
    this.isStopped = true;
    this.jobs.length = 0;
    this.lookahead = undefined;
    if (this.current !== undefined) this.current.isCancelled = true;
  }

  private async run(): Promise<void> {
    this.isRunning = true;
    try {
      for (let job = this.jobs.shift(); job !== undefined && !this.isStopped; job = this.jobs.shift()) {
        this.current = job;
        const prepared = this.lookahead?.job === job ? this.lookahead.answer : this.prepare(job.request);
        this.lookahead = undefined;
        const answer = await prepared;
        const next = this.jobs[0];
        if (next !== undefined) this.lookahead = { job: next, answer: this.prepare(next.request) };
        if (!job.isCancelled) await this.answer(job, answer);
      }
    } finally {
      this.current = undefined;
      this.isRunning = false;
    }
  }

  /** Reads what a request asks for and checks it; never rejects. */
  private async prepare(request: ServeRequest): Promise<Answer> {
    try {
      const record = await this.store.getFile(request.contentId);
      if (record === undefined) return refusal('FILE_NOT_FOUND', 'This peer does not hold the file');
      if (request.t === 'manifest-request') return { kind: 'manifest', fileName: record.name, manifest: record.manifest };
      const { index } = request;
      const chunkName = `chunk ${index} of '${record.name}'`;
      if (index >= record.manifest.chunkHashes.length) return refusal('BAD_REQUEST', `There is no ${chunkName}`);
      const bytes = await this.store.getChunk(request.contentId, index);
      if (bytes === undefined) return refusal('FILE_NOT_FOUND', `This peer does not hold ${chunkName}`);
      // Never pass on damaged bytes: the downloader would reject them and blame us.
      if (!(await isChunkValid(record.manifest, index, bytes))) {
        return refusal('CHUNK_CORRUPT', `This peer's copy of ${chunkName} is damaged`);
      }
      return { kind: 'chunk', fileName: record.name, bytes };
    } catch {
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
    let offset = 0;
    do {
      if (!(await this.waitForRoom()) || job.isCancelled) return false;
      const end = Math.min(offset + BLOCK_BYTES, bytes.byteLength);
      if (!this.trySend(encodeBlockFrame(job.request.requestId, offset, bytes.subarray(offset, end)))) return false;
      offset = end;
    } while (offset < bytes.byteLength);
    return true;
  }

  private async sendPaced(frame: Frame): Promise<boolean> {
    return (await this.waitForRoom()) && this.trySend(frame);
  }

  /** Waits while the channel holds more than the high-water mark; false if the channel or queue is gone. */
  private async waitForRoom(): Promise<boolean> {
    while (this.channel.isOpen && !this.isStopped && this.channel.bufferedAmountBytes() > this.options.highWaterBytes) {
      await Promise.race([this.channel.waitForDrain(), this.options.whenClosed]);
    }
    return this.channel.isOpen && !this.isStopped;
  }

  private trySend(frame: Frame): boolean {
    if (!this.channel.isOpen) return false;
    try {
      this.channel.send(frame);
      return true;
    } catch {
      return false; // closed between the check and the send
    }
  }
}

function refusal(code: ErrorCode, message: string): Answer {
  return { kind: 'refusal', code, message };
}
