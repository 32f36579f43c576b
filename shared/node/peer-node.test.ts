/**
 * The peer node on in-memory parts (memory store and network) against a real tracker: session loss
 * and re-join, a remembered name, removal by the operator, partial holdings announced, holders
 * that appear later, pause kept across a restart,
 * rate limits, changed-key warnings.
 */
import { describe, expect, it } from 'vitest';
import { MemoryChunkStore, CHUNK, memorySource, randomBytes, readStoredFile } from '../engine/testing';
import { shareFile } from '../engine';
import type { KnownKeyStore } from '../identity/known-keys';
import { generateKeyPair, identityFromKeyPair, type PeerIdentity } from '../identity/peer-keys';
import { waitFor } from '../test-support/wait-for';
import type { NodeMessage } from './node-events';
import { MemoryKeyValueStore } from './node-settings';
import type { PeerNode, PeerNodeOptions } from './peer-node';
import { useNodeSwarm } from './testing/node-swarm';

const swarm = useNodeSwarm();

/** Polls the tracker (a search costs budget), so not too often. */
const slowly = { timeoutMs: 15_000, intervalMs: 100 };

function joinedNode(
  name: string,
  parts: { store?: MemoryChunkStore; settings?: MemoryKeyValueStore; knownKeys?: KnownKeyStore; identity?: PeerIdentity } = {},
  options: PeerNodeOptions = {},
): Promise<PeerNode> {
  // Fast holder polling, so tests wait for outcomes in tenths of seconds.
  return swarm.joinedNode(name, parts, { downloadTuning: { holderPollIntervalMs: 100, holderRetryBackoffMs: 100 }, ...options });
}

async function share(node: PeerNode, store: MemoryChunkStore, name: string, bytes: Uint8Array) {
  const record = await shareFile(memorySource(name, bytes), store);
  await node.library.add(record);
  return record;
}

/** Compared as one buffer: expect's deep equality walks a megabyte element by element for seconds. */
function isSameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

async function holderNames(node: PeerNode, contentId: string): Promise<string[]> {
  const { results } = await node.search('');
  return (results.find((file) => file.contentId === contentId)?.holders ?? []).map((holder) => holder.name).sort();
}

