/**
 * `npm run start:cluster` refuses clearly, before building or forking anything, when it cannot run:
 * no REDIS_URL (the processes would not share state) or a bad worker count.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./cluster-main.ts', import.meta.url));

function startCluster(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, REDIS_URL: undefined, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe('npm run start:cluster', () => {
  it('needs REDIS_URL and says so', () => {
    const { status, stderr } = startCluster(['--workers', '2'], {});
    expect(status).toBe(1);
    expect(stderr).toContain('REDIS_URL is required');
    expect(stderr).toContain('npm run start:cluster -- --workers 4');
  }, 40_000);

  it('refuses a worker count that is not a whole number from 1 to 64', () => {
    for (const count of ['0', 'many', '65']) {
      const { status, stderr } = startCluster(['--workers', count], { REDIS_URL: 'redis://127.0.0.1:1' });
      expect(status).toBe(1);
      expect(stderr).toContain(`--workers must be a whole number from 1 to 64, not '${count}'`);
    }
  }, 60_000);
});
