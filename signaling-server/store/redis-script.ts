/**
 * A Lua script run atomically in Redis: sent once, then called by its SHA-1 (EVALSHA), and sent
 * again if Redis forgot it (a restart empties the script cache).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class RedisScript {
  private readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Runs the script with no KEYS and these ARGV. The scripts build their key names from a prefix
   * argument: fine on a single Redis (or a replicated one), not on Redis Cluster.
   */
  async run(client: Redis, args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, 0, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, 0, ...args);
    }
  }
}
