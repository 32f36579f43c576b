/** Building blocks for the engine's tests and simulations: random files, hashes, waiting with a deadline. */
import { shareFile } from './share-file';
import { MIN_CHUNK_SIZE_BYTES } from '../content/chunking';
import { sha256Hex } from '../content/sha256';
import type { Holder } from '../protocol/tracker-messages';
import type { ChunkStore, FileRecord } from './chunk-store';
import { realClock } from './clock';
import { Download, type DownloadTuning } from './download';
import { LinkPool, type LinkPoolOptions } from './link-pool';
import { MemoryChunkStore } from './memory-chunk-store';
import { MemoryNetwork, type LinkConditions } from './memory-transport';
import type { ServeEvent } from './serve-queue';
import type { FileSource } from './share-file';
import { readStoredChunks } from './stored-file';

/** getRandomValues fills at most 64 KiB per call. */
const RANDOM_PIECE_BYTES = 64 * 1024;

/** One chunk of a small shared file. Simulations size files and speeds in chunks, so they keep their
 * shape (how many chunks, how many per second) whatever the chunk size policy is. */
export const CHUNK = MIN_CHUNK_SIZE_BYTES;

export function randomBytes(sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  for (let offset = 0; offset < sizeBytes; offset += RANDOM_PIECE_BYTES) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + RANDOM_PIECE_BYTES, sizeBytes)));
  }
  return bytes;
}

/** A FileSource over bytes in memory; counts the reads so tests can check the file is read in chunks. */
export function memorySource(
  name: string,
  bytes: Uint8Array,
  mimeType = 'application/octet-stream',
): FileSource & { readSizes: number[] } {
  const readSizes: number[] = [];
  return {
    name,
    size: bytes.byteLength,
    mimeType,
    readSizes,
    async readSlice(start, end) {
      readSizes.push(end - start);
      return bytes.slice(start, end);
    },
  };
}

/** The file's bytes as reassembled from a store, one chunk after another. */
export async function readStoredFile(store: ChunkStore, contentId: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readStoredChunks(store, contentId)) chunks.push(chunk);
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

export const sha256Of = sha256Hex;

/** Polls `condition` until it holds; fails with `what` if it does not within `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Resolves with the error a promise rejects with; fails if it resolves, or takes longer than `timeoutMs`. */
export async function rejectionOf(promise: Promise<unknown>, timeoutMs = 5_000): Promise<unknown> {
  type Outcome = { kind: 'resolved' } | { kind: 'rejected'; error: unknown } | { kind: 'pending' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'pending' }), timeoutMs);
  });
  const settled = promise.then<Outcome, Outcome>(
    () => ({ kind: 'resolved' }),
    (error: unknown) => ({ kind: 'rejected', error }),
  );
  const outcome = await Promise.race([settled, deadline]);
  clearTimeout(timer);
  if (outcome.kind === 'rejected') return outcome.error;
  if (outcome.kind === 'resolved') throw new Error('Expected a rejection, but the promise resolved');
  throw new Error(`Still pending after ${timeoutMs} ms`);
}

export interface SwarmPeer {
  id: string;
  store: MemoryChunkStore;
  pool: LinkPool;
  /** Everything this peer served to others, in order. */
  served: ServeEvent[];
}

/** Peers on one in-memory network, each with its own store and link pool. */
export function createSwarm(ids: readonly string[], options: LinkPoolOptions & { conditions?: LinkConditions } = {}) {
  const network = new MemoryNetwork({ defaultConditions: options.conditions });
  const peers = new Map<string, SwarmPeer>();
  for (const id of ids) {
    const store = new MemoryChunkStore();
    const pool = new LinkPool(network.transport(id), store, options);
    const served: ServeEvent[] = [];
    pool.onServe((event) => served.push(event));
    peers.set(id, { id, store, pool, served });
  }
  const peer = (id: string): SwarmPeer => {
    const found = peers.get(id);
    if (found === undefined) throw new Error(`No peer ${id} in this swarm`);
    return found;
  };
  return { network, peer };
}

/** A holders() function that lists the given peers (named after their ids). */
export function holdersOf(...ids: string[]): () => Promise<Holder[]> {
  return async () => ids.map((id) => ({ id, name: id }));
}

/** Indices of the chunks a peer has served so far. */
export function servedChunkIndices(peer: SwarmPeer): number[] {
  return peer.served.flatMap((event) => (event.type === 'chunk-served' ? [event.index] : []));
}

/** A download of `record` into `downloader`'s store through its pool. */
export function downloadInto(
  downloader: SwarmPeer,
  record: FileRecord,
  holders: () => Promise<Holder[]>,
  tuning: Partial<DownloadTuning> = {},
): Download {
  const { contentId, name, mimeType, manifest } = record;
  return new Download(
    { contentId, name, mimeType, size: manifest.size },
    { holders, pool: downloader.pool, store: downloader.store, clock: realClock },
    tuning,
  );
}

/** The same random file shared by each of `holderIds`; every holder's record is the same. */
export async function shareAmong(swarm: ReturnType<typeof createSwarm>, holderIds: string[], sizeBytes: number, name = 'shared.bin') {
  const bytes = randomBytes(sizeBytes);
  const records = await Promise.all(holderIds.map((id) => shareFile(memorySource(name, bytes), swarm.peer(id).store)));
  const record = records[0];
  if (record === undefined) throw new Error('need at least one holder');
  return { bytes, record };
}
