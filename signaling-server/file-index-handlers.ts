/** Socket requests about the file index: announce, withdraw, search and holders. */
import {
  announceRequestSchema,
  holdersRequestSchema,
  searchRequestSchema,
  withdrawRequestSchema,
} from '../shared/protocol';
import type { PeerBroadcasts } from './peer-broadcasts';
import { clampLimit } from './search';
import { onPeerRequest } from './socket-requests';
import type { RequestDoor } from './socket-requests';
import type { TrackerStore } from './store/tracker-store';

export function handleFileIndex(door: RequestDoor, store: TrackerStore, broadcasts: PeerBroadcasts): void {
  async function afterIndexChange(): Promise<void> {
    broadcasts.announceIndexChanged();
    // File counts in the peer list changed too.
    await broadcasts.pushPeers();
  }

  onPeerRequest(door, 'announce', announceRequestSchema, async ({ files }, { peer, afterReply }) => {
    await store.announce(peer.id, files);
    afterReply(afterIndexChange);
    return { ok: true };
  });

  onPeerRequest(door, 'withdraw', withdrawRequestSchema, async ({ contentIds }, { peer, afterReply }) => {
    const withdrawn = await store.withdraw(peer.id, contentIds);
    if (withdrawn > 0) afterReply(afterIndexChange);
    return { ok: true };
  });

  onPeerRequest(door, 'search', searchRequestSchema, async ({ query, limit, offset }) => {
    const page = await store.search({ query, limit: clampLimit(limit), offset });
    return { ok: true, total: page.total, results: page.results };
  });

  onPeerRequest(door, 'holders', holdersRequestSchema, async ({ contentId }) => {
    return { ok: true, file: await store.holdersOf(contentId) };
  });
}
