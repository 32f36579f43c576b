import { afterEach, describe, expect, it } from 'vitest';
import { createTracker } from './app';
import type { RunningTracker } from './app';
import { TrustedProxies } from './client-address';

let tracker: RunningTracker | undefined;

afterEach(async () => {
  await tracker?.close();
  tracker = undefined;
});

/** A tracker whose REST budget is one call per client address (and hardly refills). */
async function startTracker(trustedProxies: string): Promise<string> {
  tracker = await createTracker({
    host: '127.0.0.1',
    port: 0,
    staticDir: null,
    restRateLimit: { capacity: 1, refillPerSecond: 0.001 },
    trustedProxies: TrustedProxies.parse(trustedProxies),
  });
  return tracker.url;
}

async function healthStatus(url: string, forwardedFor: string): Promise<number> {
  return (await fetch(`${url}/api/health`, { headers: { 'x-forwarded-for': forwardedFor } })).status;
}

describe('the REST rate limit keys on the same client address as the connection cap', () => {
  it('gives each client behind a trusted proxy its own budget', async () => {
    const url = await startTracker('127.0.0.1');
    expect(await healthStatus(url, '203.0.113.1')).toBe(200);
    expect(await healthStatus(url, '198.51.100.9, 203.0.113.1')).toBe(429);
    expect(await healthStatus(url, '203.0.113.2')).toBe(200);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const url = await startTracker('10.0.0.0/8');
    expect(await healthStatus(url, '203.0.113.1')).toBe(200);
    expect(await healthStatus(url, '203.0.113.2')).toBe(429);
  });
});
