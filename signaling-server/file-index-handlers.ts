/** Socket requests about the file index: announce, withdraw, search and holders. */
import {
  announceRequestSchema,
  holdersRequestSchema,
  searchRequestSchema,
  searchTextOf,
  withdrawRequestSchema,
} from '../shared/protocol';
import type { PeerBroadcasts } from './peer-broadcasts';
import { clampLimit } from './search';
import type { RequestRouter } from './socket-requests';
import type { TrackerStore } from './store/tracker-store';

export function handleFileIndex(router: RequestRouter, store: TrackerStore, broadcasts: PeerBroadcasts): void {
  async function afterIndexChange(peerId: string, changedNames: readonly string[]): Promise<void> {
    broadcasts.announceIndexChanged(changedNames);
    // The peer's file count in the peer list changed too: one delta per request, however many files.
    await broadcasts.filesChanged(peerId);
  }

  router.onPeer('announce', announceRequestSchema, async ({ files }, { peer, afterReply }) => {
    // A re-announce may rename a file, and a new holder changes results found under other names.
    const earlierNames = await store.fileNamesOf(files.map((file) => file.contentId));
    await store.announce(peer.id, files);
    // As search matches them: a new folder reaches queries that find it only by an inner name.
    const changedNames = [...new Set([...earlierNames, ...files.map(searchTextOf)])];
    afterReply(() => afterIndexChange(peer.id, changedNames));
    return { ok: true };
  });

  router.onPeer('withdraw', withdrawRequestSchema, async ({ contentIds }, { peer, afterReply }) => {
    // Read before they go: every name these content ids are found under, by any holder.
    const changedNames = await store.fileNamesOf(contentIds);
    const withdrawn = await store.withdraw(peer.id, contentIds);
    if (withdrawn > 0) afterReply(() => afterIndexChange(peer.id, changedNames));
    return { ok: true };
  });

  router.onPeer('search', searchRequestSchema, async ({ query, limit, offset }, { socket }) => {
    broadcasts.searched(socket, query);
    const page = await store.search({ query, limit: clampLimit(limit), offset });
    return { ok: true, total: page.total, results: page.results };
  });

  router.onPeer('holders', holdersRequestSchema, async ({ contentId }) => {
    return { ok: true, file: await store.holdersOf(contentId) };
  });
}
