/**
 * How a download's holders are connected, in words both hosts show: the browser's transfer row,
 * `shoal get`'s progress and the peer's REST API. "ana (direct, 12 ms)", "ben (relayed, 85 ms)".
 */
import type { FetchingPeer } from './peer-paths';
import type { ConnectionPath } from './transport';

/** "direct, 12 ms", "relayed", or undefined while the path is not known yet. */
export function describePath(path: ConnectionPath | undefined): string | undefined {
  if (path === undefined) return undefined;
  return path.rttMs === undefined ? path.kind : `${path.kind}, ${Math.round(path.rttMs)} ms`;
}

/** "ana (direct, 12 ms)", or just the name while its path is not known. */
export function describeFetchingPeer(peer: FetchingPeer): string {
  const path = describePath(peer.path);
  return path === undefined ? peer.name : `${peer.name} (${path})`;
}

/** "From ana (direct, 12 ms), ben (relayed, 85 ms)"; undefined when fetching from nobody. */
export function describeFetchingPeers(peers: readonly FetchingPeer[]): string | undefined {
  return peers.length === 0 ? undefined : `From ${peers.map(describeFetchingPeer).join(', ')}`;
}
