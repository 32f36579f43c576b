/**
 * A seeding Node peer for tests that serves a file from memory and can be told to stop answering
 * after a number of chunks (the gate), so a test can catch a download half-way. It also records
 * which chunks it served.
 */
import { MemoryChunkStore } from '../../shared/engine/testing';
import { shareFile, type ChunkStore, type FileRecord } from '../../shared/engine';
import { MemoryKeyValueStore } from '../../shared/node/node-settings';
import { PeerNode } from '../../shared/node/peer-node';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { loadOrCreateIdentity } from '../node/identity-file';
import { createWrtcTransport } from '../node/wrtc-transport';
import { tempDir } from './temp-dir';

export interface GatedSeeder {
  record: FileRecord;
  /** Indices of the chunks served, in order. */
  served: number[];
  /** Lets every held-back and later chunk through. */
  openGate(): void;
  stop(): Promise<void>;
}

export async function startGatedSeeder(options: {
  trackerUrl: string;
  name: string;
  fileName: string;
  bytes: Uint8Array;
  /** Chunk reads answered before the gate closes. */
  chunksBeforeGate: number;
}): Promise<GatedSeeder> {
  const memory = new MemoryChunkStore();
  const record = await shareFile(
    {
      name: options.fileName,
      size: options.bytes.byteLength,
      mimeType: 'application/octet-stream',
      readSlice: async (start, end) => options.bytes.subarray(start, end),
    },
    memory,
  );
  let reads = 0;
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const gatedStore: ChunkStore = {
    putFile: (file) => memory.putFile(file),
    getFile: (contentId) => memory.getFile(contentId),
    listFiles: () => memory.listFiles(),
    deleteFile: (contentId) => memory.deleteFile(contentId),
    putChunk: (contentId, index, bytes) => memory.putChunk(contentId, index, bytes),
    listChunkIndices: (contentId) => memory.listChunkIndices(contentId),
    stageChunks: () => memory.stageChunks(),
    getChunk: async (contentId, index) => {
      reads += 1;
      if (reads > options.chunksBeforeGate) await gate;
      return memory.getChunk(contentId, index);
    },
  };
  const identity = await loadOrCreateIdentity(await tempDir());
  const tracker = new TrackerConnection(options.trackerUrl);
  const node = new PeerNode<undefined>({
    identity,
    tracker,
    store: gatedStore,
    transport: ({ myPeerId }) => createWrtcTransport(tracker, { identity, myPeerId }),
    sink: async () => undefined,
    settings: new MemoryKeyValueStore(),
  });
  await node.start();
  await node.connect(AbortSignal.timeout(10_000));
  await node.joinFirst({ name: options.name });
  const served: number[] = [];
  node.pool.onServe((event) => {
    if (event.type === 'chunk-served') served.push(event.index);
  });
  await node.library.add(record);
  return {
    record,
    served,
    openGate,
    stop: async () => {
      openGate();
      await node.stop();
    },
  };
}
