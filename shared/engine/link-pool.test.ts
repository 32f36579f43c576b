import { describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import { shareFile } from './share-file';
import { createSwarm, memorySource, randomBytes, rejectionOf, waitUntil } from './test-fixtures';

describe('LinkPool', () => {
  it('reuses one open link per peer, even when asked concurrently', async () => {
    const { network, peer } = createSwarm(['ana', 'ben']);
    const [first, second] = await Promise.all([peer('ana').pool.linkTo('ben'), peer('ana').pool.linkTo('ben')]);
    expect(second).toBe(first);
    expect(await peer('ana').pool.linkTo('ben')).toBe(first);
    expect(network.channelsOf('ana')).toHaveLength(1);
  });

  it('reuses the link a peer opened to us instead of dialling back', async () => {
    const { network, peer } = createSwarm(['ana', 'ben']);
    await peer('ana').pool.linkTo('ben');
    await waitUntil(() => peer('ben').pool.connectedPeerIds().includes('ana'), 'ben adopted the incoming channel');
    const back = await peer('ben').pool.linkTo('ana');
    expect(back.peerId).toBe('ana');
    expect(network.channelsOf('ben')).toHaveLength(1);
  });

  it('serves its store on channels other peers open', async () => {
    const { peer } = createSwarm(['ana', 'ben']);
    const record = await shareFile(memorySource('song.ogg', randomBytes(2000)), peer('ben').store);
    const link = await peer('ana').pool.linkTo('ben');
    expect(await link.requestManifest(record.contentId)).toEqual(record.manifest);
    expect(peer('ben').served).toEqual([
      { type: 'manifest-served', peerId: 'ana', contentId: record.contentId, fileName: 'song.ogg' },
    ]);
  });

  it('forgets a closed link and connects again next time', async () => {
    const { network, peer } = createSwarm(['ana', 'ben']);
    const first = await peer('ana').pool.linkTo('ben');
    network.killChannelsBetween('ana', 'ben');
    await waitUntil(() => !peer('ana').pool.connectedPeerIds().includes('ben'), 'the closed link was forgotten');
    const second = await peer('ana').pool.linkTo('ben');
    expect(second).not.toBe(first);
    expect(second.isOpen).toBe(true);
  });

  it('rejects with PEER_UNREACHABLE when the peer is offline', async () => {
    const { network, peer } = createSwarm(['ana', 'ben']);
    network.killPeer('ben');
    const error = await rejectionOf(peer('ana').pool.linkTo('ben'));
    expect(error).toBeInstanceOf(ShoalError);
    expect((error as ShoalError).code).toBe('PEER_UNREACHABLE');
  });

  it('closes every link when closed', async () => {
    const { peer } = createSwarm(['ana', 'ben', 'cleo']);
    const links = await Promise.all([peer('ana').pool.linkTo('ben'), peer('ana').pool.linkTo('cleo')]);
    peer('ana').pool.close();
    expect(links.every((link) => !link.isOpen)).toBe(true);
    expect(((await rejectionOf(peer('ana').pool.linkTo('ben'))) as ShoalError).code).toBe('CANCELLED');
  });

  it('tells every peer that asked about a file of a chunk it stores, on links either side opened', async () => {
    const { peer } = createSwarm(['ana', 'ben', 'cleo', 'dave']);
    const record = await shareFile(memorySource('song.ogg', randomBytes(2000)), peer('ana').store);
    const heard: string[] = [];
    for (const id of ['ben', 'cleo', 'dave']) {
      const link = await peer(id).pool.linkTo('ana');
      link.onHaveChunk((contentId, index) => contentId === record.contentId && heard.push(`${id}:${index}`));
    }
    await (await peer('ben').pool.linkTo('ana')).requestHave(record.contentId);
    await (await peer('cleo').pool.linkTo('ana')).requestHave(record.contentId);

    peer('ana').pool.announceChunk(record.contentId, 3);

    await waitUntil(() => heard.length === 2, 'both interested peers heard');
    await (await peer('dave').pool.linkTo('ana')).requestManifest(record.contentId);
    expect(heard.sort()).toEqual(['ben:3', 'cleo:3']);
  });
});
