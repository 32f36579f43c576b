import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from './redis-server';

describe('startRedisServer (test support)', () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  function connect(url: string): Redis {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    // Restarts refuse connections for a moment; the commands' own results are what the tests check.
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  }

  it('runs redis-server on its own port with AOF, keeps data through restarts, and cleans up', async () => {
    const redis = await startRedisServer();
    try {
      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      const client = connect(redis.url);
      await client.connect();
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', redis.dataDir]);
      await client.set('kept', 'through a graceful restart');
      client.disconnect();

      await redis.restart();
      const again = connect(redis.url);
      expect(await again.get('kept')).toBe('through a graceful restart');
      again.disconnect();
    } finally {
      await redis.stop();
    }
    expect(existsSync(redis.dataDir)).toBe(false);
    await redis.stop();
  });

  it('keeps every write through kill -9 when each write is fsynced', async () => {
    const redis = await startRedisServer({ fsyncEveryWrite: true });
    try {
      const client = connect(redis.url);
      await client.set('kept', 'through a crash');
      client.disconnect();
      await redis.restart({ hard: true });
      expect(await connect(redis.url).get('kept')).toBe('through a crash');
    } finally {
      await redis.stop();
    }
  });

  it('gives two servers different ports and directories', async () => {
    const [one, two] = await Promise.all([startRedisServer(), startRedisServer()]);
    try {
      expect(one.port).not.toBe(two.port);
      expect(one.dataDir).not.toBe(two.dataDir);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});
