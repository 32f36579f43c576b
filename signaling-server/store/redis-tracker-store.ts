/**
 * TrackerStore on Redis, for several tracker processes sharing one network.
 *
 * Redis is the truth: online peers (with the node id of the process holding each socket), each
 * peer's files, holders per content id and the names in use, written by the Lua scripts of
 * redis-tracker-scripts.ts, each atomic (so two processes can never both claim a name). Peer
 * reads (getPeer, listPeers, peerSummary, stats) go to Redis.
 *
 * Search stays indexed, costing what the answer costs: each process keeps a replica of the file
 * index in memory (IndexState, the embedded store's trigram FileIndex plus holder names), built
 * from a snapshot at start and kept current from the Redis stream of changes that every write
 * appends to in the same script (IndexReplica). All processes apply the stream in its order, own
 * writes included, so they converge on one index; a write returns once this process's replica
 * has applied it (or, if the replica is cut off, after the command timeout: the write stands), so a
 * process reads its own writes at once and other processes' writes within a stream round trip
 * (about a millisecond on one host). search, holdersOf and fileNamesOf read the replica;
 * removePeer's file names are read by its script, before the files go.
 *
 * While Redis is unreachable, calls fail within seconds with ShoalError `TIMEOUT` (see
 * redis-connection.ts), except removePeer, which keeps trying for a while so no peer is left behind
 * holding its name; searches keep answering from the replica as it last was, and the replica
 * reloads a snapshot once Redis is back.
 */
import type { Redis } from 'ioredis';
import { ShoalError } from '../../shared/protocol';
import type { FileAnnouncement, PeerSummary, SearchResult } from '../../shared/protocol';
import { comparePeers } from '../../shared/protocol/peer-order';
import { PEER_MAX_FILES, REDIS_REMOVAL_RETRY_WINDOW_MS } from '../config';
import { connectRedis, withRedis } from './redis-connection';
import { IndexReplica } from './redis-index-replica';
import { encodePeerEnvelope, parsePeerEnvelope } from './redis-peer-envelope';
import { ADD_PEER, ANNOUNCE, LIST_PEERS, REMOVE_PEER, WITHDRAW } from './redis-tracker-scripts';
import { nameKey } from './peer-names';
import type {
  IndexStats,
  PeerRecord,
  RemovedPeer,
  SearchPage,
  SearchQuery,
  TrackerStore,
  TrackerStoreOptions,
} from './tracker-store';

/** Prefix of every key the tracker keeps in Redis; one network per prefix. */
export const DEFAULT_KEY_PREFIX = 'shoal:';

/** Peers removed concurrently by removePeersOfNode: pipelined, without one huge blocking script. */
const REMOVALS_IN_FLIGHT = 100;

export interface RedisTrackerStoreOptions extends TrackerStoreOptions {
  /** redis://host:port[/db] */
  url: string;
  /** Key prefix; tests give each store its own, so stores on one Redis do not see each other. */
  keyPrefix?: string;
}

type ScriptReply = [string, ...unknown[]];

/** A removal as its script reported it: the peer, and the change number to wait for. */
interface Removal {
  removed: RemovedPeer;
  seq: number;
}

/** Between two tries of a removal while Redis is unreachable. */
const REMOVAL_RETRY_DELAY_MS = 500;

