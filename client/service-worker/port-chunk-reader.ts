/**
 * The worker's end of a media file's MessageChannel: asks the page that registered the file for a
 * chunk, matches replies to requests, and tells the page when a request is no longer wanted.
 * Replies are parsed with chunkReplySchema; anything else is ignored.
 */
import { chunkReplySchema, type ChunkRequest } from './worker-messages';

interface PendingRead {
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
}

export class PortChunkReader {
  private nextRequestId = 0;
  private readonly pending = new Map<number, PendingRead>();

  constructor(private readonly port: MessagePort) {
    port.onmessage = (event: MessageEvent<unknown>) => this.settle(event.data);
  }

  read(index: number, signal: AbortSignal): Promise<Uint8Array> {
    if (signal.aborted) return Promise.reject(abortError());
    const requestId = this.nextRequestId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(requestId);
        this.send({ type: 'cancel', requestId });
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        resolve: (bytes) => {
          signal.removeEventListener('abort', onAbort);
          resolve(bytes);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      this.send({ type: 'read-chunk', requestId, index });
    });
  }

  /** Fails every read still waiting and closes the channel (the page registered the file again). */
  close(): void {
    for (const read of this.pending.values()) read.reject(new Error('The page that played this file let go of it'));
    this.pending.clear();
    this.port.close();
  }

  private send(request: ChunkRequest): void {
    this.port.postMessage(request);
  }

  private settle(data: unknown): void {
    const reply = chunkReplySchema.safeParse(data);
    if (!reply.success) return;
    const read = this.pending.get(reply.data.requestId);
    if (read === undefined) return;
    this.pending.delete(reply.data.requestId);
    if (reply.data.type === 'chunk') read.resolve(reply.data.bytes);
    else read.reject(new Error(reply.data.message));
  }
}

function abortError(): Error {
  return new DOMException('The player no longer needs this chunk', 'AbortError');
}
