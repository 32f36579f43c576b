/** In-process Node peers for tests, each with its own data and downloads folders, stopped after the test file. */
import { afterAll } from 'vitest';
import { NodePeer, type NodePeerOptions } from '../node/node-peer';
import { tempDir } from './temp-dir';

const started: NodePeer[] = [];

afterAll(async () => {
  await Promise.all(started.splice(0).map((peer) => peer.stop().catch(() => undefined)));
});

export async function startTestPeer(
  trackerUrl: string,
  name: string,
  options: Partial<NodePeerOptions> = {},
): Promise<NodePeer> {
  const peer = await NodePeer.start({
    trackerUrl,
    name,
    dataDir: await tempDir(`shoal-${name}-data-`),
    downloadDir: await tempDir(`shoal-${name}-downloads-`),
    seedsLibrary: false,
    ...options,
  });
  started.push(peer);
  return peer;
}
