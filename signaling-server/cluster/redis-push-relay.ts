/**
 * The PushRelay of tracker nodes sharing one Redis (see push-relay.ts). A peer-list change is
 * numbered and published in one Lua script (INCR, then PUBLISH), so the numbers are network-wide
 * and Redis hands every subscriber the changes in number order; each node delivers them to its own
 * joined sockets. Changed file names go out on a second channel, so each node can refresh the live
 * searches of its own connections.
 *
 * Pub/sub drops what is published while a subscriber is disconnected. A node notices (a number
 * skipped, or its subscriber reconnected) and resends its peers the whole list, so their copies
 * converge again.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { peersDeltaPushSchema } from '../../shared/protocol';
import { INDEX_CHANGED_MAX_NAMES_CHECKED } from '../config';
import type { PeerListChange, PushDelivery, PushRelay } from '../push-relay';
import { RedisScript } from '../store/redis-script';

/** KEYS none; ARGV: counter key, channel, message body. Replies with the change's number. */
const PUBLISH_NUMBERED = new RedisScript(`
local seq = redis.call('INCR', ARGV[1])
redis.call('PUBLISH', ARGV[2], seq .. ' ' .. ARGV[3])
return seq
`);

const deltaBodySchema = z.object({ change: z.unknown(), exceptRoom: z.string().optional() });
const indexBodySchema = z.union([z.object({ names: z.array(z.string()) }), z.object({ all: z.literal(true) })]);

export interface RedisPushRelayOptions {
  /** Commands (the publishing script). */
  commands: Redis;
  /** A connection of its own: in subscriber mode it can run nothing else. */
  subscriber: Redis;
  /** Prefix of the keys and channels; one network per prefix. */
  keyPrefix: string;
  /** Told when a message from Redis does not parse (a bug or a foreign writer), never thrown. */
  onBadMessage?: (channel: string, error: unknown) => void;
}

export async function startRedisPushRelay(options: RedisPushRelayOptions): Promise<PushRelay> {
  const { commands, subscriber, keyPrefix } = options;
  const seqKey = `${keyPrefix}peer-list:seq`;
  const deltaChannel = `${keyPrefix}peer-list:changes`;
  const indexChannel = `${keyPrefix}index:changes`;
  let delivery: PushDelivery | undefined;
  let deliveredSeq = 0;
  /** Messages before the starting number was read are in the store already, and no socket is joined yet. */
  let isStarted = false;

  function onDelta(message: string): void {
    const space = message.indexOf(' ');
    const seq = Number(message.slice(0, space));
    const body = deltaBodySchema.parse(JSON.parse(message.slice(space + 1)));
    const push = peersDeltaPushSchema.parse({ seq, ...(body.change as object) });
    if (!isStarted || seq <= deliveredSeq) {
      // Older than the starting point, or Redis's counter went back (data lost): resend the lists.
      if (isStarted) {
        deliveredSeq = seq;
        delivery?.pushesLost();
      }
      return;
    }
    const isGap = seq !== deliveredSeq + 1;
    deliveredSeq = seq;
    delivery?.delta(push, body.exceptRoom);
    if (isGap) delivery?.pushesLost();
  }

  function onIndex(message: string): void {
    const body = indexBodySchema.parse(JSON.parse(message));
    delivery?.indexChanged('all' in body ? 'all' : body.names);
  }

  subscriber.on('message', (channel: string, message: string) => {
    try {
      if (channel === deltaChannel) onDelta(message);
      else if (channel === indexChannel) onIndex(message);
    } catch (error) {
      options.onBadMessage?.(channel, error);
    }
  });
  // ioredis subscribes again after a reconnection; what was published meanwhile is gone.
  let hasBeenReady = false;
  subscriber.on('ready', () => {
    if (hasBeenReady && isStarted) delivery?.pushesLost();
    hasBeenReady = true;
  });
  if (subscriber.status === 'ready') hasBeenReady = true;
  await subscriber.subscribe(deltaChannel, indexChannel);
  deliveredSeq = Number((await commands.get(seqKey)) ?? 0);
  isStarted = true;

  return {
    attach(target) {
      delivery = target;
    },
    async publishDelta(change: PeerListChange, exceptRoom?: string) {
      await PUBLISH_NUMBERED.run(commands, [seqKey, deltaChannel, JSON.stringify({ change, exceptRoom })]);
    },
    async publishIndexChange(names) {
      // Past the checking bound every live query counts as touched anyway; no need to ship the names.
      const body = names.length > INDEX_CHANGED_MAX_NAMES_CHECKED ? { all: true } : { names };
      await commands.publish(indexChannel, JSON.stringify(body));
    },
    get deliveredSeq() {
      return deliveredSeq;
    },
    async close() {
      delivery = undefined;
      await subscriber.unsubscribe(deltaChannel, indexChannel).catch(() => undefined);
    },
  };
}