export class RedisTrackerStore implements TrackerStore {
  private isClosed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly replica: IndexReplica,
    private readonly prefix: string,
    private readonly maxFilesPerPeer: number,
  ) {}

  /** Connects (failing clearly when Redis is unreachable) and loads the search replica. */
  static async open(options: RedisTrackerStoreOptions): Promise<RedisTrackerStore> {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const redis = await connectRedis(options.url, { connectionName: 'shoal-tracker' });
    let reader: Redis | undefined;
    try {
      reader = await connectRedis(options.url, { connectionName: 'shoal-tracker-changes', isBlocking: true });
      const replica = await IndexReplica.start(redis, reader, prefix);
      return new RedisTrackerStore(redis, replica, prefix, options.maxFilesPerPeer ?? PEER_MAX_FILES);
    } catch (error) {
      redis.disconnect();
      reader?.disconnect();
      throw error;
    }
  }

  async addPeer(peer: PeerRecord): Promise<void> {
    const key = nameKey(peer.name);
    let reply: ScriptReply;
    try {
      reply = await this.run(ADD_PEER, [peer.id, key, encodePeerEnvelope(peer, key), peer.nodeId, peer.name]);
    } catch (error) {
      // Redis may have run the script before the connection failed: the caller takes the join as
      // refused, so take the (fresh, random) id back out once Redis answers, freeing the name.
      void this.removeWithRetry(peer.id).catch(() => undefined);
      throw error;
    }
    if (reply[0] === 'NAME_TAKEN') throw new ShoalError('NAME_TAKEN', `Name '${peer.name}' is taken — choose another`, { peerName: peer.name });
    if (reply[0] === 'BAD_REQUEST') throw new ShoalError('BAD_REQUEST', `Peer id ${peer.id} is already in use`);
    await this.replica.waitApplied(Number(reply[1]));
  }

  async getPeer(id: string): Promise<PeerRecord | undefined> {
    const envelope = await withRedis(() => this.redis.hget(`${this.prefix}peers`, id));
    return envelope === null ? undefined : parsePeerEnvelope(envelope).peer;
  }

  /** Retries through a Redis outage for up to REDIS_REMOVAL_RETRY_WINDOW_MS (see config.ts). */
  async removePeer(id: string): Promise<RemovedPeer | undefined> {
    const removal = await this.removeWithRetry(id);
    if (removal === undefined) return undefined;
    await this.replica.waitApplied(removal.seq);
    return removal.removed;
  }

  async removePeersOfNode(nodeId: string): Promise<RemovedPeer[]> {
    const peerIds = await withRedis(() => this.redis.smembers(`${this.prefix}node:${nodeId}`));
    const removed: RemovedPeer[] = [];
    let lastSeq = 0;
    for (let first = 0; first < peerIds.length; first += REMOVALS_IN_FLIGHT) {
      const removals = await Promise.all(peerIds.slice(first, first + REMOVALS_IN_FLIGHT).map((id) => this.removeWithoutWaiting(id)));
      for (const removal of removals) {
        if (removal === undefined) continue;
        removed.push(removal.removed);
        lastSeq = Math.max(lastSeq, removal.seq);
      }
    }
    await this.replica.waitApplied(lastSeq);
    return removed;
  }

  async listPeers(): Promise<PeerSummary[]> {
    const reply = (await withRedis(() => LIST_PEERS.run(this.redis, [this.prefix]))) as (string | number)[];
    const peers: PeerSummary[] = [];
    for (let index = 0; index + 1 < reply.length; index += 2) {
      peers.push(summaryOf(parsePeerEnvelope(String(reply[index])).peer, Number(reply[index + 1])));
    }
    return peers.sort(comparePeers);
  }

  async peerSummary(id: string): Promise<PeerSummary | undefined> {
    const replies = await withRedis(() => this.redis.multi().hget(`${this.prefix}peers`, id).hlen(`${this.prefix}files:${id}`).exec());
    const envelope = replies?.[0]?.[1];
    if (typeof envelope !== 'string') return undefined;
    return summaryOf(parsePeerEnvelope(envelope).peer, Number(replies?.[1]?.[1] ?? 0));
  }

  async announce(peerId: string, files: FileAnnouncement[]): Promise<void> {
    const pairs = files.flatMap((file) => [file.contentId, JSON.stringify(file)]);
    const reply = await this.run(ANNOUNCE, [peerId, this.maxFilesPerPeer, JSON.stringify(files), ...pairs]);
    if (reply[0] === 'PEER_NOT_FOUND') throw peerNotFound(peerId);
    if (reply[0] === 'QUOTA_EXCEEDED') {
      throw new ShoalError(
        'QUOTA_EXCEEDED',
        `A peer can share at most ${this.maxFilesPerPeer} files at once (you share ${Number(reply[1])}); withdraw some first`,
      );
    }
    await this.replica.waitApplied(Number(reply[1]));
  }

  async withdraw(peerId: string, contentIds: string[]): Promise<number> {
    const reply = await this.run(WITHDRAW, [peerId, ...contentIds]);
    if (reply[0] === 'PEER_NOT_FOUND') throw peerNotFound(peerId);
    await this.replica.waitApplied(Number(reply[2]));
    return Number(reply[1]);
  }

  async fileNamesOf(contentIds: string[]): Promise<string[]> {
    return this.replica.index.namesOf(contentIds);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    return this.replica.index.search(query);
  }

  async holdersOf(contentId: string): Promise<SearchResult | null> {
    return this.replica.index.holdersOf(contentId);
  }

  async stats(): Promise<IndexStats> {
    const replies = await withRedis(() => this.redis.multi().hlen(`${this.prefix}peers`).get(`${this.prefix}content-count`).exec());
    return { peers: Number(replies?.[0]?.[1] ?? 0), files: Number(replies?.[1]?.[1] ?? 0) };
  }

  /** Stops following the change stream and closes both connections. */
  async close(): Promise<void> {
    this.isClosed = true;
    await this.replica.close();
    this.redis.disconnect();
  }

  private async removeWithRetry(id: string): Promise<Removal | undefined> {
    const deadlineMs = Date.now() + REDIS_REMOVAL_RETRY_WINDOW_MS;
    for (;;) {
      try {
        return await this.removeWithoutWaiting(id);
      } catch (error) {
        if (this.isClosed || Date.now() + REMOVAL_RETRY_DELAY_MS > deadlineMs) throw error;
        await new Promise((resolve) => setTimeout(resolve, REMOVAL_RETRY_DELAY_MS));
      }
    }
  }

  private async removeWithoutWaiting(id: string): Promise<Removal | undefined> {
    const reply = (await withRedis(() => REMOVE_PEER.run(this.redis, [this.prefix, id]))) as [string, number, number, string[]] | null;
    if (reply === null) return undefined;
    const [envelope, fileCount, seq, fileNames] = reply;
    return { removed: { peer: parsePeerEnvelope(envelope).peer, fileCount: Number(fileCount), fileNames }, seq: Number(seq) };
  }

  private async run(script: typeof ADD_PEER, args: (string | number)[]): Promise<ScriptReply> {
    return (await withRedis(() => script.run(this.redis, [this.prefix, ...args]))) as ScriptReply;
  }
}

function peerNotFound(peerId: string): ShoalError {
  return new ShoalError('PEER_NOT_FOUND', `Peer ${peerId} is not online`);
}

function summaryOf(peer: PeerRecord, files: number): PeerSummary {
  return { id: peer.id, name: peer.name, files, publicKey: peer.publicKey, fingerprint: peer.fingerprint };
}
