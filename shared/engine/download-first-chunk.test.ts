import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerLink } from './peer-link';
import { CHUNK, createSwarm, downloadInto, holdersOf, readStoredFile, shareAmong, sha256Of } from './test-fixtures';

const far = { path: { kind: 'direct' as const, rttMs: 40 } };

describe('Download: the way to the first verified chunk', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks for the chunks before the first is stored on the main link alone, though extra links to the holder are open', async () => {
    const swarm = createSwarm(['ana', 'ben'], { extraLinksIdleMs: 60_000 });
    swarm.network.setConditions('ana', far, 'ben');
    swarm.network.setConditions('ben', { bytesPerSecond: 8 * CHUNK }); // per connection, as a congestion window would be
    const earlier = await shareAmong(swarm, ['ben'], 8 * CHUNK, 'earlier.bin');
    const { bytes, record } = await shareAmong(swarm, ['ben'], 16 * CHUNK, 'next.bin');
    await downloadInto(swarm.peer('ana'), earlier.record, holdersOf('ben'), { linksPerPeer: 4 }).start();
    expect(swarm.network.channelsOf('ana')).toHaveLength(4); // the earlier download's extra links stay open

    let hasStored = false;
    const originalPut = swarm.peer('ana').store.putChunk.bind(swarm.peer('ana').store);
    vi.spyOn(swarm.peer('ana').store, 'putChunk').mockImplementation(async (...args) => {
      await originalPut(...args);
      hasStored = true;
    });
    const beforeFirstStored: PeerLink[] = [];
    const after: PeerLink[] = [];
    const originalRequest = PeerLink.prototype.requestChunk;
    vi.spyOn(PeerLink.prototype, 'requestChunk').mockImplementation(function (this: PeerLink, ...args) {
      (hasStored ? after : beforeFirstStored).push(this);
      return originalRequest.apply(this, args);
    });
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { linksPerPeer: 4 });

    await download.start();

    expect(download.state).toBe('completed');
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
    // Side by side on four links, the first chunk would get a quarter of ben's upload.
    expect(beforeFirstStored.length).toBeGreaterThan(0);
    expect(new Set(beforeFirstStored).size).toBe(1);
    expect(new Set(after).size).toBe(4); // then spread over every link
    for (const channel of swarm.network.channelsOf('ana')) channel.close();
  });
});
