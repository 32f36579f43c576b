import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerLink } from './peer-link';
import { CHUNK, createSwarm, downloadInto, holdersOf, readStoredFile, shareAmong, sha256Of, waitUntil } from './test-fixtures';

const far = { path: { kind: 'direct' as const, rttMs: 40 } };

/** Links whose requestChunk was called, in call order. */
function watchChunkRequests(): PeerLink[] {
  const used: PeerLink[] = [];
  const original = PeerLink.prototype.requestChunk;
  vi.spyOn(PeerLink.prototype, 'requestChunk').mockImplementation(function (this: PeerLink, ...args) {
    used.push(this);
    return original.apply(this, args);
  });
  return used;
}

describe('Download over several links to one holder', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('opens extra connections to a distant holder and spreads its requests over them', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ana', far, 'ben');
    swarm.network.setConditions('ben', { bytesPerSecond: 8 * CHUNK }); // per connection, as a congestion window would be
    const { bytes, record } = await shareAmong(swarm, ['ben'], 24 * CHUNK);
    const used = watchChunkRequests();
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { linksPerPeer: 4 });

    await download.start();

    expect(download.state).toBe('completed');
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
    expect(swarm.network.channelsOf('ana').filter((channel) => channel.peerId === 'ben')).toHaveLength(4);
    expect(new Set(used).size).toBe(4);
    const perLink = [...new Set(used)].map((link) => used.filter((used) => used === link).length);
    expect(Math.min(...perLink)).toBeGreaterThanOrEqual(3); // spread, not piled on the first link
  });

  it('reports one holder however many links it uses', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ana', far, 'ben');
    swarm.network.setConditions('ben', { bytesPerSecond: 4 * CHUNK });
    const { record } = await shareAmong(swarm, ['ben'], 24 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { linksPerPeer: 4 });
    const done = download.start();
    await waitUntil(() => swarm.network.channelsOf('ana').length === 4, 'the extra links are open');
    expect(download.progress.activePeers).toBe(1);
    expect(download.progress.peers.map((peer) => peer.peerId)).toEqual(['ben']);
    await done;
  });

  it('shares a budget of connections among several distant holders', async () => {
    const holders = ['ben', 'cleo', 'dave', 'eve'];
    const swarm = createSwarm(['ana', ...holders]);
    for (const holder of holders) swarm.network.setConditions('ana', far, holder);
    swarm.network.setConditions('ben', { bytesPerSecond: 8 * CHUNK });
    const { record } = await shareAmong(swarm, holders, 24 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf(...holders), { linksPerPeer: 4, linksPerDownloadMax: 8 });

    await download.start();

    expect(download.state).toBe('completed');
    for (const holder of holders) {
      expect(swarm.network.channelsOf('ana').filter((channel) => channel.peerId === holder)).toHaveLength(2);
    }
  });

  it('keeps extra connections for a download that follows soon, and closes them once idle', async () => {
    const swarm = createSwarm(['ana', 'ben'], { extraLinksIdleMs: 400 });
    swarm.network.setConditions('ana', far, 'ben');
    const first = await shareAmong(swarm, ['ben'], 8 * CHUNK, 'first.bin');
    const second = await shareAmong(swarm, ['ben'], 8 * CHUNK, 'second.bin');
    await downloadInto(swarm.peer('ana'), first.record, holdersOf('ben'), { linksPerPeer: 4 }).start();
    const opened = swarm.network.channelsOf('ana');
    expect(opened).toHaveLength(4);

    await downloadInto(swarm.peer('ana'), second.record, holdersOf('ben'), { linksPerPeer: 4 }).start();

    expect(swarm.network.channelsOf('ana')).toEqual(opened); // the same connections, none dialled anew
    await waitUntil(() => swarm.network.channelsOf('ana').length === 1, 'the idle extra links are closed');
    expect(swarm.network.channelsOf('ana')).toEqual([opened[0]]); // the main link stays
    expect(swarm.peer('ana').pool.connectedPeerIds()).toEqual(['ben']);
  });

  it('waits for a round trip measured after connecting, then opens the extra connections', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    // As a real channel right after connecting: it knows its path but has not timed a round trip yet.
    swarm.network.setConditions('ana', { path: { kind: 'direct', rttMs: undefined } }, 'ben');
    swarm.network.setConditions('ben', { bytesPerSecond: 4 * CHUNK });
    const { record } = await shareAmong(swarm, ['ben'], 16 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { linksPerPeer: 3 });
    const done = download.start();
    await waitUntil(() => download.progress.peers[0]?.path !== undefined, 'the path is read');
    expect(swarm.network.channelsOf('ana')).toHaveLength(1);

    swarm.network.setConditions('ana', far, 'ben');

    await waitUntil(() => swarm.network.channelsOf('ana').length === 3, 'the extra links open', 3_000);
    expect(download.progress.peers[0]?.path).toEqual(far.path);
    await done;
    expect(download.state).toBe('completed');
  });

  it('stays on one connection when the round trip is short', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ana', { path: { kind: 'direct', rttMs: 2 } }, 'ben');
    const { record } = await shareAmong(swarm, ['ben'], 8 * CHUNK);
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { linksPerPeer: 4 });
    await download.start();
    expect(download.state).toBe('completed');
    expect(swarm.network.channelsOf('ana')).toHaveLength(1);
  });

  it('loses only the requests in flight on an extra link that closes, and goes on with the others', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    swarm.network.setConditions('ana', far, 'ben');
    swarm.network.setConditions('ben', { bytesPerSecond: 4 * CHUNK });
    const { bytes, record } = await shareAmong(swarm, ['ben'], 24 * CHUNK);
    const used = watchChunkRequests();
    const download = downloadInto(swarm.peer('ana'), record, holdersOf('ben'), { linksPerPeer: 3 });
    const done = download.start();
    await waitUntil(() => swarm.network.channelsOf('ana').length === 3 && download.progress.bytesDone >= 2 * CHUNK, 'data flows on 3 links');
    const [, extra] = swarm.network.channelsOf('ana');
    extra?.kill();

    await done;

    expect(download.state).toBe('completed');
    expect(download.snapshot().peerFailures).toEqual([]);
    expect(await sha256Of(await readStoredFile(swarm.peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
    const links = [...new Set(used)];
    expect(links).toHaveLength(3);
    expect(links.filter((link) => link.isOpen)).toHaveLength(2);
  });

  it('has each request answered on the link it was sent on', async () => {
    const swarm = createSwarm(['ana', 'ben']);
    const { bytes, record } = await shareAmong(swarm, ['ben'], 4 * CHUNK);
    const main = await swarm.peer('ana').pool.linkTo('ben');
    const [extra] = await swarm.peer('ana').pool.extraLinksTo('ben', 1);
    if (extra === undefined) throw new Error('no extra link');
    const blocksOn = new Map<string, number>();
    for (const [position, channel] of swarm.network.channelsOf('ana').entries()) {
      channel.onFrame((frame) => {
        if (typeof frame !== 'string') blocksOn.set(`channel ${position}`, (blocksOn.get(`channel ${position}`) ?? 0) + 1);
      });
    }

    const chunk = await extra.requestChunk(record.contentId, 1, CHUNK);

    expect(await sha256Of(chunk)).toBe(await sha256Of(bytes.subarray(CHUNK, 2 * CHUNK)));
    expect(extra).not.toBe(main);
    expect([...blocksOn.keys()]).toEqual(['channel 1']);
    expect(await swarm.peer('ana').pool.extraLinksTo('ben', 1)).toEqual([extra]); // reused, not dialled again
    expect(swarm.network.channelsOf('ana')).toHaveLength(2);
  });
});
