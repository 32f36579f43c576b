import { describe, expect, it } from 'vitest';
import { useTracker } from './test-support/tracker-harness';

describe('the REST rate limit', () => {
  const harness = useTracker({ restRateLimit: { capacity: 3, refillPerSecond: 0.01 }, networkKey: 'the key' });

  it('answers calls past the per-address budget with 429 RATE_LIMITED, wrong network keys included', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${harness.url}/api/health`, { headers: { 'x-shoal-network-key': 'guess' } })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await fetch(`${harness.url}/api/health`, { headers: { 'x-shoal-network-key': 'the key' } });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: 'RATE_LIMITED', error: 'RATE_LIMITED', message: 'Too many requests — wait a moment' });
  });

  it('leaves the web app and Socket.IO peers alone', async () => {
    for (let i = 0; i < 4; i++) await fetch(`${harness.url}/api/health`);
    expect((await fetch(`${harness.url}/`)).status).not.toBe(429);
    await expect(harness.join('Ana', { networkKey: 'the key' })).resolves.toMatchObject({ name: 'Ana' });
  });
});
