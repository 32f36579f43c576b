import { describe, expect, it, vi } from 'vitest';
import { HaveHandshake } from './have-handshake';
import { LinkPool } from './link-pool';
import { MemoryChunkStore } from './memory-chunk-store';
import { MemoryNetwork } from './memory-transport';
import { shareFile } from './share-file';
import { CHUNK, memorySource, randomBytes, waitUntil } from './test-fixtures';

describe('HaveHandshake', () => {
  it('counts a chunk the holder announces while its bitfield is on the way, then passes on each one stored later', async () => {
    const network = new MemoryNetwork();
    const benStore = new MemoryChunkStore();
    const ben = new LinkPool(network.transport('ben'), benStore);
    const ana = new LinkPool(network.transport('ana'), new MemoryChunkStore());
    const original = new MemoryChunkStore();
    const record = await shareFile(memorySource('partial.bin', randomBytes(4 * CHUNK)), original);
    const { contentId } = record;
    const storeAndAnnounce = async (index: number): Promise<void> => {
      const bytes = await original.getChunk(contentId, index);
      if (bytes === undefined) throw new Error(`no chunk ${index}`);
      await benStore.putChunk(contentId, index, bytes);
      ben.announceChunk(contentId, index);
    };
    // Ben, a partial seeder, holds chunk 0 and stores chunk 1 while it is answering Ana's question.
    await benStore.putFile(record);
    await storeAndAnnounce(0);
    const listHeld = benStore.listChunkIndices.bind(benStore);
    vi.spyOn(benStore, 'listChunkIndices').mockImplementation(async (id) => {
      const held = await listHeld(id);
      await storeAndAnnounce(1);
      return held;
    });

    const gained: number[] = [];
    const link = await ana.linkTo('ben');
    const handshake = new HaveHandshake(link, contentId, 4, (index) => gained.push(index));
    const held = handshake.accept(await handshake.ask());

    expect(held.sort()).toEqual([0, 1]);
    expect(gained).toEqual([]);
    await storeAndAnnounce(3);
    await waitUntil(() => gained.length > 0, 'Ana hears of chunk 3');
    expect(gained).toEqual([3]);

    handshake.stop();
    const heardOnTheLink: number[] = [];
    link.onHaveChunk((_id, index) => heardOnTheLink.push(index));
    await storeAndAnnounce(2);
    await waitUntil(() => heardOnTheLink.includes(2), 'chunk 2 reaches Ana');
    expect(gained).toEqual([3]);
  });
});
