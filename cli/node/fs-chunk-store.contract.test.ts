import { afterEach } from 'vitest';
import { describeChunkStoreContract } from '../../shared/engine/chunk-store.contract';
import type { ChunkStore } from '../../shared/engine';
import { tempDir } from '../test-support/temp-dir';
import { FsChunkStore, type FsChunkStoreOptions } from './fs-chunk-store';

/** Where each store made here keeps its data, so it can be opened again as after a restart. */
const optionsOf = new WeakMap<ChunkStore, FsChunkStoreOptions>();
const openStores: FsChunkStore[] = [];

async function openStore(options: FsChunkStoreOptions): Promise<FsChunkStore> {
  const store = await FsChunkStore.open(options);
  optionsOf.set(store, options);
  openStores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(openStores.splice(0).map((store) => store.close()));
});

describeChunkStoreContract('FsChunkStore', {
  makeStore: async () => openStore({ dataDir: await tempDir(), downloadDir: await tempDir() }),
  reopen: async (store) => {
    const options = optionsOf.get(store);
    if (options === undefined || !(store instanceof FsChunkStore)) throw new Error('Not a store this harness made');
    await store.close();
    return openStore(options);
  },
  acceptsChunksBeforeRecord: false,
});
