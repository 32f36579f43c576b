/**
 * An in-memory network of named peers FOR TESTS AND SIMULATIONS. Each peer gets a Transport whose
 * channels behave like data channels (see memory-channel.ts), and the network can misbehave on
 * demand: latency and throughput limits, a killed channel or peer, a peer that stalls (its frames
 * vanish) or lies (its chunk bytes arrive corrupted).
 */
import { ShoalError } from '../protocol/errors';
import { BLOCK_HEADER_BYTES } from '../protocol/peer-messages';
import { MemoryChannel, type LinkConditions } from './memory-channel';
import { SEND_LOW_WATER_BYTES } from './transfer-policy';
import type { Frame, PeerChannel, Transport } from './transport';

export type { LinkConditions } from './memory-channel';
export { MemoryChannel } from './memory-channel';

export interface MemoryNetworkOptions {
  /** Conditions of every channel direction unless `setConditions` says otherwise. */
  defaultConditions?: LinkConditions;
  /** The channels' low-water mark, where `waitForDrain` resolves. */
  lowWaterBytes?: number;
}

export class MemoryNetwork {
  private readonly transports = new Map<string, MemoryTransport>();
  private readonly offline = new Set<string>();
  private readonly stalled = new Set<string>();
  private readonly lying = new Set<string>();
  private readonly conditions = new Map<string, LinkConditions>();
  private readonly channels = new Set<MemoryChannel>();

  constructor(private readonly options: MemoryNetworkOptions = {}) {}

  /** The transport of peer `peerId`, created on first use; the peer is online from then on. */
  transport(peerId: string): MemoryTransport {
    let transport = this.transports.get(peerId);
    if (transport === undefined) {
      transport = new MemoryTransport(this, peerId);
      this.transports.set(peerId, transport);
    }
    this.offline.delete(peerId);
    return transport;
  }

  /** A connected pair [end at `fromId`, end at `toId`] without going through either transport. */
  createPair(fromId: string, toId: string): [MemoryChannel, MemoryChannel] {
    const lowWaterBytes = this.options.lowWaterBytes ?? SEND_LOW_WATER_BYTES;
    const atFrom = new MemoryChannel(fromId, toId, () => this.conditionsOf(fromId, toId), lowWaterBytes, (frame) =>
      this.shape(fromId, frame),
    );
    const atTo = new MemoryChannel(toId, fromId, () => this.conditionsOf(toId, fromId), lowWaterBytes, (frame) =>
      this.shape(toId, frame),
    );
    MemoryChannel.connect(atFrom, atTo);
    for (const end of [atFrom, atTo]) {
      this.channels.add(end);
      end.onClose(() => this.channels.delete(end));
    }
    return [atFrom, atTo];
  }

  /** Conditions for frames sent by `fromId` (to `toId` only, when given), for channels old and new. */
  setConditions(fromId: string, conditions: LinkConditions, toId?: string): void {
    this.conditions.set(toId === undefined ? fromId : `${fromId}\n${toId}`, conditions);
  }

  /** Open channel ends held by `peerId`. */
  channelsOf(peerId: string): MemoryChannel[] {
    return [...this.channels].filter((channel) => channel.localPeerId === peerId && channel.isOpen);
  }

  /** Drops every channel between two peers, as when a NAT mapping or a Wi-Fi link dies. */
  killChannelsBetween(a: string, b: string): void {
    const reason = new ShoalError('PEER_UNREACHABLE', `The connection between ${a} and ${b} dropped`);
    for (const channel of this.channelsOf(a)) if (channel.peerId === b) channel.kill(reason);
  }

  /** The peer goes offline: its channels drop and connecting to it fails. */
  killPeer(peerId: string): void {
    this.offline.add(peerId);
    const reason = new ShoalError('PEER_UNREACHABLE', `${peerId} went offline`);
    for (const channel of this.channelsOf(peerId)) channel.kill(reason);
  }

  /** While stalled, everything the peer sends vanishes: its channels stay open but it never answers. */
  stall(peerId: string, isStalled = true): void {
    if (isStalled) this.stalled.add(peerId);
    else this.stalled.delete(peerId);
  }

  /** While lying, every binary frame the peer sends arrives with its last byte flipped. */
  lie(peerId: string, isLying = true): void {
    if (isLying) this.lying.add(peerId);
    else this.lying.delete(peerId);
  }

  isOnline(peerId: string): boolean {
    return this.transports.has(peerId) && !this.offline.has(peerId);
  }

  /** Used by MemoryTransport.connect: a pair whose far end is handed to the remote transport. */
  dial(fromId: string, toId: string): MemoryChannel {
    const remote = this.transports.get(toId);
    if (remote === undefined || !this.isOnline(toId) || !this.isOnline(fromId)) {
      throw new ShoalError('PEER_UNREACHABLE', `${toId} is not reachable`);
    }
    const [local, far] = this.createPair(fromId, toId);
    remote.accept(far);
    return local;
  }

  private conditionsOf(fromId: string, toId: string): LinkConditions {
    return (
      this.conditions.get(`${fromId}\n${toId}`) ??
      this.conditions.get(fromId) ??
      this.options.defaultConditions ??
      {}
    );
  }

  private shape(fromId: string, frame: Frame): Frame | undefined {
    if (this.stalled.has(fromId)) return undefined;
    if (this.lying.has(fromId) && typeof frame !== 'string' && frame.byteLength > BLOCK_HEADER_BYTES) {
      const corrupted = frame.slice();
      corrupted[corrupted.byteLength - 1] = (corrupted[corrupted.byteLength - 1] ?? 0) ^ 0xff;
      return corrupted;
    }
    return frame;
  }
}

export class MemoryTransport implements Transport {
  private readonly incomingListeners = new Set<(channel: PeerChannel) => void>();

  constructor(
    private readonly network: MemoryNetwork,
    readonly peerId: string,
  ) {}

  async connect(peerId: string): Promise<PeerChannel> {
    // Connecting takes at least a turn of the event loop, as signalling does.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return this.network.dial(this.peerId, peerId);
  }

  onIncoming(listener: (channel: PeerChannel) => void): () => void {
    this.incomingListeners.add(listener);
    return () => this.incomingListeners.delete(listener);
  }

  /** Hands a channel another peer opened to our listeners; used by the network. */
  accept(channel: MemoryChannel): void {
    for (const listener of this.incomingListeners) listener(channel);
  }

  close(): void {
    for (const channel of this.network.channelsOf(this.peerId)) channel.close();
  }
}
