import { describe, expect, it } from 'vitest';
import { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT } from '../shared/protocol';
import type { FileAnnouncement, SearchAck } from '../shared/protocol';
import { fileNamed } from './test-support/fixtures';
import { useTracker } from './test-support/tracker-harness';
import type { JoinedPeer } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

function resultNames(ack: SearchAck): string[] {
  if (!ack.ok) throw new Error(`Search failed: ${ack.error.message}`);
  return ack.results.map((result) => result.name);
}

async function announce(peer: JoinedPeer, files: FileAnnouncement[]): Promise<void> {
  expect(await peer.socket.emitWithAck('announce', { files })).toEqual({ ok: true });
}

describe('announcing and withdrawing files', () => {
  const harness = useTracker();

  it('makes announced files searchable, tells a peer searching for them the index changed and updates file counts', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    expect(resultNames(await bo.socket.emitWithAck('search', { query: 'holiday' }))).toEqual([]);
    const file = fileNamed('holiday.zip', { mimeType: 'application/zip' });
    await announce(ana, [file]);

    await waitFor(() => bo.pushes.indexChanged === 1, 'index-changed at Bo');
    await bo.waitForPeers((peers) => peers.find((peer) => peer.id === ana.id)?.files === 1, 'Ana to count 1 file');
    const found = await bo.socket.emitWithAck('search', { query: 'holiday' });
    expect(found).toEqual({ ok: true, total: 1, results: [{ ...file, holders: [{ id: ana.id, name: 'Ana' }] }] });
  });

  it('fills in the default mime type when a file has none', async () => {
    const ana = await harness.join('Ana');
    const { mimeType: _omitted, ...withoutMime } = fileNamed('notes');
    expect(await ana.socket.emitWithAck('announce', { files: [withoutMime] })).toEqual({ ok: true });
    const ack = await ana.socket.emitWithAck('holders', { contentId: withoutMime.contentId });
    expect(ack.ok && ack.file?.mimeType).toBe('application/octet-stream');
  });

  it('removes withdrawn files and tells a peer whose search finds them', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    expect(resultNames(await bo.socket.emitWithAck('search', { query: 'dropped' }))).toEqual([]);
    const [kept, dropped] = [fileNamed('kept.txt'), fileNamed('dropped.txt')];
    await announce(ana, [kept, dropped]);
    await waitFor(() => bo.pushes.indexChanged === 1, 'the announce at Bo');

    expect(resultNames(await bo.socket.emitWithAck('search', { query: 'dropped' }))).toEqual(['dropped.txt']);
    expect(await ana.socket.emitWithAck('withdraw', { contentIds: [dropped.contentId] })).toEqual({ ok: true });
    await waitFor(() => bo.pushes.indexChanged === 2, 'the withdraw at Bo');
    await bo.waitForPeers((peers) => peers.find((peer) => peer.id === ana.id)?.files === 1, 'Ana to count 1 file');
    expect(resultNames(await bo.socket.emitWithAck('search', { query: '' }))).toEqual(['kept.txt']);
  });

  it('removes a leaving peer’s files and tells a peer searching for them the index changed', async () => {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    expect(resultNames(await bo.socket.emitWithAck('search', { query: '' }))).toEqual([]);
    await announce(ana, [fileNamed('leaving.txt')]);
    await waitFor(() => bo.pushes.indexChanged === 1, 'the announce at Bo');

    ana.socket.disconnect();
    await waitFor(() => bo.pushes.indexChanged === 2, 'index-changed after Ana left');
    expect(await bo.socket.emitWithAck('search', { query: '' })).toEqual({ ok: true, total: 0, results: [] });
  });
});

describe('searching over the socket', () => {
  const harness = useTracker();

  async function twoSharingPeers(): Promise<{ ana: JoinedPeer; bo: JoinedPeer; shared: FileAnnouncement }> {
    const ana = await harness.join('Ana');
    const bo = await harness.join('Bo');
    const shared = fileNamed('Ubuntu 24.04 desktop.iso');
    await announce(ana, [shared, fileNamed('Holiday Photos.zip'), fileNamed('budget 2024.xlsx')]);
    await announce(bo, [{ ...shared, name: 'ubuntu.iso' }, fileNamed('photos of cats.ZIP')]);
    return { ana, bo, shared };
  }

  it('lists every file for a blank query, sorted by name', async () => {
    const { ana } = await twoSharingPeers();
    expect(resultNames(await ana.socket.emitWithAck('search', { query: '' }))).toEqual([
      'budget 2024.xlsx',
      'Holiday Photos.zip',
      'photos of cats.ZIP',
      'Ubuntu 24.04 desktop.iso',
    ]);
    expect(await ana.socket.emitWithAck('search', {})).toMatchObject({ ok: true, total: 4 });
  });

  it('matches every word of the query, ignoring case', async () => {
    const { ana } = await twoSharingPeers();
    expect(resultNames(await ana.socket.emitWithAck('search', { query: 'PHOTOS zip' }))).toEqual([
      'Holiday Photos.zip',
      'photos of cats.ZIP',
    ]);
    expect(resultNames(await ana.socket.emitWithAck('search', { query: 'photos holiday' }))).toEqual(['Holiday Photos.zip']);
    expect(resultNames(await ana.socket.emitWithAck('search', { query: 'photos tar' }))).toEqual([]);
  });

  it('groups one content id into one result listing every holder', async () => {
    const { ana, bo, shared } = await twoSharingPeers();
    const ack = await bo.socket.emitWithAck('search', { query: 'ubuntu' });
    expect(ack).toEqual({
      ok: true,
      total: 1,
      results: [{ ...shared, holders: [{ id: ana.id, name: 'Ana' }, { id: bo.id, name: 'Bo' }] }],
    });
    expect(await bo.socket.emitWithAck('holders', { contentId: shared.contentId })).toEqual({
      ok: true,
      file: ack.ok ? ack.results[0] : undefined,
    });
  });

  it('answers holders with null for a content id nobody online holds', async () => {
    const { ana } = await twoSharingPeers();
    expect(await ana.socket.emitWithAck('holders', { contentId: fileNamed('x').contentId })).toEqual({ ok: true, file: null });
  });

  it('pages results with limit and offset and reports the total', async () => {
    const ana = await harness.join('Ana');
    await announce(ana, Array.from({ length: 7 }, (_, index) => fileNamed(`part ${index + 1}.bin`)));
    const pages = await Promise.all(
      [0, 3, 6].map((offset) => ana.socket.emitWithAck('search', { query: 'part', limit: 3, offset })),
    );
    expect(pages.map(resultNames)).toEqual([
      ['part 1.bin', 'part 2.bin', 'part 3.bin'],
      ['part 4.bin', 'part 5.bin', 'part 6.bin'],
      ['part 7.bin'],
    ]);
    expect(pages.map((page) => page.ok && page.total)).toEqual([7, 7, 7]);
  });

  it(`returns ${SEARCH_DEFAULT_LIMIT} results by default and refuses a limit over ${SEARCH_MAX_LIMIT}`, async () => {
    const ana = await harness.join('Ana');
    const files = Array.from({ length: SEARCH_DEFAULT_LIMIT + 20 }, (_, index) => fileNamed(`file ${index}`));
    await announce(ana, files);
    const ack = await ana.socket.emitWithAck('search', { query: '' });
    expect(ack.ok && [ack.total, ack.results.length]).toEqual([files.length, SEARCH_DEFAULT_LIMIT]);
    expect(await ana.socket.emitWithAck('search', { query: '', limit: SEARCH_MAX_LIMIT + 1 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
