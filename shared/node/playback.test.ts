/**
 * Playback through the peer node (in-memory store and network, a real tracker): reading a held
 * file, reading a file not yet downloading (its download starts, focused on the chunk read), seeking,
 * aborting a read, and a cancel rejecting the reads still waiting.
 */
import { describe, expect, it } from 'vitest';
import { shareFile } from '../engine';
import { CHUNK, MemoryChunkStore, memorySource, randomBytes, rejectionOf } from '../engine/testing';
import { ShoalError } from '../protocol/errors';
import type { SearchResult } from '../protocol/tracker-messages';
import { waitFor } from '../test-support/wait-for';
import type { PeerNode } from './peer-node';
import { useNodeSwarm } from './testing/node-swarm';

const swarm = useNodeSwarm({ downloadTuning: { holderPollIntervalMs: 100, holderRetryBackoffMs: 100 } });

function joinedNode(name: string, store = new MemoryChunkStore(), finished?: string[]): Promise<PeerNode> {
  return swarm.joinedNode(name, { store, ...(finished !== undefined ? { finished } : {}) });
}

/** A seeder sharing a random video of `chunks` chunks, uploading at `uploadKiBps` (0: unlimited). */
async function seederOf(chunks: number, uploadKiBps: number) {
  const store = new MemoryChunkStore();
  const seeder = await joinedNode('seeder', store);
  await seeder.setLimits({ uploadKiBps });
  const bytes = randomBytes(chunks * CHUNK);
  const record = await shareFile(memorySource('film.webm', bytes, 'video/webm'), store);
  await seeder.library.add(record);
  return { seeder, bytes, record };
}

async function found(node: PeerNode, contentId: string): Promise<SearchResult> {
  const { results } = await node.search('film');
  const result = results.find((file) => file.contentId === contentId);
  if (result === undefined) throw new Error('the file is not in the index');
  return result;
}

function chunkOf(bytes: Uint8Array, index: number): Uint8Array {
  return bytes.subarray(index * CHUNK, (index + 1) * CHUNK);
}

function isSameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

describe('PeerNode.playback', () => {
  it('reads a chunk of a held file at once from the store, without starting a download', async () => {
    const { seeder, bytes, record } = await seederOf(3, 0);
    const file = await found(seeder, record.contentId);

    const chunk = await seeder.playback.readChunk(file, 2);

    expect(isSameBytes(chunk, chunkOf(bytes, 2))).toBe(true);
    expect(seeder.transfers.list()).toEqual([]);
    expect(await rejectionOf(seeder.playback.readChunk(file, 3))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('starts the download of a file not yet downloading and answers the chunk read long before it completes', { timeout: 30_000 }, async () => {
    // 16 MiB at 4 MiB/s: about 4 s for the whole file.
    const { bytes, record } = await seederOf(16, 4096);
    const finished: string[] = [];
    const viewerStore = new MemoryChunkStore();
    const viewer = await joinedNode('viewer', viewerStore, finished);
    const file = await found(viewer, record.contentId);

    const chunk = await viewer.playback.readChunk(file, 9);

    expect(isSameBytes(chunk, chunkOf(bytes, 9))).toBe(true);
    const transfer = viewer.transfers.get(record.contentId);
    expect(transfer?.isActive).toBe(true);
    expect(transfer?.view().bytesDone).toBeLessThan(bytes.byteLength / 2);
    expect(viewer.transfers.list().map((view) => view.contentId)).toEqual([record.contentId]);
    // A normal transfer: it completes into My files.
    await transfer?.done;
    expect(finished).toEqual([record.contentId]);
    expect(viewer.library.holds(record.contentId)).toBe(true);
    // Stored now: read at once.
    expect(isSameBytes(await viewer.playback.readChunk(file, 15), chunkOf(bytes, 15))).toBe(true);
  });

  it('seeks: a read far ahead is answered before the chunks in between arrive', { timeout: 30_000 }, async () => {
    // 40 MiB at 8 MiB/s: about 5 s for the whole file.
    const { bytes, record } = await seederOf(40, 8192);
    const viewerStore = new MemoryChunkStore();
    const viewer = await joinedNode('viewer', viewerStore);
    const file = await found(viewer, record.contentId);

    expect(isSameBytes(await viewer.playback.readChunk(file, 0), chunkOf(bytes, 0))).toBe(true);
    const farAhead = await viewer.playback.readChunk(file, 32);

    expect(isSameBytes(farAhead, chunkOf(bytes, 32))).toBe(true);
    const stored = await viewerStore.listChunkIndices(record.contentId);
    expect(stored.filter((index) => index >= 10 && index < 32)).toEqual([]);
    expect(viewer.transfers.get(record.contentId)?.isActive).toBe(true);
  });

  it('rejects a read with the signal’s reason when it aborts; the download goes on', { timeout: 30_000 }, async () => {
    const { record } = await seederOf(16, 2048);
    const viewer = await joinedNode('viewer');
    const file = await found(viewer, record.contentId);
    const reason = new Error('the player seeked elsewhere');

    expect(await rejectionOf(viewer.playback.readChunk(file, 0, AbortSignal.abort(reason)))).toBe(reason);
    expect(viewer.transfers.list()).toEqual([]); // an aborted read starts nothing

    const player = new AbortController();
    const reading = viewer.playback.readChunk(file, 15, player.signal);
    await waitFor(() => viewer.transfers.get(record.contentId)?.view().state === 'downloading', 'the download to start');
    player.abort(reason);
    expect(await rejectionOf(reading)).toBe(reason);
    expect(viewer.transfers.get(record.contentId)?.isActive).toBe(true);
  });

  it('rejects the reads still waiting when the download is cancelled', { timeout: 30_000 }, async () => {
    const { record } = await seederOf(16, 2048);
    const viewer = await joinedNode('viewer');
    const file = await found(viewer, record.contentId);

    const reads = [viewer.playback.readChunk(file, 14), viewer.playback.readChunk(file, 15)].map((read) => rejectionOf(read));
    await waitFor(() => viewer.transfers.get(record.contentId)?.view().state === 'downloading', 'the download to start');
    await viewer.transfers.cancel(record.contentId);

    for (const error of await Promise.all(reads)) {
      expect(error).toBeInstanceOf(ShoalError);
      expect(error).toMatchObject({ code: 'CANCELLED' });
    }
  });

  it('resumes a paused download to answer a read', { timeout: 30_000 }, async () => {
    const { bytes, record } = await seederOf(8, 2048);
    const viewer = await joinedNode('viewer');
    const file = await found(viewer, record.contentId);
    const transfer = viewer.downloadResult(file);
    await viewer.transfers.pause(record.contentId);
    expect(transfer.view().state).toBe('paused');

    const chunk = await viewer.playback.readChunk(file, 6);

    expect(isSameBytes(chunk, chunkOf(bytes, 6))).toBe(true);
    expect(transfer.view().state).not.toBe('paused');
    expect(viewer.transfers.list()).toHaveLength(1);
  });

  it('refuses to play a file nobody else holds, saying so', async () => {
    const { record } = await seederOf(2, 0);
    const viewer = await joinedNode('viewer');
    const file = await found(viewer, record.contentId);

    expect(await rejectionOf(viewer.playback.readChunk({ ...file, holders: [] }, 0))).toMatchObject({ code: 'NO_HOLDER' });
    expect(viewer.transfers.list()).toEqual([]);
  });
});
