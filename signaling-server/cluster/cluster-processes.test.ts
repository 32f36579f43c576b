/**
 * Three tracker processes on one real redis-server, with Node peers (the CLI engine, real WebRTC)
 * connected to different processes: they see each other, find each other's files and transfer them
 * byte for byte. Then one process is killed with SIGKILL: the others remove its peers within 15 s,
 * and its peer, whose tracker URL is a proxy in front of the processes, is back online with its
 * file through a live process within 10 s after that — all with the default heartbeat timing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodePeer } from '../../cli/node/node-peer';
import { startTestPeer } from '../../cli/test-support/test-peers';
import { makeRandomFile } from '../../e2e/test-files';
import type { PeerSummary } from '../../shared/protocol';
import { startRedisServer } from '../test-support/redis-server';
import type { RedisServer } from '../test-support/redis-server';
import { waitFor as waitForCondition } from '../../shared/test-support/wait-for';
import { NODE_LIVENESS } from './node-liveness';
import { startFailoverProxy } from './test-support/tcp-failover-proxy';
import type { FailoverProxy } from './test-support/tcp-failover-proxy';
import { startTrackerProcess } from './test-support/tracker-process';
import type { TrackerProcess } from './test-support/tracker-process';

const KiB = 1024;
/** The budgets: a dead process's peers gone within 15 s, back through a live one within 10 s. */
const REMOVED_WITHIN_MS = 15_000;
const BACK_WITHIN_MS = 10_000;

let redis: RedisServer | undefined;
const trackers: TrackerProcess[] = [];
let proxy: FailoverProxy | undefined;

beforeAll(async () => {
  redis = await startRedisServer();
  for (let node = 0; node < 3; node += 1) trackers.push(await startTrackerProcess(redis.url));
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(trackers.map((tracker) => tracker.stop()));
  await redis?.stop();
}, 30_000);

/** Polls every 200 ms: the trackers' REST and search rate limits would refuse a tighter loop. */
function waitFor<T>(probe: () => Promise<T | undefined | false>, description: string, timeoutMs = 5_000): Promise<T> {
  return waitForCondition(probe, description, { timeoutMs, intervalMs: 200 });
}

async function sha256Of(filePath: string): Promise<string> {
  return createHash('sha256').update(await readFile(filePath)).digest('hex');
}

async function peersAt(tracker: TrackerProcess): Promise<PeerSummary[]> {
  const response = await fetch(`${tracker.url}/api/peers`);
  if (!response.ok) throw new Error(`GET /api/peers answered ${response.status}`);
  return ((await response.json()) as { peers: PeerSummary[] }).peers;
}

function idOf(peer: NodePeer): string {
  const me = peer.me;
  if (me === undefined) throw new Error('The peer has not joined');
  return me.id;
}

describe('three tracker processes on one Redis', () => {
  it('lets Node peers on different processes see each other, find each other’s files and transfer them', async () => {
    const [one, two, three] = trackers as [TrackerProcess, TrackerProcess, TrackerProcess];
    const ana = await startTestPeer(one.url, 'ana');
    const bo = await startTestPeer(two.url, 'bo');
    const cy = await startTestPeer(three.url, 'cy');
    const file = await makeRandomFile('across-processes.bin', 700 * KiB + 3);
    await bo.sharePaths([file.path]);

    for (const peer of [ana, bo, cy]) {
      await waitFor(async () => (await peer.peers()).length === 2, `the two others at ${peer.me?.name ?? '?'}`, 10_000);
    }
    const found = await waitFor(async () => (await ana.search('across'))[0], 'bo’s file in ana’s search', 10_000);
    expect(found).toMatchObject({ name: 'across-processes.bin', size: file.size, holders: [{ id: idOf(bo), name: 'bo' }] });
    const saved = await ana.download(found).done;
    expect(await sha256Of(saved)).toBe(file.sha256);
    for (const peer of [ana, bo, cy]) await peer.stop();
  }, 90_000);

  it('removes a killed process’s peers within 15 s, and its peer is back with its file through a live process within 10 s', async () => {
    const [one, two, three] = trackers as [TrackerProcess, TrackerProcess, TrackerProcess];
    // Cy reaches the trackers through a proxy that prefers process three, then one, then two.
    proxy = await startFailoverProxy([three.port, one.port, two.port]);
    const ana = await startTestPeer(one.url, 'ana-2');
    const cyLog: string[] = [];
    const cy = await startTestPeer(proxy.url, 'cy-2', { log: (message) => cyLog.push(message) });
    const file = await makeRandomFile('survivor.bin', 64 * KiB);
    await cy.sharePaths([file.path]);
    const oldCyId = idOf(cy);
    await waitFor(async () => (await ana.search('survivor'))[0]?.holders[0]?.id === oldCyId, 'cy’s file in ana’s search', 10_000);
    const cyAtThree = await waitFor(async () => (await peersAt(three)).find((peer) => peer.id === oldCyId), 'cy listed');
    expect(cyAtThree.files).toBe(1);

    const killedAt = Date.now();
    await three.killHard();

    await waitFor(
      async () => !(await peersAt(one)).some((peer) => peer.id === oldCyId),
      'the killed process’s peer gone at process one',
      REMOVED_WITHIN_MS,
    );
    const removedAt = Date.now();
    // Sooner than the 6 s heartbeat deadline: the killed process's Redis connection went with it.
    expect(removedAt - killedAt).toBeLessThan(NODE_LIVENESS.deadAfterMs);
    const back = await waitFor(
      async () => (await peersAt(two)).find((peer) => peer.name === 'cy-2' && peer.id !== oldCyId && peer.files === 1),
      'cy back online with its file',
      BACK_WITHIN_MS,
    ).catch(async (error: unknown) => {
      const listed = JSON.stringify(await peersAt(two));
      throw new Error(`${String(error)}; process two lists ${listed}; cy's log: ${cyLog.join(' | ')}`);
    });
    const backAt = Date.now();
    const result = await waitFor(async () => (await ana.search('survivor'))[0], 'cy’s file found again', 5_000);
    expect(result.holders).toEqual([{ id: back.id, name: 'cy-2' }]);
    console.log(`kill -9 → peers removed after ${removedAt - killedAt} ms, back online ${backAt - killedAt} ms after the kill`);

    const saved = await ana.download(result).done;
    expect(await sha256Of(saved)).toBe(file.sha256);
  }, 120_000);

  it('lets a transfer already running carry on when the sender’s tracker process is killed', async () => {
    const [one, two] = trackers as [TrackerProcess, TrackerProcess, TrackerProcess];
    const secondProxy = await startFailoverProxy([two.port, one.port]);
    try {
      const ana = await startTestPeer(one.url, 'ana-3');
      const cy = await startTestPeer(secondProxy.url, 'cy-3');
      // Slow enough (about 6 s) that the kill lands mid-transfer.
      await cy.node.setLimits({ uploadKiBps: 256 });
      const file = await makeRandomFile('in-flight.bin', 1536 * KiB);
      await cy.sharePaths([file.path]);
      const found = await waitFor(async () => (await ana.search('in-flight'))[0], 'cy’s file in ana’s search', 10_000);
      const transfer = ana.download(found);
      await waitFor(async () => transfer.view().bytesDone > 0, 'the first bytes at ana', 20_000);

      await two.killHard();
      expect(transfer.view().bytesDone).toBeLessThan(file.size);
      expect(await sha256Of(await transfer.done)).toBe(file.sha256);
    } finally {
      await secondProxy.close();
    }
  }, 120_000);
});
