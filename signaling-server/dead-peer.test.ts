import { describe, expect, it } from 'vitest';
import { DEAD_PEER_REMOVAL_BUDGET_MS, HEARTBEAT } from './config';
import type { TrackerLog } from './socket-types';
import { fileNamed } from './test-support/fixtures';
import { RawPeer } from './test-support/raw-peer';
import { newIdentity } from './test-support/identities';
import { requestRawJoin, useTracker } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

const TEST_PING_INTERVAL_MS = 300;
const TEST_PING_TIMEOUT_MS = 300;

describe('the default heartbeat', () => {
  it(`drops a silent peer within ${DEAD_PEER_REMOVAL_BUDGET_MS} ms even in the worst case`, () => {
    // Worst case: the peer freezes just after a pong; the next ping waits an interval, then times out.
    expect(HEARTBEAT.pingIntervalMs + HEARTBEAT.pingTimeoutMs).toBeLessThan(DEAD_PEER_REMOVAL_BUDGET_MS);
  });
});

describe('removing unresponsive peers', () => {
  let logLines: string[] = [];
  const harness = useTracker(() => {
    logLines = [];
    const log: TrackerLog = { info: (message) => logLines.push(message), error: () => undefined };
    return { pingIntervalMs: TEST_PING_INTERVAL_MS, pingTimeoutMs: TEST_PING_TIMEOUT_MS, log };
  });

  async function rawPeerSharing(name: string, fileName: string): Promise<RawPeer> {
    const raw = await RawPeer.connect(harness.url);
    expect(await requestRawJoin(raw, name, await newIdentity())).toMatchObject({ ok: true, peer: { name } });
    expect(await raw.request('announce', { files: [fileNamed(fileName)] })).toEqual({ ok: true });
    return raw;
  }

  it('removes a peer and its files when its heartbeat stops', async () => {
    const watcher = await harness.join('Watcher');
    expect(await watcher.socket.emitWithAck('search', { query: 'frozen' })).toMatchObject({ ok: true, total: 0 });
    const frozen = await rawPeerSharing('Frozen', 'frozen.txt');
    try {
      await watcher.waitForPeers((peers) => peers.some((peer) => peer.name === 'Frozen' && peer.files === 1), 'Frozen to share');
      // Answering pings all along keeps it online well past one heartbeat.
      await waitFor(() => watcher.pushes.indexChanged === 1, 'the announce');
      expect(await watcher.socket.emitWithAck('search', { query: 'frozen' })).toMatchObject({ total: 1 });

      const frozenAt = Date.now();
      frozen.freeze();
      await watcher.waitForPeers((peers) => peers.every((peer) => peer.name !== 'Frozen'), 'Frozen to be dropped');
      const removalMs = Date.now() - frozenAt;
      await waitFor(() => watcher.pushes.indexChanged === 2, 'index-changed after the drop');

      expect(await watcher.socket.emitWithAck('search', { query: 'frozen' })).toEqual({ ok: true, total: 0, results: [] });
      expect(watcher.latestPeers()).toEqual([watcher.summary(0)]);
      // The heartbeat noticed, within about one period: the connection itself was never closed.
      expect(logLines).toContain("Peer 'Frozen' left (ping timeout); 1 file(s) withdrawn");
      expect(removalMs).toBeLessThan(TEST_PING_INTERVAL_MS + TEST_PING_TIMEOUT_MS + 3_000);
    } finally {
      frozen.terminate();
    }
  });

  it('keeps a peer that answers its pings', async () => {
    const watcher = await harness.join('Watcher');
    const alive = await rawPeerSharing('Alive', 'alive.txt');
    try {
      const pongsAtStart = alive.pongsSent;
      await waitFor(() => alive.pongsSent >= pongsAtStart + 4, 'four more heartbeats');
      expect(await alive.request('search', { query: 'alive' })).toMatchObject({ ok: true, total: 1 });
      expect(watcher.latestPeers()?.map((peer) => peer.name)).toEqual(['Alive', 'Watcher']);
    } finally {
      alive.terminate();
    }
  });

  it('removes a peer at once when its connection drops without a goodbye', async () => {
    const watcher = await harness.join('Watcher');
    const killed = await rawPeerSharing('Killed', 'killed.txt');
    await watcher.waitForPeers((peers) => peers.length === 2, 'Killed to join');
    killed.terminate();
    await watcher.waitForPeers((peers) => peers.length === 1, 'Killed to be dropped');
    expect(await watcher.socket.emitWithAck('search', { query: '' })).toEqual({ ok: true, total: 0, results: [] });
    expect(logLines).toContain("Peer 'Killed' left (transport close); 1 file(s) withdrawn");
  });
});
