/**
 * Playing a file while it downloads: a player (the browser's service worker, answering a media
 * element's range requests) reads the file chunk by chunk. A chunk the store holds comes at once;
 * otherwise the file's download, a normal transfer (listed, paused, cancelled, completed into My
 * files like any other), is started or resumed, focused on that chunk, and the read waits until the
 * chunk is verified and stored. Every read is checked against the file's manifest again, so a
 * damaged store never reaches the player.
 */
import { chunkCount } from '../content/chunking';
import { isChunkIntact, type ChunkStore, type Download } from '../engine';
import { ShoalError } from '../protocol/errors';
import type { SearchResult } from '../protocol/tracker-messages';

export interface PlaybackSource {
  /** Verified bytes of chunk `index` of `file`. If the chunk is stored (a held file, or a partial download), at once from the chunk store. Otherwise starts the file's download through the node's transfers if none is running (resumes it if paused), focuses it on `index`, and resolves once that chunk is verified and stored. Rejects with a ShoalError when the download fails or is cancelled, or with the signal's reason when `signal` aborts. */
  readChunk(file: SearchResult, index: number, signal?: AbortSignal): Promise<Uint8Array>;
}

/** What playback needs of the node: its store and its transfers. */
export interface PlaybackHost {
  store: ChunkStore;
  /** The file's download, if one exists (a finished one too). */
  transferOf(contentId: string): { isActive: boolean; download: Download } | undefined;
  /** Starts the file's download as a normal transfer, or returns the running one; throws NO_HOLDER
   * when nobody else holds the file (PeerNode.downloadResult). */
  startDownload(file: SearchResult): { download: Download };
  /** Resumes a paused download, remembering it is no longer paused (Transfers.resume). */
  resume(contentId: string): Promise<void>;
}

export class Playback implements PlaybackSource {
  constructor(private readonly host: PlaybackHost) {}

  async readChunk(file: SearchResult, index: number, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted();
    checkChunkIndex(file, index);
    // A player reading on moves the focus along, so its download keeps a window ahead of the playhead.
    const running = this.host.transferOf(file.contentId);
    if (running?.isActive === true) running.download.focusOn(index);
    const stored = await this.storedChunk(file, index);
    if (stored !== undefined) return stored;
    signal?.throwIfAborted();

    const { download } = this.host.startDownload(file);
    download.focusOn(index);
    if (download.state === 'paused') await this.host.resume(file.contentId);
    await download.whenStored(index, signal);
    const bytes = await this.storedChunk(file, index);
    if (bytes === undefined) {
      const details = { fileName: file.name, contentId: file.contentId };
      throw new ShoalError('FILE_NOT_FOUND', `Chunk ${index} of '${file.name}' is no longer stored on this device`, details);
    }
    return bytes;
  }

  /** The chunk's bytes when the store holds them; a copy that fails its hash check is an error, not
   * something to play. */
  private async storedChunk(file: SearchResult, index: number): Promise<Uint8Array | undefined> {
    const { store } = this.host;
    const record = await store.getFile(file.contentId);
    if (record === undefined) return undefined;
    const bytes = await store.getChunk(file.contentId, index);
    if (bytes === undefined) return undefined;
    if (await isChunkIntact(record.manifest, index, bytes)) return bytes;
    const details = { fileName: file.name, contentId: file.contentId };
    throw new ShoalError('CHUNK_CORRUPT', `Chunk ${index} of '${file.name}' is damaged on this device`, details);
  }
}

/** Bad input changes nothing: an index outside the file is refused before any download starts. */
function checkChunkIndex(file: SearchResult, index: number): void {
  const total = chunkCount(file.size, file.chunkSizeBytes);
  if (Number.isInteger(index) && index >= 0 && index < total) return;
  throw new ShoalError('BAD_REQUEST', `'${file.name}' has no chunk ${index}`, { fileName: file.name, contentId: file.contentId });
}
