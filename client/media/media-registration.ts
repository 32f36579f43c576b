/**
 * Makes a file playable at its media URL: registers it with the service worker ('shoal-media') along
 * with a channel whose page end reads its chunks (chunk-responder.ts). Undefined when no service
 * worker controls this page; playing while downloading needs one.
 */
import { chunkCount } from '../../shared/content/chunking';
import { handToServiceWorker } from '../service-worker/page-handshake';
import { mediaUrlOf, type MediaFile } from '../service-worker/worker-messages';
import { answerChunkRequests, type ReadFileChunk } from './chunk-responder';

export interface MediaRegistration {
  /** Where a media element plays the file from. */
  url: string;
  /** Stops answering for the file and aborts the reads under way. */
  release(): void;
}

export async function registerMediaFile(file: MediaFile, readChunk: ReadFileChunk): Promise<MediaRegistration | undefined> {
  const channel = new MessageChannel();
  const release = answerChunkRequests(channel.port1, chunkCount(file.size, file.chunkSizeBytes), readChunk);
  const worker = channel.port2;
  // Only the fields the worker's schema knows: a search result carries more (its holders).
  const { contentId, name, size, mimeType, chunkSizeBytes } = file;
  const isAccepted = await handToServiceWorker({ type: 'shoal-media', file: { contentId, name, size, mimeType, chunkSizeBytes }, chunks: worker }, [worker]);
  if (!isAccepted) {
    release();
    return undefined;
  }
  return { url: mediaUrlOf(file), release };
}
