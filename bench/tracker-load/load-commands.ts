/** The commands the load benchmark's child processes answer (see ipc-channel.ts), one list per kind
 * (type aliases, not interfaces, so they fit ChildChannel's `Record<string, …>` constraint). */

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  /** Heap the V8 has committed (used or not); with RSS it tells heap from native memory. */
  heapTotalBytes?: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

export type TrackerCommands = {
  address: { args: Record<string, never>; result: { url: string; nodeId: string } };
  memory: { args: Record<string, never>; result: MemorySample };
  /** Writes a V8 heap snapshot (after a full GC) to `path`, for peer-memory.ts to sum by constructor. */
  heapSnapshot: { args: { path: string }; result: { path: string } };
  /** Event-loop delay and GC pauses since the previous call (peer-memory.ts reads the stalls behind the relay tail). */
  stalls: { args: Record<string, never>; result: StallSample };
};

export interface StallSample {
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** Pauses of 10 ms or more, by kind (minor, major, incremental, weakcb), as `kind:ms`. */
  longGcPauses: string[];
}

/** How many of a batch went through, and the first refusal or error, if any. */
export interface BatchOutcome {
  done: number;
  failed: number;
  firstError?: string;
}

export interface WorkerStatus {
  /** Sockets of the held population still connected. */
  open: number;
  joined: number;
  /** Connections that closed without the worker asking, since it started, and why (a few). */
  dropped: number;
  dropReasons: string[];
  /** Peer-list deltas received by all its sockets. */
  deltasReceived: number;
  /** Whole peer lists its sockets received after their first (the tracker had lost pushes). */
  listsResent: number;
}

export interface ProbeJoin {
  /** Epoch ms (Date.now(), comparable across processes) just before the join request went out. */
  sentAtMs: number;
  /** When the probe's own join ack came back. */
  ackAtMs: number;
}

export interface SignalLatencies {
  /** Sender to receiver through the tracker(s), ms, per signal delivered. */
  relayMs: number[];
  /** The same peers' `challenge` request and its ack, ms: the transport's round trip, no relay. */
  roundTripMs: number[];
  lost: number;
}

export interface SearchLoad {
  completed: number;
  failed: number;
  firstError?: string;
  /** Latency of every completed search, ms. */
  latenciesMs: number[];
  elapsedMs: number;
}

export type WorkerCommands = {
  /** Generates the worker's key pairs before anything is timed. */
  prepare: { args: { workerIndex: number; identities: number }; result: { ms: number } };
  /** Opens `count` more held connections, spread over `urls` in turn, `concurrency` at a time. */
  connect: { args: { urls: string[]; count: number; concurrency: number }; result: BatchOutcome };
  /** Challenge, sign and join on every held connection not yet joined. */
  join: { args: { concurrency: number }; result: BatchOutcome };
  status: { args: Record<string, never>; result: WorkerStatus };
  /** Joins one more peer named `name` (connection opened first, untimed) and times its join. */
  probe: { args: { url: string; name: string }; result: ProbeJoin };
  /** How many held peers have seen the probe `name` join, and when the last of them did (epoch ms). */
  probeSeen: { args: { name: string }; result: { count: number; lastAtMs: number } };
  /** Disconnects the probe `name`. */
  probeLeave: { args: { name: string }; result: Record<string, never> };
  /** `pairs` sender/receiver peers (sender on fromUrl, receiver on toUrl); each pair sends `signalsPerPair`, one per `intervalMs`. */
  signalLatency: {
    args: { fromUrl: string; toUrl: string; pairs: number; signalsPerPair: number; intervalMs: number };
    result: SignalLatencies;
  };
  /** `peers` peers on `url` each announce `filesPerPeer` files; names come from file-names.ts, numbered from `firstFile`. */
  share: { args: { url: string; peers: number; filesPerPeer: number; firstFile: number }; result: { files: number } };
  /** `searchers` peers (spread over `urls`) search back to back for `durationMs`, cycling through `queries`. */
  searchLoad: { args: { urls: string[]; searchers: number; durationMs: number; queries: string[] }; result: SearchLoad };
};
