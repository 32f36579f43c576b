/**
 * Peer nodes on in-memory parts FOR TESTS: a MemoryChunkStore, a MemoryNetwork transport, settings
 * in memory, and a real TrackerConnection to a real tracker (the tracker is cheap to run; only the
 * WebRTC and the disk are faked). The memory transport is keyed by peer id, which the tracker hands
 * out at join, so it binds to the network under our id once we have one (again after a re-join).
 */
import type { MemoryChunkStore, MemoryNetwork, MemoryTransport } from '../../engine/testing';
import type { PeerChannel, Transport } from '../../engine';
import type { KnownKeyStore } from '../../identity/known-keys';
import { generateKeyPair, identityFromKeyPair, type PeerIdentity } from '../../identity/peer-keys';
import { ShoalError } from '../../protocol/errors';
import { TrackerConnection, type TrackerConnectionTuning } from '../../tracker-client/tracker-connection';
import { MemoryKeyValueStore } from '../node-settings';
import type { TransportContext } from '../parts';
import { PeerNode, type PeerNodeOptions } from '../peer-node';

/** A Transport over the memory network under whatever id the tracker gave us last. */
export class IdBoundMemoryTransport implements Transport {
  private bound: { id: string; transport: MemoryTransport; stopIncoming: () => void } | undefined;
  private readonly incomingListeners = new Set<(channel: PeerChannel) => void>();

  constructor(
    private readonly network: MemoryNetwork,
    private readonly context: TransportContext,
  ) {}

  /** Call when the node joined: incoming channels reach us under our id from then on. */
  bindToCurrentId(): void {
    const id = this.context.myPeerId();
    if (id === undefined || this.bound?.id === id) return;
    this.bound?.stopIncoming();
    const transport = this.network.transport(id);
    const stopIncoming = transport.onIncoming((channel) => {
      for (const listener of this.incomingListeners) listener(channel);
    });
    this.bound = { id, transport, stopIncoming };
  }

  connect(peerId: string): Promise<PeerChannel> {
    this.bindToCurrentId();
    if (this.bound === undefined) return Promise.reject(new ShoalError('NOT_JOINED', 'Not joined yet'));
    return this.bound.transport.connect(peerId);
  }

  onIncoming(listener: (channel: PeerChannel) => void): () => void {
    this.incomingListeners.add(listener);
    return () => this.incomingListeners.delete(listener);
  }

  close(): void {
    this.bound?.stopIncoming();
    this.bound?.transport.close();
  }
}

export interface MemoryNodeParts {
  trackerUrl: string;
  network: MemoryNetwork;
  store: MemoryChunkStore;
  settings?: MemoryKeyValueStore;
  /** The same identity as an earlier node (a restart); a new one otherwise. */
  identity?: PeerIdentity;
  knownKeys?: KnownKeyStore;
  /** Finished files, by content id, as the sink saw them. */
  finished?: string[];
  trackerTuning?: TrackerConnectionTuning;
}

/** A started node (not yet connected) on memory parts. */
export async function memoryPeerNode(parts: MemoryNodeParts, options: PeerNodeOptions = {}): Promise<PeerNode<undefined>> {
  const identity = parts.identity ?? (await identityFromKeyPair(await generateKeyPair(false)));
  let transport: IdBoundMemoryTransport | undefined;
  const node = new PeerNode<undefined>(
    {
      identity,
      tracker: new TrackerConnection(parts.trackerUrl, parts.trackerTuning),
      store: parts.store,
      transport: (context) => {
        transport = new IdBoundMemoryTransport(parts.network, context);
        return transport;
      },
      sink: async (record) => {
        parts.finished?.push(record.contentId);
        return undefined;
      },
      settings: parts.settings ?? new MemoryKeyValueStore(),
      ...(parts.knownKeys !== undefined ? { knownKeys: parts.knownKeys } : {}),
    },
    options,
  );
  node.on('session', () => transport?.bindToCurrentId());
  await node.start();
  return node;
}

