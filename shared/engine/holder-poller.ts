/**
 * Asks for a file's holders every so often while a download runs, so holders that appear (or come
 * back) mid-download join it, and at once when the download has run out of peers.
 */
import { asShoalError, type ShoalError } from '../protocol/errors';
import type { Holder } from '../protocol/tracker-messages';
import type { Logger } from '../logging/logger';
import type { Clock } from './clock';
import { queryHolders } from './manifest-fetch';

export interface HolderPollerOptions {
  fileName: string;
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  /** Aborts when the download ends; handed to each query. */
  signal: AbortSignal;
  intervalMs: number;
  clock: Clock;
  /** Hears a failed query (its reason also becomes the waiting reason while nobody is connected). */
  log: Logger;
  onHolders: (listed: Holder[]) => void;
  /** Called after every poll, with or without holders. */
  onPolled: () => void;
}

export class HolderPoller {
  /** Cancels the scheduled poll. */
  private cancelTimer: (() => void) | undefined;
  private isPolling = false;
  private isRunning = false;
  private isPollWanted = false;
  /** Why the latest query failed (tracker unreachable); undefined once one succeeds. */
  lastError: ShoalError | undefined;

  constructor(private readonly options: HolderPollerOptions) {}

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.scheduleNext();
  }

  stop(): void {
    this.isRunning = false;
    this.cancelScheduled();
  }

  /** Polls now (or right after the poll in progress), then every interval again. */
  pollNow(): void {
    if (!this.isRunning) return;
    if (this.isPolling) {
      this.isPollWanted = true;
      return;
    }
    this.cancelScheduled();
    void this.poll();
  }

  private scheduleNext(): void {
    if (!this.isRunning || this.cancelTimer !== undefined || this.isPolling) return;
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined;
      void this.poll();
    }, this.options.intervalMs);
  }

  private cancelScheduled(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private async poll(): Promise<void> {
    this.isPolling = true;
    try {
      const listed = await queryHolders(this.options);
      this.lastError = undefined;
      if (this.isRunning) this.options.onHolders(listed);
    } catch (error) {
      this.lastError = asShoalError(error, 'NO_HOLDER');
      this.options.log.debug(`could not ask who holds ${this.options.fileName}`, error);
    } finally {
      this.isPolling = false;
    }
    if (!this.isRunning) return;
    this.options.onPolled();
    if (this.isPollWanted) {
      this.isPollWanted = false;
      this.pollNow();
    } else {
      this.scheduleNext();
    }
  }
}
