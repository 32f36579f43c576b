/**
 * Builds and starts one tracker: Fastify for the REST API and the web app, Socket.IO on the same
 * HTTP server for peers. `main.ts` runs it for people; tests and e2e start many on port 0.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import Fastify from 'fastify';
import { Server } from 'socket.io';
import { useZodSchemas, type ZodTypeProvider } from '../shared/fastify/zod-fastify';
import { registerAdminApi } from './admin-api';
import { TrustedProxies } from './client-address';
import { capConnectionsPerAddress } from './connection-cap';
import { MemoryConnectionCounter } from './connection-cap-counter';
import { recordConnectionOrigins } from './connection-origin';
import { RedisConnectionCounter } from './connection-cap-redis';
import type { ConnectionCounter } from './connection-cap-counter';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_STATIC_DIR,
  HEARTBEAT,
  MAX_MESSAGE_BYTES,
  RATE_LIMITS,
  REST_RATE_LIMIT,
} from './config';
import type { BucketPolicy, RateLimitPolicy } from './config';
import type { IceConfig } from './env-config';
import { NO_ICE_SERVERS, createIceServerIssuer } from './ice-servers';
import { httpUrl } from './listen-urls';
import { createTrackerMetrics } from './metrics';
import { registerMetricsRoute } from './metrics-route';
import { observeSocketRequests } from './metrics-socket-observer';
import { joinCluster } from './cluster/cluster-node';
import type { NodeLivenessTiming } from './cluster/node-liveness';
import { createPeerBroadcasts } from './peer-broadcasts';
import { createPeerEviction } from './peer-eviction';
import { requireNetworkKeyForApi } from './rest-access';
import { installTrackerErrorHandler } from './rest-errors';
import { registerRestApi } from './rest-api';
import { limitRestRequests } from './rest-rate-limit';
import { addSecurityHeaders } from './security-headers';
import { attachSocketHandlers } from './socket-handlers';
import type { TrackerLog, TrackerServer } from './socket-types';
import { serveWebApp } from './static-site';
import { openTrackerStores } from './store/open-tracker-stores';
import type { RegistrationStore } from './store/registration-store';
import type { TrackerStore } from './store/tracker-store';

export interface TrackerOptions {
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  port?: number;
  /** Interface to bind. Default 0.0.0.0 (every interface); tests use 127.0.0.1. */
  host?: string;
  /** Heartbeat; defaults in config.ts meet the 15 s dead-peer budget. Tests shorten them. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Built web app to serve (needs an index.html); default `<repo>/dist`; null serves none. */
  staticDir?: string | null;
  /** Other origins allowed to open Socket.IO connections, e.g. the Vite dev server `http://localhost:5173`. */
  corsOrigins?: string[];
  /** Tracker state; default a fresh in-memory store, or a RedisTrackerStore with `redisUrl`. */
  store?: TrackerStore;
  /** This tracker process's id, recorded on the peers it holds; default a random UUID. */
  nodeId?: string;
  /**
   * Directory for durable data: name registrations and bans go to `registrations.db` in it (SQLite).
   * Without it (and without `registrations`) they live in memory and end with the tracker.
   */
  dataDir?: string;
  /** Name registrations and bans; overrides `dataDir` and `redisUrl`. The caller closes a store it passes in. */
  registrations?: RegistrationStore;
  /**
   * REDIS_URL: keep the tracker state, registrations and bans (those not passed in) in this Redis,
   * shared by every tracker process on it. Opening fails with a clear error when it is unreachable.
   */
  redisUrl?: string;
  /** Prefix of the tracker's keys in Redis, one network per prefix; default 'shoal:'. Tests vary it. */
  redisKeyPrefix?: string;
  /** When set, joins and the REST API (header X-Shoal-Network-Key) need this key. */
  networkKey?: string;
  /** When set, turns on the admin REST API under /api/admin for `Authorization: Bearer <token>`. */
  adminToken?: string;
  /** PEM certificate and key: serve HTTPS and WSS instead of HTTP and WS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Per-connection request budgets; defaults in config.ts. Tests tighten them. */
  rateLimits?: Partial<RateLimitPolicy>;
  /** REST requests per client IP address; default in config.ts. */
  restRateLimit?: BucketPolicy;
  /** ICE servers for peers: static ones and TURN with per-peer credentials; default none. */
  ice?: IceConfig;
  /** Where joins, leaves and unexpected errors are reported; default silent. */
  log?: TrackerLog;
  /** Peers per page of the list a joining peer receives; default in config.ts. Tests make it small. */
  peerListPageSize?: number;
  /** Batching window of peer-list changes after the first (PEER_DELTA_WINDOW_MS); tests shorten or lengthen it. */
  peerDeltaWindowMs?: number;
  /** Quiet period between two 'index-changed' pushes to one peer; default in config.ts. Tests shorten it. */
  indexChangedMinIntervalMs?: number;
  /** With `redisUrl`: heartbeat timing of the tracker processes; defaults in cluster/node-liveness.ts. Tests shorten it. */
  nodeLiveness?: Partial<NodeLivenessTiming>;
  /**
   * Most Socket.IO connections one client address may hold (SHOAL_MAX_CONNECTIONS_PER_IP; `npm start`
   * applies its default). Unset or 0: no cap, as tests and benchmarks open many from 127.0.0.1.
   */
  maxConnectionsPerAddress?: number;
  /** Reverse proxies whose X-Forwarded-For names the client (SHOAL_TRUSTED_PROXIES); default none. */
  trustedProxies?: TrustedProxies;
  /**
   * Where connections per address are counted: default this process's memory; several processes
   * share a RedisConnectionCounter. The caller closes a counter it passes in.
   */
  connectionCounter?: ConnectionCounter;
}

