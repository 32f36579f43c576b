/**
 * A load-generator process of the tracker load benchmark: it holds a share of the simulated peers
 * (see load-peer.ts) and runs what the coordinator asks (load-commands.ts). Key pairs are made by
 * `prepare`, before anything is timed. Times that are compared across processes are epoch ms
 * (Date.now(), one clock for the whole machine); times within this process use performance.now().
 */
import { ANNOUNCE_MAX_FILES } from '../../shared/protocol/limits';
import { newIdentity } from '../../signaling-server/test-support/identities';
import type { TestIdentity } from '../../signaling-server/test-support/identities';
import { benchFileAt } from './file-names';
import { serveCommands } from './ipc-channel';
import type { WorkerCommands } from './load-commands';
import { ACK_TIMEOUT_MS, forEachLimited, joinPeer, openSocket } from './load-peer';
import type { LoadPeer } from './load-peer';
import { measureSignalLatency } from './signal-pairs';

const PROBE_PREFIX = 'probe-';
const MAX_DROP_REASONS = 5;
/** Peers a worker sets up for a side task (sharers, searchers, signal pairs), this many at once. */
const SETUP_CONCURRENCY = 10;

let workerIndex = 0;
let identities: TestIdentity[] = [];
let nextIdentity = 0;
let nextName = 0;
const held: LoadPeer[] = [];
const probes = new Map<string, LoadPeer>();
const probeSeen = new Map<string, { peers: Set<LoadPeer>; lastAtMs: number }>();
let dropped = 0;
const dropReasons: string[] = [];
let deltasReceived = 0;
/** Whole peer lists received after a peer's first: the tracker resending instead of deltas it lost. */
let listsResent = 0;

function takeIdentity(): TestIdentity {
  const identity = identities[nextIdentity++];
  if (identity === undefined) throw new Error(`worker ${workerIndex} ran out of its ${identities.length} prepared key pairs`);
  return identity;
}

/** A connected peer with the next free key and name; drops (closes not asked for) are counted. */
async function newPeer(url: string, name = `w${workerIndex}-${nextName++}`): Promise<LoadPeer> {
  const identity = takeIdentity();
  const peer: LoadPeer = { socket: await openSocket(url), identity, name, isClosing: false };
  peer.socket.on('disconnect', (reason) => {
    if (peer.isClosing) return;
    dropped += 1;
    if (dropReasons.length < MAX_DROP_REASONS) dropReasons.push(`${peer.name}: ${reason}`);
  });
  return peer;
}

/**
 * Held peers note when each probe's join first reaches them: as a delta, or inside a whole list the
 * tracker resends when it lost pushes (Redis pub/sub after a reconnection; see redis-push-relay.ts).
 */
function watchPeerList(peer: LoadPeer): void {
  const sawProbe = (name: string): void => {
    if (!name.startsWith(PROBE_PREFIX)) return;
    const seen = probeSeen.get(name) ?? { peers: new Set<LoadPeer>(), lastAtMs: 0 };
    if (seen.peers.has(peer)) return;
    seen.peers.add(peer);
    seen.lastAtMs = Math.max(seen.lastAtMs, Date.now());
    probeSeen.set(name, seen);
  };
  let snapshotsBegun = 0;
  peer.socket.on('peers-delta', (push) => {
    deltasReceived += 1;
    if ('joined' in push) sawProbe(push.joined.name);
  });
  peer.socket.on('peers-deltas', (push) => {
    deltasReceived += 1;
    for (const delta of push.deltas) if ('joined' in delta) sawProbe(delta.joined.name);
  });
  peer.socket.on('peers-snapshot', (push) => {
    if (push.page === 0 && ++snapshotsBegun > 1) listsResent += 1;
    for (const summary of push.peers) sawProbe(summary.name);
  });
}

/** A joined peer for a side task; it stays until the stage's processes are killed. */
async function newJoinedHelper(url: string): Promise<LoadPeer> {
  const peer = await newPeer(url);
  await joinPeer(peer);
  return peer;
}

