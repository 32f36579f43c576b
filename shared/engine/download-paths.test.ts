import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DownloadSnapshot } from './download-report';
import { MemoryChannel } from './memory-channel';
import { CHUNK, createSwarm, downloadInto, holdersOf, shareAmong, waitUntil } from './test-fixtures';
import type { ConnectionPath } from './transport';

const direct: ConnectionPath = { kind: 'direct', rttMs: 40 };
const relayed: ConnectionPath = { kind: 'relayed', rttMs: 120 };

describe('Download: how each holder is connected', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('lists the holders it fetches from with their paths, and follows a round trip that changes', async () => {
    const swarm = createSwarm(['ana', 'ben', 'cleo']);
    // Each holder sends slowly, so the download lasts long enough to see a refresh.
    swarm.network.setConditions('ben', { bytesPerSecond: 8 * CHUNK });
    swarm.network.setConditions('cleo', { bytesPerSecond: 8 * CHUNK });
    swarm.network.setConditions('ana', { path: direct }, 'ben');
    swarm.network.setConditions('ana', { path: relayed }, 'cleo');
    const { record } = await shareAmong(swarm, ['ben', 'cleo'], 24 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben', 'cleo'), {
      progressIntervalMs: 20,
      pathRefreshIntervalMs: 100,
    });
    const snapshots: DownloadSnapshot[] = [];
    download.onChange((snapshot) => snapshots.push(snapshot));
    const done = download.start();

    const pathOf = (peerId: string) => download.progress.peers.find((peer) => peer.peerId === peerId)?.path;
    await waitUntil(() => pathOf('ben') !== undefined && pathOf('cleo') !== undefined, 'both paths are read');
    expect(download.progress.activePeers).toBe(2);
    expect([...download.progress.peers].sort((a, b) => a.peerId.localeCompare(b.peerId))).toEqual([
      { peerId: 'ben', name: 'ben', path: direct },
      { peerId: 'cleo', name: 'cleo', path: relayed },
    ]);

    swarm.network.setConditions('ana', { path: { kind: 'direct', rttMs: 55 } }, 'ben');
    await waitUntil(() => pathOf('ben')?.rttMs === 55, "ben's new round trip is reported");
    expect(snapshots.some((snapshot) => snapshot.progress.peers.some((peer) => peer.path?.rttMs === 55))).toBe(true);

    await done;
    expect(download.state).toBe('completed');
    expect(download.progress.peers).toEqual([]);
    expect(download.progress.activePeers).toBe(0);
  });

  it('reads a path when the link opens and then every interval, never per chunk', async () => {
    const reads = vi.spyOn(MemoryChannel.prototype, 'connectionPath');
    const swarm = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 32 * CHUNK, path: direct } });
    const { record } = await shareAmong(swarm, ['ben'], 32 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { pathRefreshIntervalMs: 200 });
    const startedMs = Date.now();

    await download.start();

    const elapsedMs = Date.now() - startedMs;
    expect(download.state).toBe('completed');
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(1 + Math.ceil(elapsedMs / 200));
    expect(reads.mock.calls.length).toBeLessThan(record.manifest.chunkHashes.length);
  });

  it('reports no path where the channel cannot tell', async () => {
    const swarm = createSwarm(['ana', 'ben'], { conditions: { bytesPerSecond: 16 * CHUNK } });
    const { record } = await shareAmong(swarm, ['ben'], 16 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'));
    const done = download.start();
    await waitUntil(() => download.progress.activePeers === 1, 'ben is in use');
    expect(download.progress.peers).toEqual([{ peerId: 'ben', name: 'ben', path: undefined }]);
    await done;
  });
});
