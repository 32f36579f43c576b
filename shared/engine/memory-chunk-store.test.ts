import { describeChunkStoreContract } from './chunk-store.contract';
import { MemoryChunkStore } from './memory-chunk-store';

describeChunkStoreContract('MemoryChunkStore', {
  makeStore: async () => new MemoryChunkStore(),
  acceptsChunksBeforeRecord: true,
});
