import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IceServerGrant } from '../protocol/ice-servers';
import { ICE_RENEW_RETRY_MS, IceServerLease } from './ice-server-lease';

const LIFETIME_MS = 1_000_000;

function grantAt(nowMs: number, credential: string): IceServerGrant {
  return { iceServers: [{ urls: 'turn:relay.example', username: 'u', credential }], iceServersExpireAt: nowMs + LIFETIME_MS };
}

describe('IceServerLease', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('renews when 80 % of the lifetime has passed, and keeps doing so', async () => {
    let renewals = 0;
    const lease = new IceServerLease(async () => grantAt(Date.now(), `renewed ${++renewals}`));
    lease.replace(grantAt(Date.now(), 'joined'));
    await vi.advanceTimersByTimeAsync(LIFETIME_MS * 0.8 - 1);
    expect(lease.current[0]?.credential).toBe('joined');
    await vi.advanceTimersByTimeAsync(1);
    expect(lease.current[0]?.credential).toBe('renewed 1');
    expect(lease.expireAtMs).toBe(Date.now() + LIFETIME_MS);
    await vi.advanceTimersByTimeAsync(LIFETIME_MS * 0.8);
    expect(lease.current[0]?.credential).toBe('renewed 2');
    lease.stop();
  });

  it('retries a failed renewal while there is time, and never renews servers that do not expire', async () => {
    const renew = vi.fn<() => Promise<IceServerGrant>>().mockRejectedValueOnce(new Error('busy')).mockImplementation(async () => grantAt(Date.now(), 'second try'));
    const lease = new IceServerLease(renew);
    lease.replace(grantAt(Date.now(), 'joined'));
    await vi.advanceTimersByTimeAsync(LIFETIME_MS * 0.8);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(lease.current[0]?.credential).toBe('joined');
    await vi.advanceTimersByTimeAsync(ICE_RENEW_RETRY_MS);
    expect(lease.current[0]?.credential).toBe('second try');

    const stunOnly = new IceServerLease(renew);
    stunOnly.replace({ iceServers: [{ urls: 'stun:stun.example' }] });
    renew.mockClear();
    lease.stop();
    await vi.advanceTimersByTimeAsync(LIFETIME_MS * 10);
    expect(renew).not.toHaveBeenCalled();
  });

  it('stops renewing once we leave, even when a renewal was on its way', async () => {
    let answer: (grant: IceServerGrant) => void = () => undefined;
    const renew = vi.fn(() => new Promise<IceServerGrant>((resolve) => (answer = resolve)));
    const lease = new IceServerLease(renew);
    lease.replace(grantAt(Date.now(), 'joined'));
    await vi.advanceTimersByTimeAsync(LIFETIME_MS * 0.8);
    lease.stop();
    answer(grantAt(Date.now(), 'too late'));
    await vi.advanceTimersByTimeAsync(LIFETIME_MS * 10);
    expect(lease.current[0]?.credential).toBe('joined');
    expect(renew).toHaveBeenCalledTimes(1);
  });
});