serveCommands<WorkerCommands>({
  async prepare(args) {
    workerIndex = args.workerIndex;
    const started = performance.now();
    identities = [];
    for (let index = 0; index < args.identities; index += 1) identities.push(await newIdentity());
    return { ms: performance.now() - started };
  },

  async connect({ urls, count, concurrency }) {
    const slots = Array.from({ length: count }, (_, index) => urls[(held.length + index) % urls.length]!);
    return forEachLimited(slots, concurrency, async (url) => {
      const peer = await newPeer(url);
      watchPeerList(peer);
      held.push(peer);
    });
  },

  async join({ concurrency }) {
    const waiting = held.filter((peer) => peer.peerId === undefined && peer.socket.connected);
    return forEachLimited(waiting, concurrency, async (peer) => {
      await joinPeer(peer);
    });
  },

  async status() {
    const open = held.filter((peer) => peer.socket.connected);
    return {
      open: open.length,
      joined: open.filter((peer) => peer.peerId !== undefined).length,
      dropped,
      dropReasons: [...dropReasons],
      deltasReceived,
      listsResent,
    };
  },

  async probe({ url, name }) {
    if (!name.startsWith(PROBE_PREFIX)) throw new Error(`a probe's name starts with '${PROBE_PREFIX}'`);
    const peer = await newPeer(url, name);
    probes.set(name, peer);
    let sentAtMs = 0;
    await joinPeer(peer, () => {
      sentAtMs = Date.now();
    });
    return { sentAtMs, ackAtMs: Date.now() };
  },

  async probeSeen({ name }) {
    const seen = probeSeen.get(name);
    return { count: seen?.peers.size ?? 0, lastAtMs: seen?.lastAtMs ?? 0 };
  },

  async probeLeave({ name }) {
    const peer = probes.get(name);
    if (peer !== undefined) {
      peer.isClosing = true;
      peer.socket.disconnect();
    }
    probes.delete(name);
    probeSeen.delete(name);
    return {};
  },

  async signalLatency({ fromUrl, toUrl, pairs, signalsPerPair, intervalMs }) {
    const senders: LoadPeer[] = [];
    const receivers: LoadPeer[] = [];
    const setup = await forEachLimited(Array.from({ length: pairs }, (_, index) => index), SETUP_CONCURRENCY, async () => {
      senders.push(await newJoinedHelper(fromUrl));
      receivers.push(await newJoinedHelper(toUrl));
    });
    if (setup.failed > 0) throw new Error(`signal pairs: ${setup.failed} of ${pairs} could not join: ${setup.firstError}`);
    const pairsReady = senders.map((sender, index) => ({ sender, receiver: receivers[index]! }));
    return measureSignalLatency(pairsReady, signalsPerPair, intervalMs);
  },

  async share({ url, peers, filesPerPeer, firstFile }) {
    let files = 0;
    const outcome = await forEachLimited(Array.from({ length: peers }, (_, index) => index), SETUP_CONCURRENCY, async (sharer) => {
      const peer = await newJoinedHelper(url);
      for (let offset = 0; offset < filesPerPeer; offset += ANNOUNCE_MAX_FILES) {
        const first = firstFile + sharer * filesPerPeer + offset;
        const batch = Array.from({ length: Math.min(ANNOUNCE_MAX_FILES, filesPerPeer - offset) }, (_, index) => benchFileAt(first + index));
        const ack = await peer.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('announce', { files: batch });
        if (!ack.ok) throw new Error(`announce refused: ${ack.error.code} ${ack.error.message}`);
        files += batch.length;
      }
    });
    if (outcome.failed > 0) throw new Error(`share: ${outcome.failed} of ${peers} sharers failed: ${outcome.firstError}`);
    return { files };
  },

  async searchLoad({ urls, searchers, durationMs, queries }) {
    const peers: LoadPeer[] = [];
    const setup = await forEachLimited(Array.from({ length: searchers }, (_, index) => index), SETUP_CONCURRENCY, async (index) => {
      peers.push(await newJoinedHelper(urls[index % urls.length]!));
    });
    if (setup.failed > 0) throw new Error(`search load: ${setup.failed} of ${searchers} searchers could not join: ${setup.firstError}`);
    const latenciesMs: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    let nextQuery = workerIndex * 7919;
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      peers.map(async (peer) => {
        while (performance.now() < deadline) {
          const query = queries[nextQuery++ % queries.length]!;
          const sentAt = performance.now();
          try {
            const ack = await peer.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('search', { query, limit: 50 });
            if (!ack.ok) throw new Error(`search refused: ${ack.error.code} ${ack.error.message}`);
            latenciesMs.push(performance.now() - sentAt);
          } catch (error) {
            failed += 1;
            firstError ??= error instanceof Error ? error.message : String(error);
          }
        }
      }),
    );
    return { completed: latenciesMs.length, failed, latenciesMs, elapsedMs: performance.now() - started, ...(firstError === undefined ? {} : { firstError }) };
  },
});
