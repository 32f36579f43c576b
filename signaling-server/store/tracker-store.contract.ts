/**
 * The behaviour every TrackerStore must show. An implementation's test file calls
 * `describeTrackerStoreContract('RedisStore', (options) => new RedisStore(...))` and must pass all of it.
 */
import { describe, expect, it } from 'vitest';
import { FOLDER_MIME_TYPE, SEARCH_MAX_LIMIT, ShoalError } from '../../shared/protocol';
import type { ErrorCode } from '../../shared/protocol';
import { fileNamed, peerNamed, summaryOf } from '../test-support/fixtures';
import type { TrackerStore, TrackerStoreOptions } from './tracker-store';

export type MakeStore = (options?: TrackerStoreOptions) => TrackerStore | Promise<TrackerStore>;

async function expectShoalError(promise: Promise<unknown>, code: ErrorCode): Promise<ShoalError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ShoalError);
  expect((error as ShoalError).code).toBe(code);
  return error as ShoalError;
}

const everything = { query: '', limit: SEARCH_MAX_LIMIT, offset: 0 };

export function describeTrackerStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} (TrackerStore contract)`, () => {
    describe('peers', () => {
      it('registers a peer and finds it by id', async () => {
        const store = await makeStore();
        const ana = peerNamed('Ana');
        await store.addPeer(ana);
        expect(await store.getPeer(ana.id)).toEqual(ana);
        expect(await store.getPeer('nobody')).toBeUndefined();
      });

      it('refuses a name an online peer holds, whatever its case, with an actionable message', async () => {
        const store = await makeStore();
        await store.addPeer(peerNamed('Ana'));
        const error = await expectShoalError(store.addPeer(peerNamed('aNA')), 'NAME_TAKEN');
        expect(error.message).toBe("Name 'aNA' is taken — choose another");
        expect(error.details).toEqual({ peerName: 'aNA' });
        expect((await store.stats()).peers).toBe(1);
      });

      it('lets exactly one of two simultaneous claims of a name win', async () => {
        const store = await makeStore();
        const outcomes = await Promise.allSettled([store.addPeer(peerNamed('Bo')), store.addPeer(peerNamed('BO'))]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect((await store.listPeers()).map((peer) => peer.name.toLowerCase())).toEqual(['bo']);
      });

      it('frees a name when its holder leaves', async () => {
        const store = await makeStore();
        const ana = peerNamed('Ana');
        await store.addPeer(ana);
        await store.removePeer(ana.id);
        await expect(store.addPeer(peerNamed('ana'))).resolves.toBeUndefined();
      });

      it('lists online peers by name with how many files each shares', async () => {
        const store = await makeStore();
        const [cy, ana, bo] = [peerNamed('cy'), peerNamed('Ana'), peerNamed('bo')];
        for (const peer of [cy, ana, bo]) await store.addPeer(peer);
        await store.announce(bo.id, [fileNamed('a.txt'), fileNamed('b.txt')]);
        expect(await store.listPeers()).toEqual([summaryOf(ana, 0), summaryOf(bo, 2), summaryOf(cy, 0)]);
      });

      it('shows one online peer as the list does, and nothing for a peer that left', async () => {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        await store.announce(bo.id, [fileNamed('a.txt')]);
        expect(await store.peerSummary(bo.id)).toEqual(summaryOf(bo, 1));
        await store.removePeer(bo.id);
        expect(await store.peerSummary(bo.id)).toBeUndefined();
        expect(await store.peerSummary(ana.id)).toEqual(summaryOf(ana, 0));
      });

      it('removes a peer with all its files and reports how many went', async () => {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        const shared = fileNamed('shared.iso');
        await store.announce(ana.id, [shared, fileNamed('only-ana.txt')]);
        await store.announce(bo.id, [shared]);

        const removed = await store.removePeer(ana.id);
        expect(removed).toEqual({ peer: ana, fileCount: 2, fileNames: expect.any(Array) });
        expect(removed?.fileNames.toSorted()).toEqual(['only-ana.txt', 'shared.iso']);
        expect(await store.getPeer(ana.id)).toBeUndefined();
        expect((await store.search(everything)).results.map((file) => file.name)).toEqual(['shared.iso']);
        expect((await store.holdersOf(shared.contentId))?.holders).toEqual([{ id: bo.id, name: 'Bo' }]);
        expect(await store.removePeer(ana.id)).toBeUndefined();
      });

      it("reports a removed folder under the text search matches (its name and inner names), so live queries on an inner name hear of it", async () => {
        const store = await makeStore();
        const ana = peerNamed('Ana');
        await store.addPeer(ana);
        const folder = fileNamed('Summer trip', { folder: { fileCount: 2, innerNames: ['beach.jpg', 'map.png'] } });
        await store.announce(ana.id, [folder]);
        expect(await store.fileNamesOf([folder.contentId])).toEqual(['Summer trip\nbeach.jpg\nmap.png']);
        expect((await store.removePeer(ana.id))?.fileNames).toEqual(['Summer trip\nbeach.jpg\nmap.png']);
      });

      it("removes every peer of one tracker process, with their files, and no other process's peers", async () => {
        const store = await makeStore();
        const [ana, bo, cy] = [peerNamed('Ana', 'node-a'), peerNamed('Bo', 'node-a'), peerNamed('Cy', 'node-b')];
        for (const peer of [ana, bo, cy]) await store.addPeer(peer);
        const shared = fileNamed('shared.iso');
        await store.announce(ana.id, [shared, fileNamed('only-ana.txt')]);
        await store.announce(cy.id, [{ ...shared, name: 'copy.iso' }]);

        const removed = await store.removePeersOfNode('node-a');
        expect(removed.map((gone) => gone.peer.name).toSorted()).toEqual(['Ana', 'Bo']);
        expect(removed.find((gone) => gone.peer.id === ana.id)).toMatchObject({ peer: ana, fileCount: 2 });
        expect(removed.find((gone) => gone.peer.id === ana.id)?.fileNames.toSorted()).toEqual(['copy.iso', 'only-ana.txt', 'shared.iso']);
        expect(await store.listPeers()).toEqual([summaryOf(cy, 1)]);
        expect((await store.search(everything)).results.map((file) => file.name)).toEqual(['copy.iso']);
        await expect(store.addPeer(peerNamed('ana', 'node-b'))).resolves.toBeUndefined();
        expect(await store.removePeersOfNode('node-a')).toEqual([]);
      });
    });

    describe('announce and withdraw', () => {
      it('refuses files from a peer that is not online', async () => {
        const store = await makeStore();
        await expectShoalError(store.announce('ghost', [fileNamed('x.txt')]), 'PEER_NOT_FOUND');
        expect(await store.stats()).toEqual({ peers: 0, files: 0 });
      });

      it('replaces a re-announced content id instead of counting it twice', async () => {
        const store = await makeStore();
        const ana = peerNamed('Ana');
        await store.addPeer(ana);
        const file = fileNamed('draft.txt');
        await store.announce(ana.id, [file]);
        await store.announce(ana.id, [{ ...file, name: 'final.txt' }]);
        expect((await store.listPeers())[0]?.files).toBe(1);
        expect((await store.holdersOf(file.contentId))?.name).toBe('final.txt');
      });

      it('refuses an announce past the per-peer file limit and keeps the earlier files', async () => {
        const store = await makeStore({ maxFilesPerPeer: 3 });
        const ana = peerNamed('Ana');
        await store.addPeer(ana);
        const kept = [fileNamed('1'), fileNamed('2')];
        await store.announce(ana.id, kept);
        await expectShoalError(store.announce(ana.id, [fileNamed('3'), fileNamed('4')]), 'QUOTA_EXCEEDED');
        expect((await store.search(everything)).results.map((file) => file.name)).toEqual(['1', '2']);
        await expect(store.announce(ana.id, [kept[0]!, fileNamed('3')])).resolves.toBeUndefined();
      });

      it('names every name a content id is shared under, by any peer, and none for unknown ids', async () => {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        const shared = fileNamed('report.pdf');
        await store.announce(ana.id, [shared, fileNamed('other.txt')]);
        await store.announce(bo.id, [{ ...shared, name: 'notes.pdf' }]);
        expect((await store.fileNamesOf([shared.contentId, fileNamed('nobody').contentId])).toSorted()).toEqual(['notes.pdf', 'report.pdf']);
        expect(await store.fileNamesOf([])).toEqual([]);
      });

      it('withdraws only what the peer holds and says how many', async () => {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        const [mine, theirs] = [fileNamed('mine.txt'), fileNamed('theirs.txt')];
        await store.announce(ana.id, [mine]);
        await store.announce(bo.id, [theirs]);
        expect(await store.withdraw(ana.id, [mine.contentId, theirs.contentId, mine.contentId])).toBe(1);
        expect((await store.search(everything)).results.map((file) => file.name)).toEqual(['theirs.txt']);
        await expectShoalError(store.withdraw('ghost', [mine.contentId]), 'PEER_NOT_FOUND');
      });

      it('counts distinct files held by online peers', async () => {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        const shared = fileNamed('shared.iso');
        await store.announce(ana.id, [shared, fileNamed('a')]);
        await store.announce(bo.id, [shared]);
        expect(await store.stats()).toEqual({ peers: 2, files: 2 });
      });
    });

    describe('search and holders', () => {
      async function storeWithFiles(): Promise<{ store: TrackerStore; anaId: string; boId: string }> {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        await store.announce(ana.id, [fileNamed('Holiday Photos 2024.zip'), fileNamed('report-q3.pdf')]);
        await store.announce(bo.id, [fileNamed('photos of cats.zip'), fileNamed('Report-Q4.PDF')]);
        return { store, anaId: ana.id, boId: bo.id };
      }

      it('lists every file, sorted by name, for a blank query', async () => {
        const { store } = await storeWithFiles();
        const page = await store.search({ query: '  ', limit: 10, offset: 0 });
        expect(page.total).toBe(4);
        expect(page.results.map((file) => file.name)).toEqual([
          'Holiday Photos 2024.zip',
          'photos of cats.zip',
          'report-q3.pdf',
          'Report-Q4.PDF',
        ]);
      });

      it('needs every word of the query, in any case', async () => {
        const { store } = await storeWithFiles();
        const page = await store.search({ query: 'PHOTOS zip  holi', limit: 10, offset: 0 });
        expect(page.results.map((file) => file.name)).toEqual(['Holiday Photos 2024.zip']);
        expect((await store.search({ query: 'report pdf', limit: 10, offset: 0 })).total).toBe(2);
        expect((await store.search({ query: 'nothing-like-this', limit: 10, offset: 0 })).total).toBe(0);
      });

      it('groups one content id into one result with every holder, showing the first name announced', async () => {
        const store = await makeStore();
        const [ana, bo] = [peerNamed('Ana'), peerNamed('Bo')];
        await store.addPeer(ana);
        await store.addPeer(bo);
        const file = fileNamed('movie.mkv');
        await store.announce(ana.id, [file]);
        await store.announce(bo.id, [{ ...file, name: 'my film.mkv' }]);

        const byFirstName = await store.search({ query: 'movie', limit: 10, offset: 0 });
        const byLaterName = await store.search({ query: 'film', limit: 10, offset: 0 });
        expect(byFirstName).toEqual(byLaterName);
        expect(byFirstName).toEqual({
          total: 1,
          results: [{ ...file, holders: [{ id: ana.id, name: 'Ana' }, { id: bo.id, name: 'Bo' }] }],
        });
        expect(await store.holdersOf(file.contentId)).toEqual(byFirstName.results[0]);
      });

      it('pages with offset and limit and reports the total', async () => {
        const { store } = await storeWithFiles();
        const first = await store.search({ query: '', limit: 3, offset: 0 });
        const rest = await store.search({ query: '', limit: 3, offset: 3 });
        expect([first.total, rest.total]).toEqual([4, 4]);
        expect(first.results).toHaveLength(3);
        expect(rest.results.map((file) => file.name)).toEqual(['Report-Q4.PDF']);
        expect((await store.search({ query: '', limit: 3, offset: 10 })).results).toEqual([]);
      });

      it('answers null for a content id nobody online holds', async () => {
        const { store, anaId } = await storeWithFiles();
        const file = fileNamed('leaving.txt');
        await store.announce(anaId, [file]);
        expect(await store.holdersOf(fileNamed('unknown').contentId)).toBeNull();
        await store.removePeer(anaId);
        expect(await store.holdersOf(file.contentId)).toBeNull();
      });

      it('hands out copies, so changing a result cannot change the index', async () => {
        const { store } = await storeWithFiles();
        const page = await store.search(everything);
        page.results[0]!.name = 'changed';
        page.results[0]!.holders.length = 0;
        const peers = await store.listPeers();
        peers[0]!.files = 99;
        expect((await store.search(everything)).results[0]?.name).toBe('Holiday Photos 2024.zip');
        expect((await store.search(everything)).results[0]?.holders).toHaveLength(1);
        expect((await store.listPeers())[0]?.files).toBe(2);
      });

      it('finds a folder by its name and by the names of files inside it, and says how many files it holds', async () => {
        const { store, anaId } = await storeWithFiles();
        const folder = fileNamed('Summer trip', {
          mimeType: FOLDER_MIME_TYPE,
          folder: { fileCount: 3, innerNames: ['beach-sunset.jpg', 'itinerary.txt', 'map.png'] },
        });
        await store.announce(anaId, [folder]);
        const { folder: _innerNames, ...shown } = folder;
        const expected = { ...shown, fileCount: 3, holders: [{ id: anaId, name: 'Ana' }] };
        expect(await store.search({ query: 'summer', limit: 10, offset: 0 })).toEqual({ total: 1, results: [expected] });
        expect(await store.search({ query: 'SUNSET beach', limit: 10, offset: 0 })).toEqual({ total: 1, results: [expected] });
        // Words may come from the folder's name and an inner name together.
        expect((await store.search({ query: 'trip itinerary', limit: 10, offset: 0 })).total).toBe(1);
        expect((await store.search({ query: 'sunset itinerary-x', limit: 10, offset: 0 })).total).toBe(0);
        expect(await store.holdersOf(folder.contentId)).toEqual(expected);
        await store.withdraw(anaId, [folder.contentId]);
        expect((await store.search({ query: 'sunset', limit: 10, offset: 0 })).total).toBe(0);
      });

      it("says a folder's total size when its announcement carries it", async () => {
        const { store, anaId } = await storeWithFiles();
        const folder = fileNamed('Field recordings', {
          mimeType: FOLDER_MIME_TYPE,
          folder: { fileCount: 2, totalSize: 7_340_032, innerNames: ['dawn.wav', 'dusk.wav'] },
        });
        await store.announce(anaId, [folder]);
        const found = await store.search({ query: 'dusk', limit: 10, offset: 0 });
        expect(found.results.map((result) => [result.name, result.fileCount, result.totalSize])).toEqual([['Field recordings', 2, 7_340_032]]);
        expect((await store.holdersOf(folder.contentId))?.totalSize).toBe(7_340_032);
      });
    });
  });
}
