/**
 * Asks for a file's holders every so often while a download runs, so holders that appear (or come
 * back) mid-download join it, and at once when the download has run out of peers.
 */
import { asShoalError, type ShoalError } from '../protocol/errors';
import type { Holder } from '../protocol/tracker-messages';
import { queryHolders } from './manifest-fetch';

type Timer = ReturnType<typeof setTimeout>;

export interface HolderPollerOptions {
  fileName: string;
  holders: (signal: AbortSignal) => Promise<Holder[]>;
  /** Aborts when the download ends; handed to each query. */
  signal: AbortSignal;
  intervalMs: number;
  onHolders: (listed: Holder[]) => void;
  /** Called after every poll, with or without holders. */
  onPolled: () => void;
}

export class HolderPoller {
  private timer: Timer | undefined;
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
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Polls now (or right after the poll in progress), then every interval again. */
  pollNow(): void {
    if (!this.isRunning) return;
    if (this.isPolling) {
      this.isPollWanted = true;
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    void this.poll();
  }

  private scheduleNext(): void {
    if (!this.isRunning || this.timer !== undefined || this.isPolling) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, this.options.intervalMs);
  }

  private async poll(): Promise<void> {
    this.isPolling = true;
    try {
      const listed = await queryHolders(this.options);
      this.lastError = undefined;
      if (this.isRunning) this.options.onHolders(listed);
    } catch (error) {
      this.lastError = asShoalError(error, 'NO_HOLDER');
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
