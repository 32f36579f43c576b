/**
 * Keeps this process's search replica (IndexState) in step with Redis. At start it loads a
 * snapshot; then one blocking XREAD loop on its own connection applies the change stream's entries
 * in order, own writes included. A writer waits (`waitApplied`) until the replica has applied its
 * write's entry, so a process reads its own writes, and every process applies the same changes
 * in the same order. A gap in the entries' `seq` (the stream was trimmed past us) or a lost
 * connection (Redis may have restarted and lost its last second of AOF) makes it load a fresh
 * snapshot, replayed forward from the stream.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FileAnnouncement, Holder } from '../../shared/protocol';
import { REDIS_COMMAND_TIMEOUT_MS } from '../config';
import { IndexState } from './redis-index-state';
import type { IndexChange, SnapshotListing } from './redis-index-state';
import { parsePeerEnvelope } from './redis-peer-envelope';

/** How long one XREAD blocks: bounds how long closing waits for the loop. */
const READ_BLOCK_MS = 1_000;
/** Entries taken per read: big enough to catch up fast, small enough to keep each step short. */
const READ_COUNT = 1_000;
/** Pause before retrying after a failed read or snapshot (Redis is down or restarting). */
const RETRY_DELAY_MS = 200;
/** Peers whose files one pipelined snapshot round trip reads: parsing them holds the event loop, so not too many. */
const SNAPSHOT_PEERS_PER_ROUND_TRIP = 50;

/** Entry fields as written by redis-tracker-scripts.ts; Redis is ours, so this guards against bugs, not attackers. */
const entrySchema = z.discriminatedUnion('kind', [
  z.object({ seq: z.coerce.number().int(), kind: z.literal('joined'), peer: z.string(), name: z.string() }),
  z.object({ seq: z.coerce.number().int(), kind: z.literal('left'), peer: z.string() }),
  z.object({ seq: z.coerce.number().int(), kind: z.literal('announce'), peer: z.string(), files: z.string() }),
  z.object({ seq: z.coerce.number().int(), kind: z.literal('withdraw'), peer: z.string(), ids: z.string() }),
]);

function changeOf(entry: z.infer<typeof entrySchema>): IndexChange {
  switch (entry.kind) {
    case 'joined':
      return { kind: 'joined', peerId: entry.peer, name: entry.name };
    case 'left':
      return { kind: 'left', peerId: entry.peer };
    case 'announce':
      return { kind: 'announce', peerId: entry.peer, files: JSON.parse(entry.files) as FileAnnouncement[] };
    case 'withdraw':
      return { kind: 'withdraw', peerId: entry.peer, contentIds: JSON.parse(entry.ids) as string[] };
  }
}

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) fields[flat[index]!] = flat[index + 1]!;
  return fields;
}

class StreamGap extends Error {}

interface Waiter {
  seq: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

export class IndexReplica {
  private state = new IndexState();
  private appliedSeq = 0;
  private lastEntryId = '0-0';
  private needsSnapshot = true;
  private isClosed = false;
  private readonly waiters = new Set<Waiter>();
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly commands: Redis,
    private readonly reader: Redis,
    private readonly prefix: string,
  ) {}

  /** Loads the snapshot (failing if Redis cannot give it) and starts following the stream. */
  static async start(commands: Redis, reader: Redis, prefix: string): Promise<IndexReplica> {
    const replica = new IndexReplica(commands, reader, prefix);
    await replica.loadSnapshot();
    // Redis may have restarted meanwhile and lost its last second of changes (AOF fsyncs once a
    // second), so numbers could repeat: a lost connection always means a fresh snapshot.
    reader.on('close', () => {
      replica.needsSnapshot = true;
    });
    replica.loop = replica.follow();
    return replica;
  }

  /** The current index; replaced wholesale by a snapshot, so read it per call. */
  get index(): IndexState {
    return this.state;
  }

  /**
   * Resolves once the change numbered `seq` is in the index, or after the command timeout: the
   * write is in Redis by then, and failing its caller would misreport it (a join refused while its
   * name is taken). A replica cut off that long reloads a snapshot as soon as Redis answers.
   */
  waitApplied(seq: number): Promise<void> {
    if (seq <= this.appliedSeq) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        seq,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve();
        }, REDIS_COMMAND_TIMEOUT_MS),
      };
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.reader.disconnect();
    await this.loop;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.waiters.clear();
  }

  private async follow(): Promise<void> {
    while (!this.isClosed) {
      try {
        if (this.needsSnapshot) await this.loadSnapshot();
        // Resolves empty after the block time when nothing came, or when the connection was lost.
        const reply = await this.reader.xread('COUNT', READ_COUNT, 'BLOCK', READ_BLOCK_MS, 'STREAMS', `${this.prefix}changes`, this.lastEntryId);
        for (const [, entries] of reply ?? []) for (const [id, fields] of entries) this.applyEntry(id, fields);
      } catch (error) {
        if (this.isClosed) return;
        this.needsSnapshot = true;
        if (!(error instanceof StreamGap)) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  private applyEntry(id: string, flat: string[]): void {
    const entry = entrySchema.parse(fieldsOf(flat));
    if (entry.seq > this.appliedSeq + 1) throw new StreamGap(`Missed changes ${this.appliedSeq + 1}..${entry.seq - 1}`);
    if (entry.seq === this.appliedSeq + 1) {
      this.state.apply(changeOf(entry));
      this.appliedSeq = entry.seq;
    }
    this.lastEntryId = id;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    for (const waiter of this.waiters) {
      if (waiter.seq > this.appliedSeq) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /**
   * Reads every peer and listing without stopping writers, after noting the stream position; the
   * entries from that position on are then replayed over it, which only repeats what the snapshot
   * may already hold (see IndexState.apply).
   */
  private async loadSnapshot(): Promise<void> {
    // Cleared first: a connection lost while loading sets it again, and a failed load too (follow).
    this.needsSnapshot = false;
    const P = this.prefix;
    const position = await this.commands.multi().get(`${P}seq`).xrevrange(`${P}changes`, '+', '-', 'COUNT', 1).exec();
    const seq = Number(position?.[0]?.[1] ?? 0);
    const last = position?.[1]?.[1] as [string, string[]][] | undefined;
    const lastEntryId = last?.[0]?.[0] ?? '0-0';

    const envelopes = await this.commands.hgetall(`${P}peers`);
    const peers: Holder[] = Object.values(envelopes).map((envelope) => {
      const { peer } = parsePeerEnvelope(envelope);
      return { id: peer.id, name: peer.name };
    });
    const listings: SnapshotListing[] = [];
    for (let first = 0; first < peers.length; first += SNAPSHOT_PEERS_PER_ROUND_TRIP) {
      const batch = peers.slice(first, first + SNAPSHOT_PEERS_PER_ROUND_TRIP);
      const pipeline = this.commands.pipeline();
      for (const peer of batch) pipeline.hgetall(`${P}files:${peer.id}`);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, files], index) => {
        if (error !== null) throw error;
        for (const value of Object.values(files as Record<string, string>)) listings.push(listingOf(batch[index]!.id, value));
      });
    }

    this.state = await IndexState.fromSnapshot(peers, listings);
    this.appliedSeq = seq;
    this.lastEntryId = lastEntryId;
    this.wakeWaiters();
  }
}

/** Parses a files: hash value, "<at> <FileAnnouncement JSON>". */
function listingOf(peerId: string, value: string): SnapshotListing {
  const space = value.indexOf(' ');
  return { at: Number(value.slice(0, space)), peerId, file: JSON.parse(value.slice(space + 1)) as FileAnnouncement };
}