export interface RunningTracker {
  /** Base URL to open, e.g. `http://127.0.0.1:41234` (`localhost` when bound to every interface; https with TLS). */
  url: string;
  /** Whether it serves HTTPS and WSS. */
  isTls: boolean;
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  host: string;
  /** Whether a built web app is being served. */
  isServingWebApp: boolean;
  /** This process's node id, as recorded on the peers it holds. */
  nodeId: string;
  /** Disconnects every peer and frees the port; safe to call more than once. */
  close(): Promise<void>;
}

const silentLog: TrackerLog = { info: () => undefined, error: () => undefined };

export async function createTracker(options: TrackerOptions = {}): Promise<RunningTracker> {
  const host = options.host ?? DEFAULT_HOST;
  // Redis with a Redis URL, else embedded (see store/open-tracker-stores.ts).
  const stores = await openTrackerStores(options);
  const { store, registrations } = stores;
  const log = options.log ?? silentLog;
  const nodeId = options.nodeId ?? randomUUID();
  const { tls, networkKey, adminToken } = options;
  const isTls = tls !== undefined;
  const trustedProxies = options.trustedProxies ?? new TrustedProxies();
  const maxConnectionsPerAddress = options.maxConnectionsPerAddress ?? 0;
  // Counted across every process on the same Redis, else in this process.
  const connectionCounter =
    options.connectionCounter ??
    (options.redisUrl !== undefined && maxConnectionsPerAddress > 0
      ? await RedisConnectionCounter.connect(options.redisUrl, { nodeId, keyPrefix: options.redisKeyPrefix })
      : new MemoryConnectionCounter());

  const app = Fastify({
    logger: false,
    // request.ip (the REST rate limit's key) follows the same trusted-proxy rule as the connection cap.
    trustProxy: (address: string) => trustedProxies.isTrusted(address),
    serverFactory: (handler) => (tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler)),
  }).withTypeProvider<ZodTypeProvider>();
  useZodSchemas(app);
  installTrackerErrorHandler(app, log);
  await addSecurityHeaders(app, { isTls });
  // Before the key check, so guessing the network key or admin token counts against the limit.
  limitRestRequests(app, options.restRateLimit ?? REST_RATE_LIMIT);
  requireNetworkKeyForApi(app, networkKey);
  await registerRestApi(app, { store, startedAtMs: Date.now() });
  const isServingWebApp = await serveWebApp(app, options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir);

  const io: TrackerServer = new Server(app.server, {
    pingInterval: options.pingIntervalMs ?? HEARTBEAT.pingIntervalMs,
    pingTimeout: options.pingTimeoutMs ?? HEARTBEAT.pingTimeoutMs,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // The web app bundles socket.io-client itself.
    serveClient: false,
    ...(options.corsOrigins !== undefined && options.corsOrigins.length > 0
      ? { cors: { origin: options.corsOrigins } }
      : {}),
  });
  // First of the Engine.IO listeners: it drops each handshake request once the address is read.
  const origins = recordConnectionOrigins(io, trustedProxies);
  const metrics = createTrackerMetrics({ nodeId, store, io });
  registerMetricsRoute(app, { metrics, adminToken });
  if (maxConnectionsPerAddress > 0) {
    const onRefused = (): void => metrics.connectionRefused();
    capConnectionsPerAddress(io, { counter: connectionCounter, maxPerAddress: maxConnectionsPerAddress, origins, log, onRefused });
  }
  // With Redis this process is one node of several: rooms, pushes and liveness go through Redis too.
  const cluster =
    options.redisUrl === undefined
      ? undefined
      : await joinCluster(io, nodeId, { url: options.redisUrl, keyPrefix: options.redisKeyPrefix, liveness: options.nodeLiveness }, log);
  const broadcasts = createPeerBroadcasts(
    io,
    store,
    options.peerListPageSize,
    { minIntervalMs: options.indexChangedMinIntervalMs },
    cluster?.pushRelay,
    options.peerDeltaWindowMs,
  );
  await cluster?.watchNodes(store, broadcasts);
  const router = attachSocketHandlers(io, {
    store,
    registrations,
    broadcasts,
    networkKey,
    rateLimits: { ...RATE_LIMITS, ...options.rateLimits },
    iceServers: createIceServerIssuer(options.ice ?? NO_ICE_SERVERS),
    log,
    nodeId,
  });
  observeSocketRequests(io, router, metrics);
  registerAdminApi(app, {
    adminToken,
    registrations,
    store,
    eviction: createPeerEviction(io, store, broadcasts, log),
  });

  // Every TCP connection, HTTP or upgraded to WebSocket, so close() can end them all at once.
  const connections = new Set<Socket>();
  app.server.on('connection', (connection: Socket) => {
    connections.add(connection);
    connection.once('close', () => connections.delete(connection));
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // io.close() drops every socket without a Socket.IO disconnect packet, so browsers reconnect
      // by themselves when a tracker comes back. It waits for the HTTP server to close, which
      // waits for every connection: a frozen peer would hold it for ws's 30 s close timeout, so
      // connections are destroyed rather than politely closed.
      broadcasts.close();
      const ioClosed = io.close();
      for (const connection of connections) connection.destroy();
      await ioClosed;
      await cluster?.close(store, broadcasts);
      await app.close();
      await stores.close();
      if (options.connectionCounter === undefined) await connectionCounter.close();
      metrics.close();
    })();
    return closing;
  };

  try {
    await app.listen({ port: options.port ?? DEFAULT_PORT, host });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  return { url: httpUrl(host, port, isTls ? 'https' : 'http'), isTls, port, host, isServingWebApp, nodeId, close };
}
