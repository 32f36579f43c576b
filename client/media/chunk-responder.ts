/**
 * The page's end of a media file's MessageChannel: answers the service worker's chunk requests with
 * the chunk's verified bytes (the engine fetches a missing chunk first, then it is verified and
 * stored before it comes back here), and aborts a read the worker no longer needs.
 */
import { chunkRequestSchema, type ChunkReply } from '../service-worker/worker-messages';

/** One chunk's verified bytes; rejects when `signal` aborts. */
export type ReadFileChunk = (index: number, signal: AbortSignal) => Promise<Uint8Array>;

/** Answers requests on `port` until the returned function is called (which also aborts reads under way). */
export function answerChunkRequests(port: MessagePort, chunkCount: number, readChunk: ReadFileChunk): () => void {
  const reads = new Map<number, AbortController>();
  const reply = (message: ChunkReply, transfer: Transferable[] = []) => port.postMessage(message, transfer);

  port.onmessage = (event: MessageEvent<unknown>) => {
    const request = chunkRequestSchema.safeParse(event.data);
    if (!request.success) return;
    const { requestId } = request.data;
    if (request.data.type === 'cancel') {
      reads.get(requestId)?.abort();
      reads.delete(requestId);
      return;
    }
    const { index } = request.data;
    if (index >= chunkCount) {
      reply({ type: 'chunk-failed', requestId, message: `This file has no chunk ${index}` });
      return;
    }
    const read = new AbortController();
    reads.set(requestId, read);
    readChunk(index, read.signal)
      .then(
        (bytes) => {
          if (read.signal.aborted) return;
          // A copy of its own to move to the worker: the bytes given may be a view of a buffer the store keeps.
          const copy = bytes.slice();
          reply({ type: 'chunk', requestId, bytes: copy }, [copy.buffer]);
        },
        (error: unknown) => {
          if (read.signal.aborted) return;
          reply({ type: 'chunk-failed', requestId, message: error instanceof Error ? error.message : String(error) });
        },
      )
      .finally(() => reads.delete(requestId));
  };

  return () => {
    for (const read of reads.values()) read.abort();
    reads.clear();
    port.onmessage = null;
    port.close();
  };
}
