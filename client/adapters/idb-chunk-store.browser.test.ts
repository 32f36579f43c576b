import { describeChunkStoreContract } from '../../shared/engine/chunk-store.contract';
import type { ChunkStore } from '../../shared/engine';
import { IdbChunkStore } from './idb-chunk-store';

/** Each store gets databases of its own in this page's IndexedDB; reopening uses the same names. */
const namespaceOf = new WeakMap<ChunkStore, string>();
let storeCount = 0;

function openStore(namespace: string): IdbChunkStore {
  const store = new IdbChunkStore(namespace);
  namespaceOf.set(store, namespace);
  return store;
}

describeChunkStoreContract('IdbChunkStore in Chromium', {
  makeStore: async () => openStore(`contract-${Date.now()}-${storeCount++}`),
  reopen: async (store) => {
    const namespace = namespaceOf.get(store);
    if (namespace === undefined) throw new Error('Not a store this harness made');
    return openStore(namespace);
  },
  acceptsChunksBeforeRecord: true,
});
