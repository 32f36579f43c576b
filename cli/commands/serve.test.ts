import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { EXIT_CODES } from '../exit-codes';
import { runCli, runCliToEnd } from '../test-support/cli-process';
import { tempDir } from '../test-support/temp-dir';
import { startTestPeer } from '../test-support/test-peers';
import { startTestTracker } from '../test-support/test-tracker';
import { waitFor } from '../test-support/wait-for';

let tracker: RunningTracker;

beforeAll(async () => {
  tracker = await startTestTracker();
});
afterAll(async () => {
  await tracker.close();
});

describe('shoal serve', () => {
  it('runs the REST API on loopback until SIGTERM, then leaves the network', { timeout: 60_000 }, async () => {
    const watcher = await startTestPeer(tracker.url, 'watcher');
    const serve = runCli(['--tracker', tracker.url, '--data-dir', await tempDir(), '--name', 'daemon', 'serve', '--api-port', '0']);
    try {
      const [, url] = await serve.waitForOutput(/REST API on (http:\/\/127\.0\.0\.1:\d+) \(docs at /);
      const health = (await (await fetch(`${url}/health`)).json()) as { online: boolean; peer: { name: string } };
      expect(health).toMatchObject({ online: true, peer: { name: 'daemon' } });

      const form = new FormData();
      form.append('file', new Blob(['served by the daemon']), 'daemon-note.txt');
      expect((await fetch(`${url}/share`, { method: 'POST', body: form })).status).toBe(201);
      await waitFor(async () => (await watcher.search('daemon-note')).length === 1, 'the upload to be announced');
    } finally {
      serve.kill('SIGTERM');
    }
    expect(await serve.waitForExit()).toEqual({ code: 0, signal: null });
    expect(await watcher.search('daemon-note')).toEqual([]);
  });

  it('exits 2 with one line when the API port is taken', { timeout: 30_000 }, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = await runCliToEnd(['--tracker', tracker.url, '--data-dir', await tempDir(), 'serve', '--api-port', String(port)]);
      expect(result.code).toBe(EXIT_CODES.badArguments);
      expect(result.stderr).toBe(`shoal: cannot start the REST API: port ${port} is in use; choose another with --api-port\n`);
    } finally {
      blocker.close();
    }
  });
});
