/**
 * The ICE servers the tracker granted us, kept current: TURN credentials expire, so the lease asks
 * for new ones when 80 % of their lifetime has passed, and stops asking when we leave the tracker.
 */
import type { IceServer, IceServerGrant } from '../protocol/ice-servers';

/** Renew with a fifth of the lifetime to spare: room for a slow tracker and a retry or two. */
export const ICE_RENEW_AT_FRACTION = 0.8;
/** After a failed renewal (tracker busy, rate limited), try again this much later, or at half the
 * time left if that is sooner: short lifetimes leave a fifth of a minute or so. */
export const ICE_RENEW_RETRY_MS = 30_000;
/** Below this much time left a retry would not help; the next join brings fresh credentials. */
const ICE_RENEW_LAST_CHANCE_MS = 1_000;
/** setTimeout's largest delay (about 24.8 days); longer ones would fire at once. */
const TIMER_MAX_MS = 2 ** 31 - 1;

export class IceServerLease {
  private servers: IceServer[] = [];
  private expiresAtMs: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every replace() and stop(), so a renewal answered after either is ignored. */
  private generation = 0;

  constructor(
    /** Asks the tracker for a fresh grant; rejects when it cannot. */
    private readonly renew: () => Promise<IceServerGrant>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The servers to use for a new connection now. */
  get current(): IceServer[] {
    return this.servers;
  }

  get expireAtMs(): number | undefined {
    return this.expiresAtMs;
  }

  /** Takes a new grant (from a join or a renewal) and schedules the next renewal if it expires. */
  replace(grant: IceServerGrant): void {
    this.servers = grant.iceServers;
    this.expiresAtMs = grant.iceServersExpireAt;
    this.generation += 1;
    this.clearTimer();
    if (grant.iceServersExpireAt !== undefined) {
      this.schedule((grant.iceServersExpireAt - this.now()) * ICE_RENEW_AT_FRACTION);
    }
  }

  /** Stops renewing (we left the tracker); the servers stay until the next grant replaces them. */
  stop(): void {
    this.generation += 1;
    this.clearTimer();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.renewNow(), Math.min(TIMER_MAX_MS, Math.max(0, delayMs)));
  }

  private async renewNow(): Promise<void> {
    this.timer = undefined;
    const generation = this.generation;
    try {
      const grant = await this.renew();
      if (generation === this.generation) this.replace(grant);
    } catch {
      if (generation !== this.generation) return;
      // Still in time for another try? Past the expiry a connect says the relay refused us, and
      // the next join brings fresh credentials anyway.
      const leftMs = (this.expiresAtMs ?? 0) - this.now();
      if (leftMs > ICE_RENEW_LAST_CHANCE_MS) this.schedule(Math.min(ICE_RENEW_RETRY_MS, leftMs / 2));
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
