/**
 * Makes a tracker one node of several sharing one Redis: Socket.IO rooms across processes
 * (socket-adapter.ts), peer-list changes numbered network-wide and index changes for every node
 * (redis-push-relay.ts), and heartbeats with the clearing out of dead nodes (node-liveness.ts).
 */
import type { Redis } from 'ioredis';
import type { PeerBroadcasts } from '../peer-broadcasts';
import type { PushRelay } from '../push-relay';
import type { TrackerLog, TrackerServer } from '../socket-types';
import { connectRedis } from '../store/redis-connection';
import { DEFAULT_KEY_PREFIX } from '../store/redis-tracker-store';
import type { TrackerStore } from '../store/tracker-store';
import { heartbeatConnectionName, startNodeLiveness } from './node-liveness';
import type { NodeLiveness, NodeLivenessTiming } from './node-liveness';
import { startRedisPushRelay } from './redis-push-relay';
import { useRedisSocketAdapter } from './socket-adapter';

export interface ClusterOptions {
  /** redis://host:port[/db]: the same Redis as the tracker store's. */
  url: string;
  /** Prefix of the keys and channels; the store's prefix, so one network per prefix. */
  keyPrefix?: string;
  /** Heartbeat timing; defaults in node-liveness.ts. Tests shorten them. */
  liveness?: Partial<NodeLivenessTiming>;
}

export interface ClusterNode {
  /** For createPeerBroadcasts: carries pushes to the other nodes' peers. */
  pushRelay: PushRelay;
  /** Starts heartbeats and the clearing out of dead nodes, once the broadcasts exist. */
  watchNodes(store: TrackerStore, broadcasts: PeerBroadcasts): Promise<void>;
  /** After io.close(): removes this node's own peers (as a dead node's), unlists it, disconnects. */
  close(store: TrackerStore, broadcasts: PeerBroadcasts): Promise<void>;
}

/** Removes a node's peers and files from the store and tells everyone they left. */
async function clearOutNode(nodeId: string, store: TrackerStore, broadcasts: PeerBroadcasts, log: TrackerLog): Promise<void> {
  const removed = await store.removePeersOfNode(nodeId);
  if (removed.length === 0) return;
  log.info(`Tracker node ${nodeId} is gone: removed its ${removed.length} peer(s) and their files`);
  const changedNames: string[] = [];
  for (const { peer, fileNames } of removed) {
    changedNames.push(...fileNames);
    await broadcasts.peerLeft(peer.id);
  }
  broadcasts.announceIndexChanged(changedNames);
}

export async function joinCluster(io: TrackerServer, nodeId: string, options: ClusterOptions, log: TrackerLog): Promise<ClusterNode> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const opened: Redis[] = [];
  const open = async (connectionName: string, isBlocking = false): Promise<Redis> => {
    const client = await connectRedis(options.url, { connectionName, isBlocking });
    opened.push(client);
    return client;
  };
  let liveness: NodeLiveness | undefined;
  try {
    // Beats go over this one; the others look for its name to tell a killed node (node-liveness.ts).
    const commands = await open(heartbeatConnectionName(nodeId));
    useRedisSocketAdapter(io, await open(`shoal-socket.io-${nodeId}`, true), keyPrefix);
    const pushRelay = await startRedisPushRelay({
      commands,
      subscriber: await open(`shoal-pushes-${nodeId}`),
      keyPrefix,
      onBadMessage: (channel, error) => log.error(`Ignored a malformed message on Redis channel ${channel}`, error),
    });

    return {
      pushRelay,
      async watchNodes(store, broadcasts) {
        liveness = await startNodeLiveness({
          redis: commands,
          nodeId,
          keyPrefix,
          timing: options.liveness,
          onDeadNode: (deadNodeId) => clearOutNode(deadNodeId, store, broadcasts, log),
          onSweptWhileAlive() {
            log.error(`This tracker node (${nodeId}) was taken for dead; its peers reconnect and join again`, undefined);
            io.local.disconnectSockets(true);
          },
          onError: (message, error) => log.error(message, error),
        });
      },
      async close(store, broadcasts) {
        // The disconnect handlers may not have removed every peer yet; what is left goes here, so
        // nothing stays behind once this node is unlisted and nobody would sweep it.
        await clearOutNode(nodeId, store, broadcasts, log).catch((error: unknown) =>
          log.error('Could not remove this node’s peers while stopping', error),
        );
        await liveness?.close();
        await pushRelay.close();
        for (const client of opened) client.disconnect();
      },
    };
  } catch (error) {
    for (const client of opened) client.disconnect();
    throw error;
  }
}
