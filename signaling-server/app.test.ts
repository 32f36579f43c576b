import { describe, expect, it } from 'vitest';
import { createTracker } from './app';
import { RawPeer } from './test-support/raw-peer';
import { newIdentity } from './test-support/identities';
import { joinClient, requestRawJoin } from './test-support/tracker-harness';

const testOptions = { host: '127.0.0.1', port: 0, staticDir: null };

describe('a tracker’s life cycle', () => {
  it('reports the URL and the port it really bound', async () => {
    const tracker = await createTracker(testOptions);
    try {
      expect(tracker.port).toBeGreaterThan(0);
      expect(tracker.url).toBe(`http://127.0.0.1:${tracker.port}`);
      expect((await fetch(`${tracker.url}/api/health`)).status).toBe(200);
    } finally {
      await tracker.close();
    }
  });

  it('closes promptly with peers connected, one of them frozen, and frees its port for a restart', async () => {
    const tracker = await createTracker(testOptions);
    const ana = await joinClient(tracker.url, 'Ana');
    const frozen = await RawPeer.connect(tracker.url);
    expect(await requestRawJoin(frozen, 'Frozen', await newIdentity())).toMatchObject({ ok: true });
    frozen.freeze();
    await fetch(`${tracker.url}/api/peers`);
    const disconnected = new Promise<string>((resolve) => ana.socket.once('disconnect', resolve));

    const startedAt = Date.now();
    await Promise.all([tracker.close(), tracker.close()]);
    // Far below the 30 s a frozen peer could otherwise hold a WebSocket close.
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    // A dropped transport, not a server "go away": browsers reconnect by themselves.
    expect(await disconnected).toBe('transport close');

    const restarted = await createTracker({ ...testOptions, port: tracker.port });
    try {
      expect(restarted.port).toBe(tracker.port);
    } finally {
      frozen.terminate();
      await restarted.close();
    }
  });

  it('fails to start with the system error when the port is taken', async () => {
    const first = await createTracker(testOptions);
    try {
      await expect(createTracker({ ...testOptions, port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
