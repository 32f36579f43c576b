/**
 * Folder downloads on the peer node, against a real tracker (memory store and network otherwise):
 * files are started rarest first (fewest holders, ties by path), and a folder of many files is
 * announced by the downloader in batches the tracker's share-change limit does not refuse.
 */
import { describe, expect, it } from 'vitest';
import { shareFile } from '../engine';
import { MemoryChunkStore, memorySource, randomBytes, readStoredFile } from '../engine/testing';
import type { NodeMessage } from './node-events';
import type { PeerNode } from './peer-node';
import { useNodeSwarm } from './testing/node-swarm';

const swarm = useNodeSwarm();

function joinedNode(name: string, store: MemoryChunkStore): Promise<PeerNode> {
  return swarm.joinedNode(name, { store });
}

/** Shares `contents` (path -> bytes) from `node` as the folder `name`; returns each path's content id. */
async function shareFolder(node: PeerNode, store: MemoryChunkStore, name: string, contents: Map<string, Uint8Array>): Promise<Map<string, string>> {
  const files = [];
  for (const [path, bytes] of contents) files.push({ path, record: await shareFile(memorySource(path.slice(path.lastIndexOf('/') + 1), bytes), store) });
  await node.library.addFolder(name, files);
  return new Map(files.map(({ path, record }) => [path, record.contentId]));
}

async function findFolder(node: PeerNode, name: string) {
  const found = (await node.search(name)).results.find((result) => result.name === name && result.fileCount !== undefined);
  if (found === undefined) throw new Error(`'${name}' is not in the index`);
  return found;
}

function isSameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

describe('folder download', () => {
  it('starts the files with the fewest holders first, ties by path', { timeout: 30_000 }, async () => {
    const anaStore = new MemoryChunkStore();
    const cleoStore = new MemoryChunkStore();
    const boStore = new MemoryChunkStore();
    const [ana, cleo, bo] = [await joinedNode('ana', anaStore), await joinedNode('cleo', cleoStore), await joinedNode('bo', boStore)];
    const contents = new Map(['a/one.bin', 'b/two.bin', 'c/three.bin', 'd/four.bin', 'e/five.bin', 'f/six.bin'].map((path) => [path, randomBytes(3_000)]));
    await shareFolder(ana, anaStore, 'Field recordings', contents);
    // cleo holds three of the files too (the same bytes, so the same content ids): two holders each.
    for (const path of ['a/one.bin', 'c/three.bin', 'e/five.bin']) {
      await cleo.library.add(await shareFile(memorySource(path.slice(path.lastIndexOf('/') + 1), contents.get(path)!), cleoStore));
    }

    const startOrder: string[] = [];
    bo.on('transfer', (view) => {
      if (!startOrder.includes(view.name)) startOrder.push(view.name);
    });
    const manifest = await bo.downloadFolder(await findFolder(bo, 'Field recordings'), { filesInParallel: 2 });

    expect(startOrder).toEqual(['Field recordings', 'b/two.bin', 'd/four.bin', 'f/six.bin', 'a/one.bin', 'c/three.bin', 'e/five.bin']);
    for (const entry of manifest.entries) expect(isSameBytes(await readStoredFile(boStore, entry.contentId), contents.get(entry.path)!)).toBe(true);
  });

  it('announces a folder of many files in batches the tracker does not refuse', { timeout: 60_000 }, async () => {
    // The default refill with half the burst: each of the 40 files announced on its own as it starts
    // and as it completes (80 announces in a few seconds) would run into it.
    await swarm.startTracker({ rateLimits: { share: { capacity: 20, refillPerSecond: 10 } } });
    const anaStore = new MemoryChunkStore();
    const boStore = new MemoryChunkStore();
    const [ana, bo] = [await joinedNode('ana', anaStore), await joinedNode('bo', boStore)];
    const contents = new Map(Array.from({ length: 40 }, (_, index) => [`part-${index % 4}/take-${index}.wav`, randomBytes(1_000 + index)] as const));
    const ids = await shareFolder(ana, anaStore, 'Session tapes', contents);

    const warnings: NodeMessage[] = [];
    bo.on('message', (message) => {
      if (message.level !== 'info') warnings.push(message);
    });
    await bo.downloadFolder(await findFolder(bo, 'Session tapes'));

    expect(warnings).toEqual([]);
    // The tracker heard every file from bo: each lists bo among its holders.
    const listed = new Map((await ana.search('')).results.map((result) => [result.contentId, result.holders.map((holder) => holder.name)]));
    for (const [path, contentId] of ids) expect(listed.get(contentId), path).toContain('bo');
  });
});