describe('PeerNode', () => {
  it('looks up a linked file with its holders other than itself, and null when nobody holds it', async () => {
    const anaStore = new MemoryChunkStore();
    const benStore = new MemoryChunkStore();
    const [ana, ben] = await Promise.all([joinedNode('ana', { store: anaStore }), joinedNode('ben', { store: benStore })]);
    const bytes = randomBytes(3 * CHUNK + 5);
    const record = await share(ana, anaStore, 'linked.bin', bytes);
    await share(ben, benStore, 'linked.bin', bytes);

    const seenByAna = await ana.heldFile(record.contentId);
    expect(seenByAna).toMatchObject({ contentId: record.contentId, name: 'linked.bin', size: bytes.length });
    expect(seenByAna?.holders.map((holder) => holder.name)).toEqual(['ben']);
    await ana.library.remove(record.contentId);
    await ben.library.remove(record.contentId);
    expect(await ana.heldFile(record.contentId)).toBeNull();
  });

  it('re-joins under its name after the tracker comes back and re-announces its files', { timeout: 60_000 }, async () => {
    const port = swarm.tracker.port;
    const store = new MemoryChunkStore();
    const ana = await joinedNode('ana', { store });
    const record = await share(ana, store, 'survives.bin', randomBytes(1000));
    const statuses: string[] = [];
    ana.on('session', (view) => statuses.push(view.status));

    await swarm.closeTracker();
    await waitFor(() => !ana.session.isOnline, 'ana to notice the tracker is gone', slowly);
    expect(ana.me).toBeUndefined();
    await swarm.startTracker({ port });

    const ben = await joinedNode('ben');
    await waitFor(async () => (await holderNames(ben, record.contentId)).includes('ana'), 'ana back with her file', { ...slowly, timeoutMs: 30_000 });
    expect(ana.me?.name).toBe('ana');
    expect(statuses).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('online');
  });

  it('re-joins under a remembered name at the next start without being told the name', async () => {
    const settings = new MemoryKeyValueStore();
    const identity = await identityFromKeyPair(await generateKeyPair(false));
    const first = await joinedNode('rita', { settings, identity }, { remembersName: true });
    await first.stop();

    const second = await swarm.startNode({ settings, identity }, { remembersName: true });
    await second.connect();
    await waitFor(() => second.me?.name === 'rita', 'the remembered name to be joined again', slowly);
  });

  it('keeps re-joining a name its old registration still holds, through the join rate limit, until it is free', async () => {
    // One join attempt (challenge + join) per connection, then one every 5 s: the second retry runs into RATE_LIMITED.
    await swarm.startTracker({ rateLimits: { join: { capacity: 2, refillPerSecond: 0.4 } } });
    const settings = new MemoryKeyValueStore();
    const identity = await identityFromKeyPair(await generateKeyPair(false));
    const old = await joinedNode('olga', { settings, identity }, { remembersName: true });

    // The same key starts again while its old registration is still online (as after a reload).
    const again = await swarm.startNode({ settings, identity }, { remembersName: true });
    const messages: NodeMessage[] = [];
    again.events.on('message', (message) => messages.push(message));
    await again.connect();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await old.stop();

    await waitFor(() => again.me?.name === 'olga', 'the name joined once the old registration left', { timeoutMs: 12_000, intervalMs: 100 });
    expect(messages.filter((message) => message.text.startsWith('Could not join'))).toEqual([]);
  });

  it('gives up its name when the operator removes it, and says why', async () => {
    const adminToken = 'test-admin-token-0123456789';
    await swarm.startTracker({ adminToken });
    const settings = new MemoryKeyValueStore();
    const ana = await joinedNode('ana', { settings }, { remembersName: true });
    const messages: NodeMessage[] = [];
    ana.on('message', (message) => messages.push(message));

    const revoke = await fetch(`${swarm.tracker.url}/api/admin/registrations/ana`, { method: 'DELETE', headers: { Authorization: `Bearer ${adminToken}` } });
    expect(revoke.status).toBeLessThan(300);
    await waitFor(() => ana.session.view.joinError !== undefined, 'the removal to reach ana');
    expect(ana.session.view.joinError).toMatch(/revoked/i);
    expect(messages.some((message) => message.level === 'error' && /removed this peer/.test(message.text))).toBe(true);
    // The tracker reconnects the socket; the node stays un-joined and has forgotten the name.
    await waitFor(() => ana.session.view.status === 'online', 'the socket back', slowly);
    expect(ana.me).toBeUndefined();
    expect(settings.values.has('displayName')).toBe(false);
  });

  it('announces a download as a partial holding while it runs, and as complete when done', async () => {
    const seederStore = new MemoryChunkStore();
    const seeder = await joinedNode('seeder', { store: seederStore });
    const bytes = randomBytes(4 * CHUNK + 10);
    const record = await share(seeder, seederStore, 'growing.bin', bytes);
    const finished: string[] = [];
    const leecherStore = new MemoryChunkStore();
    const leecher = await swarm.startNode({ store: leecherStore, finished });
    await leecher.connect();
    await leecher.joinFirst({ name: 'leecher' });
    // Slow enough (1 MiB/s for 4 MiB) that the download is still running when the tracker is asked.
    await leecher.setLimits({ downloadKiBps: 1024 });
    const [found] = (await leecher.search('growing')).results;
    const transfer = leecher.downloadResult(found!);

    await waitFor(async () => (await holderNames(seeder, record.contentId)).includes('leecher'), 'the leecher listed as a holder', slowly);
    expect(transfer.isActive).toBe(true);
    expect(leecher.library.holds(record.contentId)).toBe(false);

    await transfer.done;
    expect(isSameBytes(await readStoredFile(leecherStore, record.contentId), bytes)).toBe(true);
    expect(finished).toEqual([record.contentId]);
    expect(leecher.library.holds(record.contentId)).toBe(true);
    expect(transfer.view()).toMatchObject({ state: 'completed', bytesDone: bytes.byteLength, size: bytes.byteLength });
  });

  it('waits while nobody else holds the file and uses a holder that appears later, never itself', async () => {
    const bytes = randomBytes(CHUNK + 5);
    const waiterStore = new MemoryChunkStore();
    const waiter = await joinedNode('waiter', { store: waiterStore });
    // The waiter knows the file but its only holder is not online yet.
    const record = await shareFile(memorySource('later.bin', bytes), new MemoryChunkStore());
    const transfer = waiter.download({ contentId: record.contentId, name: 'later.bin', size: bytes.byteLength, mimeType: record.mimeType });
    await waitFor(() => transfer.view().state === 'waiting', 'the download to wait for a holder');
    expect(transfer.view().note).toBeDefined();

    const lateStore = new MemoryChunkStore();
    const late = await joinedNode('late', { store: lateStore });
    await share(late, lateStore, 'later.bin', bytes);
    await transfer.done;
    expect(isSameBytes(await readStoredFile(waiterStore, record.contentId), bytes)).toBe(true);
    expect(transfer.view().state).toBe('completed');
    // Now the waiter holds it too, but it never lists itself as a holder of its own downloads.
    expect((await waiter.holdersOf(record.contentId)).map((holder) => holder.name)).toEqual(['late']);
  });

  it('keeps a paused download paused across a restart, and finishes it once resumed', { timeout: 30_000 }, async () => {
    const seederStore = new MemoryChunkStore();
    const seeder = await joinedNode('seeder', { store: seederStore });
    const bytes = randomBytes(3 * CHUNK);
    const record = await share(seeder, seederStore, 'paused.bin', bytes);
    const store = new MemoryChunkStore();
    const settings = new MemoryKeyValueStore();
    const identity = await identityFromKeyPair(await generateKeyPair(false));
    const first = await joinedNode('keeper', { store, settings, identity }, { seedsStore: true });
    await first.setLimits({ downloadKiBps: 1024 });
    const [found] = (await first.search('paused')).results;
    const transfer = first.downloadResult(found!);
    await waitFor(() => transfer.view().bytesDone > 0, 'the first chunk stored', slowly);
    await first.transfers.pause(record.contentId);
    expect(transfer.view().state).toBe('paused');
    await first.stop();

    const second = await joinedNode('keeper', { store, settings, identity }, { seedsStore: true });
    // The limit was remembered too.
    expect(second.limits.downloadKiBps).toBe(1024);
    const resumed = await waitFor(() => second.transfers.get(record.contentId), 'the interrupted download to come back');
    expect(resumed.view().state).toBe('paused');
    await second.setLimits({ downloadKiBps: 0 });
    await second.transfers.resume(record.contentId);
    await resumed.done;
    expect(isSameBytes(await readStoredFile(store, record.contentId), bytes)).toBe(true);
  });

  it('applies and remembers rate limits, ignoring what is not a positive number', async () => {
    const settings = new MemoryKeyValueStore();
    const node = await joinedNode('limited', { settings });
    const seen: unknown[] = [];
    node.on('limits', (limits) => seen.push(limits));
    await node.setLimits({ uploadKiBps: 64.7 });
    await node.setLimits({ downloadKiBps: -5 });
    expect(node.pool.uploadLimiter.bytesPerSecond).toBe(64 * 1024);
    expect(node.pool.downloadLimiter.isLimited).toBe(false);
    expect(seen).toEqual([
      { uploadKiBps: 64, downloadKiBps: 0 },
      { uploadKiBps: 64, downloadKiBps: 0 },
    ]);
    expect(settings.values.get('uploadLimitKiBps')).toBe('64');
  });

  it('warns once about a peer whose key changed, and lists it', async () => {
    const known = new Map<string, string>([['mallory', 'a-different-key']]);
    const knownKeys: KnownKeyStore = {
      keyOf: async (name) => known.get(name),
      remember: async (name, key) => void known.set(name, key),
    };
    const watcher = await joinedNode('watcher', { knownKeys });
    const messages: NodeMessage[] = [];
    watcher.on('message', (message) => messages.push(message));
    const changed: string[][] = [];
    watcher.on('keyChanges', (ids) => changed.push(ids));
    const mallory = await joinedNode('mallory');
    await joinedNode('other');
    await waitFor(() => changed.some((ids) => ids.includes(mallory.me!.id)), 'mallory flagged');
    await waitFor(() => watcher.session.otherPeers().length === 2, 'both peers listed');
    expect(messages.filter((message) => message.text.includes("'mallory'"))).toHaveLength(1);
    expect(messages[0]).toMatchObject({ level: 'warning', about: 'peers' });
  });
});

