/**
 * The tracker's Prometheus metrics (prom-client), in a registry of its own per tracker so several
 * trackers in one process (tests, the cluster) never share or collide, each labelled with its
 * node id. Counters are recorded by the socket observer (metrics-socket-observer.ts), the
 * connection cap and the REST rate limit; gauges are read when Prometheus scrapes.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOINED_ROOM } from './socket-types';
import type { TrackerServer } from './socket-types';
import type { TrackerStore } from './store/tracker-store';

/**
 * Latency buckets in seconds: a search or relay normally takes well under a millisecond, and the
 * issue's budget is a p99 under 20 ms; past a second something is badly wrong.
 */
const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** How finely the event-loop delay is sampled; prom-client's own default. */
const EVENT_LOOP_RESOLUTION_MS = 10;

export interface TrackerMetricsOptions {
  /** The `node` label on every metric: which tracker process answered the scrape. */
  nodeId: string;
  store: TrackerStore;
  io: TrackerServer;
}

export interface TrackerMetrics {
  readonly registry: Registry;
  joined(): void;
  left(): void;
  searched(durationMs: number): void;
  signalRelayed(durationMs: number): void;
  connectionRefused(): void;
  /** A socket request or REST call refused with RATE_LIMITED; `event` is the socket event or `rest`. */
  rateLimited(event: string): void;
  /** The scrape text, in Prometheus's exposition format. */
  scrape(): Promise<string>;
  readonly contentType: string;
  /** Stops sampling the event loop. */
  close(): void;
}

export function createTrackerMetrics({ nodeId, store, io }: TrackerMetricsOptions): TrackerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  const registers = [registry];

  const joins = new Counter({ name: 'shoal_joins_total', help: 'Peers that joined through this process', registers });
  const leaves = new Counter({ name: 'shoal_leaves_total', help: 'Joined peers whose connection to this process ended', registers });
  const searches = new Counter({ name: 'shoal_searches_total', help: 'Searches this process answered', registers });
  const signals = new Counter({ name: 'shoal_signals_relayed_total', help: 'WebRTC signals this process relayed', registers });
  const refused = new Counter({
    name: 'shoal_connections_refused_total',
    help: 'Connections refused for exceeding SHOAL_MAX_CONNECTIONS_PER_IP',
    registers,
  });
  const rateLimited = new Counter({
    name: 'shoal_rate_limited_total',
    help: 'Requests refused with RATE_LIMITED, by socket event (or "rest" for the REST API)',
    labelNames: ['event'],
    registers,
  });
  const searchSeconds = new Histogram({
    name: 'shoal_search_duration_seconds',
    help: 'From a search arriving to its answer being sent',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const relaySeconds = new Histogram({
    name: 'shoal_signal_relay_duration_seconds',
    help: 'From a signal arriving to it being handed on to its receiver and acknowledged',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });

  new Gauge({
    name: 'shoal_peers_online',
    help: 'Joined peers connected to this process',
    registers,
    collect() {
      this.set(io.of('/').adapter.rooms.get(JOINED_ROOM)?.size ?? 0);
    },
  });
  new Gauge({
    name: 'shoal_connections',
    help: 'Socket.IO connections open to this process, joined or not',
    registers,
    collect() {
      this.set(io.engine.clientsCount);
    },
  });
  // One read of the store per scrape feeds both network-wide gauges.
  let networkStats: Promise<{ peers: number; files: number }> | undefined;
  const readNetworkStats = (): Promise<{ peers: number; files: number }> => {
    networkStats ??= store.stats().finally(() => {
      networkStats = undefined;
    });
    return networkStats;
  };
  new Gauge({
    name: 'shoal_network_peers_online',
    help: 'Peers online in the whole network, as the shared store counts them (the same on every process)',
    registers,
    async collect() {
      this.set((await readNetworkStats()).peers);
    },
  });
  new Gauge({
    name: 'shoal_files_indexed',
    help: 'Distinct files (content ids) in the index, network-wide (the same on every process)',
    registers,
    async collect() {
      this.set((await readNetworkStats()).files);
    },
  });

  const eventLoopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  eventLoopDelay.enable();
  new Gauge({
    name: 'shoal_event_loop_lag_seconds',
    help: 'Event-loop delay since the previous scrape: median (p50), 99th percentile (p99) and largest (max)',
    labelNames: ['stat'],
    registers,
    collect() {
      // Before the first sample the histogram reads NaN: report 0 rather than an invalid value.
      const seconds = (ns: number): number => (Number.isFinite(ns) ? ns / 1e9 : 0);
      this.set({ stat: 'p50' }, seconds(eventLoopDelay.percentile(50)));
      this.set({ stat: 'p99' }, seconds(eventLoopDelay.percentile(99)));
      this.set({ stat: 'max' }, seconds(eventLoopDelay.max));
      eventLoopDelay.reset();
    },
  });

  return {
    registry,
    joined: () => joins.inc(),
    left: () => leaves.inc(),
    searched: (durationMs) => {
      searches.inc();
      searchSeconds.observe(durationMs / 1000);
    },
    signalRelayed: (durationMs) => {
      signals.inc();
      relaySeconds.observe(durationMs / 1000);
    },
    connectionRefused: () => refused.inc(),
    rateLimited: (event) => rateLimited.inc({ event }),
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
    close: () => eventLoopDelay.disable(),
  };
}
