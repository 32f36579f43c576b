/**
 * FOR TESTS: one test's swarm of peer nodes on memory parts against a real tracker — the tracker on
 * a free port and a memory network made before each test, every node started during it stopped
 * after it, then the tracker closed. Call useNodeSwarm once at the top of a test file (it registers
 * the hooks) and take the tracker, the network and the nodes from what it returns.
 */
import { afterEach, beforeEach } from 'vitest';
import { createTracker, type RunningTracker, type TrackerOptions } from '../../../signaling-server/app';
import { MemoryChunkStore, MemoryNetwork } from '../../engine/testing';
import type { PeerNode, PeerNodeOptions } from '../peer-node';
import { memoryPeerNode, type MemoryNodeParts } from './memory-parts';

/** A node's parts beyond the swarm's tracker and network; a fresh memory store unless given. */
export type SwarmNodeParts = Partial<Omit<MemoryNodeParts, 'trackerUrl' | 'network'>>;

export interface NodeSwarm {
  /** The running tracker (the one startTracker made last). */
  readonly tracker: RunningTracker;
  readonly network: MemoryNetwork;
  /** Closes the running tracker, if open, and starts another: other limits, or the same port again. */
  startTracker(options?: TrackerOptions): Promise<RunningTracker>;
  /** Closes the tracker (the nodes notice as from a crash); afterwards only startTracker brings one back. */
  closeTracker(): Promise<void>;
  /** A started node, not yet connected; stopped after the test. */
  startNode(parts?: SwarmNodeParts, options?: PeerNodeOptions): Promise<PeerNode<undefined>>;
  /** A node connected and joined under `name` (within 5 s); stopped after the test. */
  joinedNode(name: string, parts?: SwarmNodeParts, options?: PeerNodeOptions): Promise<PeerNode<undefined>>;
}

/** Every tracker is local, on a free port, without the web app. */
const TEST_TRACKER: TrackerOptions = { host: '127.0.0.1', port: 0, staticDir: null };

/** `nodeOptions`: what every node of the file starts with (a node's own options are laid over it). */
export function useNodeSwarm(nodeOptions: PeerNodeOptions = {}): NodeSwarm {
  let tracker: RunningTracker | undefined;
  let isTrackerOpen = false;
  let network = new MemoryNetwork();
  const started: PeerNode[] = [];

  const closeTracker = async (): Promise<void> => {
    if (!isTrackerOpen) return;
    isTrackerOpen = false;
    await tracker?.close();
  };

  const swarm: NodeSwarm = {
    get tracker() {
      if (tracker === undefined) throw new Error('No tracker: the swarm starts one before each test');
      return tracker;
    },
    get network() {
      return network;
    },
    async startTracker(options = {}) {
      await closeTracker();
      tracker = await createTracker({ ...TEST_TRACKER, ...options });
      isTrackerOpen = true;
      return tracker;
    },
    closeTracker,
    async startNode(parts = {}, options = {}) {
      const node = await memoryPeerNode(
        { store: new MemoryChunkStore(), ...parts, trackerUrl: swarm.tracker.url, network },
        { ...nodeOptions, ...options },
      );
      started.push(node);
      return node;
    },
    async joinedNode(name, parts = {}, options = {}) {
      const node = await swarm.startNode(parts, options);
      await node.connect(AbortSignal.timeout(5_000));
      await node.joinFirst({ name });
      return node;
    },
  };

  beforeEach(async () => {
    network = new MemoryNetwork();
    await swarm.startTracker();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((node) => node.stop().catch(() => undefined)));
    await closeTracker();
  });
  return swarm;
}
