/**
 * Whether a fetch is moving, or stuck and why, read from its parts: what is in flight, being
 * written or waiting for the download limit, and which holders are connected or still connecting.
 * waiting-watch.ts turns the answer into the status a person sees.
 */
import type { FetchPeer } from './fetch-peers';
import type { FetchCondition } from './waiting-watch';

export interface FetchActivity {
  isDone: boolean;
  /** Requests in flight, chunks being checked and stored, or a wait for the download limit. */
  isBusy: boolean;
  /** Until the first holder list is in, having no peer means nothing yet. */
  hasHolderList: boolean;
  peers: Iterable<FetchPeer>;
}

export function fetchCondition(activity: FetchActivity): FetchCondition {
  if (activity.isDone || activity.isBusy || !activity.hasHolderList) return 'moving';
  let hasConnected = false;
  for (const peer of activity.peers) {
    if (peer.links === undefined && !peer.isRetry) return 'moving'; // a new holder is connecting
    if (peer.links !== undefined) hasConnected = true;
  }
  return hasConnected ? 'nothing-to-fetch' : 'no-peer';
}
