/**
 * The node's download limit as one download sees it: a chunk is asked for only with allowance for
 * its bytes. Without it the download stops asking and is called back, once, when there is some.
 */
import type { RateLimiter } from './rate-limiter';

export class DownloadAllowance {
  private isWaitingForLimiter = false;

  constructor(
    /** Shared by every download of the node; absent when there is no limit. */
    private readonly limiter: RateLimiter | undefined,
    private readonly onAvailable: () => void,
  ) {}

  /** Stopped until the limit lets bytes through again. */
  get isWaiting(): boolean {
    return this.isWaitingForLimiter;
  }

  /** False under a download limit with no allowance left; `onAvailable` follows once there is. */
  tryTake(bytes: number): boolean {
    if (this.limiter === undefined || this.limiter.tryTake(bytes)) return true;
    this.waitFor(this.limiter);
    return false;
  }

  private waitFor(limiter: RateLimiter): void {
    if (this.isWaitingForLimiter) return;
    this.isWaitingForLimiter = true;
    void limiter.whenAvailable().then(() => {
      this.isWaitingForLimiter = false;
      this.onAvailable();
    });
  }
}