describe('PeerNode folders', () => {
  it('shares a folder as one item, found by its name and an inner name, and downloads every file', { timeout: 60_000 }, async () => {
    const anaStore = new MemoryChunkStore();
    const boStore = new MemoryChunkStore();
    const ana = await joinedNode('ana', { store: anaStore });
    const bo = await joinedNode('bo', { store: boStore });
    const contents = new Map([
      ['notes.txt', randomBytes(100)],
      ['photos/2024/beach-sunset.jpg', randomBytes(CHUNK * 2 + 7)],
      ['photos/map.png', randomBytes(5)],
    ]);
    const files = [];
    for (const [path, bytes] of contents) {
      files.push({ path, record: await shareFile(memorySource(path.slice(path.lastIndexOf('/') + 1), bytes), anaStore) });
    }
    const folderRecord = await ana.library.addFolder('Summer trip', files);
    const items = ana.library.items();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ name: 'Summer trip', size: 100 + CHUNK * 2 + 7 + 5, folder: { fileCount: 3 } });

    const byName = await bo.search('summer');
    expect(byName.results.map((file) => [file.name, file.fileCount])).toEqual([['Summer trip', 3]]);
    const byInnerName = await bo.search('sunset');
    const found = byInnerName.results.find((file) => file.contentId === folderRecord.contentId);
    expect(found?.fileCount).toBe(3);

    const progress: number[] = [];
    const manifest = await bo.downloadFolder(found!, { onProgress: (view) => progress.push(view.filesDone) });
    expect(manifest.entries.map((entry) => entry.path)).toEqual([...contents.keys()].sort());
    for (const entry of manifest.entries) {
      expect(isSameBytes(await readStoredFile(boStore, entry.contentId), contents.get(entry.path)!)).toBe(true);
    }
    expect(progress.at(-1)).toBe(3);
    expect(bo.library.items().map((item) => [item.name, item.folder?.fileCount])).toEqual([['Summer trip', 3]]);
  });
});
