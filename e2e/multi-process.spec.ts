/**
 * Three tracker processes on one real redis-server, with browsers and a Node peer connected to
 * different processes: they see each other, find each other's files and transfer them byte for
 * byte, over real WebRTC. Then the process one browser is on is killed with SIGKILL: the others
 * remove its peer within 15 s, and the browser, which opened Shoal through a proxy in front of the
 * processes (as a reverse proxy stands in front of machines), is back online with its file through
 * a live process within 10 s after that, without a click.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NodePeer } from '../cli/node/node-peer';
import type { PeerSummary } from '../shared/protocol';
import { startFailoverProxy } from '../signaling-server/cluster/test-support/tcp-failover-proxy';
import type { FailoverProxy } from '../signaling-server/cluster/test-support/tcp-failover-proxy';
import { startTrackerProcess } from '../signaling-server/cluster/test-support/tracker-process';
import type { TrackerProcess } from '../signaling-server/cluster/test-support/tracker-process';
import { waitFor } from '../shared/test-support/wait-for';
import { startRedisServer } from '../signaling-server/test-support/redis-server';
import type { RedisServer } from '../signaling-server/test-support/redis-server';
import { expect, openPeer, test } from './fixtures';
import { downloadAndHash, search, share } from './peer-actions';
import { makeRandomFile, sha256OfFile } from './test-files';

const KiB = 1024;
const REMOVED_WITHIN_MS = 15_000;
const BACK_WITHIN_MS = 10_000;

let redis: RedisServer | undefined;
const trackers: TrackerProcess[] = [];
let proxy: FailoverProxy | undefined;
const nodePeers: NodePeer[] = [];
const tempDirs: string[] = [];

test.beforeAll(async () => {
  redis = await startRedisServer();
  for (let node = 0; node < 3; node += 1) trackers.push(await startTrackerProcess(redis.url, { servesWebApp: true }));
});

test.afterAll(async () => {
  await Promise.all(nodePeers.splice(0).map((peer) => peer.stop().catch(() => undefined)));
  await proxy?.close();
  await Promise.all(trackers.splice(0).map((tracker) => tracker.stop()));
  await redis?.stop();
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function startNodePeer(trackerUrl: string, name: string): Promise<NodePeer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'shoal-e2e-node-'));
  tempDirs.push(dir);
  const peer = await NodePeer.start({
    trackerUrl,
    name,
    dataDir: path.join(dir, 'data'),
    downloadDir: path.join(dir, 'downloads'),
    seedsLibrary: false,
  });
  nodePeers.push(peer);
  return peer;
}

/** Polls every 250 ms: the trackers' REST and search rate limits would refuse a tighter loop. */
function poll<T>(probe: () => Promise<T | undefined | false>, description: string, timeoutMs = 20_000): Promise<T> {
  return waitFor(probe, description, { timeoutMs, intervalMs: 250 });
}

async function peersAt(tracker: TrackerProcess): Promise<PeerSummary[]> {
  const response = await fetch(`${tracker.url}/api/peers`);
  if (!response.ok) throw new Error(`GET /api/peers answered ${response.status}`);
  return ((await response.json()) as { peers: PeerSummary[] }).peers;
}

test('browsers and a Node peer on three tracker processes share both ways; a killed process’s browser comes back through the proxy', async ({
  browser,
}) => {
  const [one, two, three] = trackers as [TrackerProcess, TrackerProcess, TrackerProcess];
  // Bo opens Shoal through the proxy, which prefers process three, then one, then two.
  proxy = await startFailoverProxy([three.port, one.port, two.port]);
  const ana = await openPeer(browser, one.url, 'ana');
  const bo = await openPeer(browser, proxy.url, 'bo');
  const cy = await startNodePeer(two.url, 'cy');

  const fromBo = await makeRandomFile('from bo.bin', 300 * KiB + 7);
  const fromCy = await makeRandomFile('from cy.bin', 200 * KiB + 11);
  await share(bo.page, fromBo);
  await cy.sharePaths([fromCy.path]);

  // Everyone sees everyone, whatever process they are on.
  const peerList = ana.page.getByRole('list', { name: 'Peers' });
  for (const name of ['bo', 'cy']) await expect(peerList.getByRole('listitem').filter({ hasText: name })).toBeVisible();
  await poll(async () => (await cy.peers()).length === 2, 'ana and bo at cy');
  expect((await cy.peers()).map((peer) => peer.name).sort()).toEqual(['ana', 'bo']);

  // Browser from browser (processes one and three), browser from Node (one and two), Node from browser (two and three).
  await search(ana.page, 'from bo');
  expect(await downloadAndHash(ana.page, fromBo.name)).toBe(fromBo.sha256);
  await search(ana.page, 'from cy');
  expect(await downloadAndHash(ana.page, fromCy.name)).toBe(fromCy.sha256);
  const found = await poll(async () => (await cy.search('from bo'))[0], 'bo’s file in cy’s search');
  expect(await sha256OfFile(await cy.download(found).done)).toBe(fromBo.sha256);

  // Process three dies without a goodbye.
  const boBefore = (await peersAt(one)).find((peer) => peer.name === 'bo');
  expect(boBefore).toBeDefined();
  const killedAt = Date.now();
  await three.killHard();

  await poll(async () => !(await peersAt(one)).some((peer) => peer.id === boBefore?.id), 'bo gone at process one', REMOVED_WITHIN_MS);
  const removedAt = Date.now();
  await poll(
    async () => (await peersAt(two)).some((peer) => peer.name === 'bo' && peer.id !== boBefore?.id && peer.files === 1),
    'bo back online with its file',
    BACK_WITHIN_MS,
  );
  const backAt = Date.now();
  await expect(bo.page.getByRole('status')).toContainText('Online as bo');
  console.log(`kill -9 → bo removed after ${removedAt - killedAt} ms, back with its file ${backAt - killedAt} ms after the kill`);

  // Bo's file is found held by bo again (ana and cy hold it too by now).
  await poll(async () => (await cy.search('from bo'))[0]?.holders.some((holder) => holder.name === 'bo'), 'bo holding its file again at cy');
  await ana.close();
  await bo.close();
});
