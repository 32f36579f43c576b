/**
 * A peer node whose connection the tracker refuses (too many connections from its address, a real
 * tracker with a cap of 1): the refusal is what connect and join say, and what the session view
 * shows, and the node gets in by itself once the address has a free slot.
 */
import { afterEach, expect, it } from 'vitest';
import { MemoryChunkStore, MemoryNetwork } from '../engine/testing';
import { ShoalError } from '../protocol/errors';
import { ONE_SLOT_REFUSAL, trackerWithItsOneSlotTaken } from '../test-support/capped-tracker';
import { waitFor } from '../test-support/wait-for';
import type { PeerNode } from './peer-node';
import { memoryPeerNode } from './testing/memory-parts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function refusedNode(trackerUrl: string): Promise<PeerNode> {
  const node = await memoryPeerNode({
    trackerUrl,
    network: new MemoryNetwork(),
    store: new MemoryChunkStore(),
    trackerTuning: { refusedRetryMs: 100 },
  });
  cleanups.push(() => node.stop().catch(() => undefined));
  return node;
}

it('connect and join fail with the tracker\'s reason, and the node gets in by itself once a slot frees', async () => {
  const { tracker, holder, close } = await trackerWithItsOneSlotTaken();
  cleanups.push(close);
  const node = await refusedNode(tracker.url);

  const connecting = node.connect(AbortSignal.timeout(5_000));
  await expect(connecting).rejects.toBeInstanceOf(ShoalError);
  await expect(connecting).rejects.toMatchObject({ code: 'TOO_MANY_CONNECTIONS', message: ONE_SLOT_REFUSAL });
  expect(node.session.view).toMatchObject({ status: 'connecting', connectError: ONE_SLOT_REFUSAL });

  // A join the person tries meanwhile says the same, not that the tracker is unreachable.
  await expect(node.join('ana')).rejects.toMatchObject({ code: 'TOO_MANY_CONNECTIONS', message: ONE_SLOT_REFUSAL });
  expect(node.session.view.joinError).toBe(ONE_SLOT_REFUSAL);

  holder.disconnect();
  await waitFor(() => node.session.view.status === 'online', 'the node to connect by itself', { timeoutMs: 10_000 });
  expect(node.session.view.connectError).toBeUndefined();
  expect((await node.join('ana')).name).toBe('ana');
});
