/** The tracker's policy constants and defaults; env-config.ts reads the environment variables that override some. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<repo>/signaling-server/`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `vite build` writes the web app the tracker serves. */
export const DEFAULT_STATIC_DIR = resolve(REPO_ROOT, 'dist');

export const DEFAULT_PORT = 8080;

/** Every interface, so phones and laptops on the same network can open the app. */
export const DEFAULT_HOST = '0.0.0.0';

export interface HeartbeatPolicy {
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

/**
 * Socket.IO pings each peer every `pingIntervalMs` and drops it when no pong arrives within
 * `pingTimeoutMs`. A peer that freezes right after a pong is dropped by interval + timeout = 10 s,
 * inside the 15 s budget for removing a closed, crashed, frozen or cut-off peer with its files.
 * The server sends the pings and a pong is a reply to a received message, not a timer, so
 * background-tab timer throttling does not make a healthy tab look dead.
 */
export const HEARTBEAT: HeartbeatPolicy = { pingIntervalMs: 5_000, pingTimeoutMs: 5_000 };

/** Removal budget the heartbeat must meet; kept here so a test can hold HEARTBEAT to it. */
export const DEAD_PEER_REMOVAL_BUDGET_MS = 15_000;

/**
 * Largest Socket.IO message. The biggest legitimate one is an announce of 500 files (~250 KB) or
 * a 64 KiB signal; 1 MB leaves headroom while capping what one message can make the tracker hold.
 */
export const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * Files one peer may have in the index at once. Generous for a person sharing a folder, but it
 * stops one misbehaving client from filling the tracker's memory by announcing in a loop.
 */
export const PEER_MAX_FILES = 10_000;

/**
 * Peers per page of the peer list a joining peer receives: 500 summaries are ~100 KB, well under
 * MAX_MESSAGE_BYTES, and a 10,000-peer network arrives in 20 pushes.
 */
export const PEER_LIST_PAGE_SIZE = 500;

/**
 * Peer-list changes after the first reach each peer at most once per this window, batched
 * (delta-batches.ts): a burst of joins costs each peer about two pushes a second, not one per join.
 * Half a second adds at most that to when a join is seen, which a peer list never notices.
 */
export const PEER_DELTA_WINDOW_MS = 500;

/**
 * A peer hears 'index-changed' at most once per this period, and re-runs its search on it. A
 * 10,000-file rejoin (20 announces) or a burst of peers leaving thus costs each interested peer
 * one refresh, not one per change; a change inside the quiet period is pushed at its end, never
 * dropped. Two seconds is short enough that new shares still seem to appear at once.
 */
export const INDEX_CHANGED_MIN_INTERVAL_MS = 2_000;

/**
 * Matching a change against live queries costs live queries × changed names substring checks.
 * Past this many names (a large announce, a big sharer leaving) the tracker stops checking and
 * tells every peer with a live query (still at most once per interval): 10,000 queries × 100
 * names is a million short substring checks, tens of milliseconds, about the most one event should
 * hold the tracker's one thread for. A person sharing a few files stays far below it.
 */
export const INDEX_CHANGED_MAX_NAMES_CHECKED = 100;

/**
 * With REDIS_URL, how long one Redis command may take. Redis answers in well under a millisecond,
 * so this only trips in an outage: then a join or announce fails within seconds with TIMEOUT
 * instead of hanging, while ioredis keeps reconnecting in the background.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * With REDIS_URL, how long removing a peer keeps retrying through a Redis outage before it gives
 * up. A peer left in Redis behind a closed connection would hold its name, and nobody else would
 * remove it while its tracker process lives; 30 s rides out a Redis restart or a failover.
 */
export const REDIS_REMOVAL_RETRY_WINDOW_MS = 30_000;

/**
 * Entries kept in the Redis change stream that feeds each process's search replica. A process
 * reads it within milliseconds; one that falls further behind (paused, cut off) reloads a full
 * snapshot instead. An entry is one join, leave, withdrawal or announce (at most 500 files, about
 * 200 bytes each), so 10,000 entries hold the last seconds of a mass rejoin: usually a few MB in
 * Redis, 1 GB at worst (every entry a full announce).
 */
export const CHANGE_STREAM_MAX_ENTRIES = 10_000;

/** How long `npm start` waits for a clean shutdown before exiting anyway. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** The SQLite file under DATA_DIR that holds name registrations and bans. */
export const REGISTRATIONS_DB_FILE = 'registrations.db';

/**
 * An admin token short enough to guess is worse than none: it opens revocation and bans to anyone.
 * 16 characters is the floor; `openssl rand -hex 32` makes a good one.
 */
export const ADMIN_TOKEN_MIN_CHARS = 16;

/** A token bucket: `capacity` requests at once, then `refillPerSecond` on average. */
export interface BucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

/** Per-connection request budgets; a request over budget gets RATE_LIMITED and changes nothing. */
export interface RateLimitPolicy {
  /** `challenge` and `join` together. */
  join: BucketPolicy;
  search: BucketPolicy;
  /** `announce` and `withdraw` together. */
  share: BucketPolicy;
  holders: BucketPolicy;
  signal: BucketPolicy;
  /** `ice-servers`: renewing TURN credentials. */
  iceServers: BucketPolicy;
}

/**
 * REST calls per client IP address across /api: a burst of 60, then 5 a second. Scripts and health
 * checks stay far below it; someone guessing the network key or the admin token is held to 5 tries
 * a second. Behind a reverse proxy every caller shares the proxy's address, and so this budget,
 * unless the proxy is listed in SHOAL_TRUSTED_PROXIES.
 */
export const REST_RATE_LIMIT: BucketPolicy = { capacity: 60, refillPerSecond: 5 };

/**
 * Socket.IO connections one client address may hold at once, across every tracker process. Each
 * browser tab or CLI peer is one connection, so 20 covers a household or small office behind one
 * NAT with room to spare, while one address can no longer open thousands of connections (each with
 * its own rate-limit budget). Networks whose users share addresses widely (carrier-grade NAT, a
 * campus) should raise it; behind a reverse proxy list it in SHOAL_TRUSTED_PROXIES, or every client
 * counts as the proxy's address. 0 turns the cap off.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 20;

/** Past this many addresses tracked, idle ones (full buckets) are forgotten, so memory stays bounded. */
export const REST_RATE_LIMIT_MAX_ADDRESSES = 10_000;

export const RATE_LIMITS: RateLimitPolicy = {
  // A join is two requests (challenge + join); a person retrying a taken name a few times fits in
  // the burst, while guessing a network key or hammering ECDSA verification is held to one try per 5 s.
  join: { capacity: 10, refillPerSecond: 0.4 },
  // Clients re-run their search on an index-changed push, which reaches a peer at most once per
  // INDEX_CHANGED_MIN_INTERVAL_MS; people typing fill the burst of 40. A search costs about its answer
  // (search/file-index.ts), but a query of only 1-2 letter words still scans every file, so the
  // steady rate stays low.
  search: { capacity: 40, refillPerSecond: 10 },
  // A peer sharing PEER_MAX_FILES re-announces them in 20 batches of ANNOUNCE_MAX_FILES on rejoin.
  share: { capacity: 40, refillPerSecond: 10 },
  // One lookup per download start and per failover; a queue of downloads starts many at once.
  holders: { capacity: 60, refillPerSecond: 20 },
  // Each WebRTC connection trickles an offer, an answer and a few dozen ICE candidates, and a
  // download may open several connections at once.
  signal: { capacity: 300, refillPerSecond: 100 },
  // A peer renews once per credential lifetime (at least a minute); a few retries after a dropped
  // answer fit in the burst. Each renewal is an HMAC, cheap, but there is no reason to allow more.
  iceServers: { capacity: 5, refillPerSecond: 0.1 },
};

/**
 * TURN credentials last a day unless the operator says otherwise: peers renew them well before
 * (see ICE_RENEW_AT_FRACTION in shared/tracker-client), so the lifetime only bounds how long a
 * credential copied out of a browser stays good.
 */
export const DEFAULT_TURN_TTL_SECONDS = 86_400;
/** Shorter and peers would renew every few seconds; longer and a leaked credential lives on for weeks. */
export const TURN_TTL_MIN_SECONDS = 60;
export const TURN_TTL_MAX_SECONDS = 7 * 86_400;

/**
 * Every peer is given a username and its HMAC, so anyone can try secrets offline against one;
 * a secret this long (`openssl rand -hex 32` makes a good one) keeps that out of reach.
 */
export const TURN_SECRET_MIN_CHARS = 16;
