/**
 * What tests and simulations may tune in a download: intervals, grace periods and caps. Hosts pass
 * nothing and get transfer-policy.ts, where each default's reason is written.
 */
import {
  HOLDER_POLL_INTERVAL_MS,
  HOLDER_RETRY_BACKOFF_MS,
  LINKS_PER_DOWNLOAD_MAX,
  LINKS_PER_PEER,
  MULTI_LINK_RTT_MIN_MS,
  PATH_REFRESH_INTERVAL_MS,
  PEERS_PER_DOWNLOAD_MAX,
  PROGRESS_INTERVAL_MS,
  STARVED_GRACE_MS,
} from './transfer-policy';

export interface DownloadTuning {
  /** Progress reaches listeners at most this often (PROGRESS_INTERVAL_MS). */
  progressIntervalMs: number;
  /** The holder list is asked for again this often, and a manifest retried (HOLDER_POLL_INTERVAL_MS). */
  holderPollIntervalMs: number;
  /** A failed holder's first back-off (HOLDER_RETRY_BACKOFF_MS). */
  holderRetryBackoffMs: number;
  /** How long connected peers with nothing to send pass before 'waiting' (STARVED_GRACE_MS). */
  starvedGraceMs: number;
  /** Holders fetched from at once (PEERS_PER_DOWNLOAD_MAX). */
  peersMax: number;
  /** How often the holders' connection paths are read again (PATH_REFRESH_INTERVAL_MS). */
  pathRefreshIntervalMs: number;
  /** Connections to one holder on a long round trip (LINKS_PER_PEER), to all together
   * (LINKS_PER_DOWNLOAD_MAX), and that round trip (MULTI_LINK_RTT_MIN_MS). */
  linksPerPeer: number;
  linksPerDownloadMax: number;
  multiLinkRttMinMs: number;
  /** Breaks rarest-first ties. */
  random: () => number;
}

export function downloadTuning(overrides: Partial<DownloadTuning> = {}): DownloadTuning {
  return {
    progressIntervalMs: PROGRESS_INTERVAL_MS,
    holderPollIntervalMs: HOLDER_POLL_INTERVAL_MS,
    holderRetryBackoffMs: HOLDER_RETRY_BACKOFF_MS,
    starvedGraceMs: STARVED_GRACE_MS,
    peersMax: PEERS_PER_DOWNLOAD_MAX,
    pathRefreshIntervalMs: PATH_REFRESH_INTERVAL_MS,
    linksPerPeer: LINKS_PER_PEER,
    linksPerDownloadMax: LINKS_PER_DOWNLOAD_MAX,
    multiLinkRttMinMs: MULTI_LINK_RTT_MIN_MS,
    random: Math.random,
    ...overrides,
  };
}
