/**
 * Turns a fetch's condition into the waiting status a person sees. With no peer connected the
 * fetch waits at once; with peers connected that have none of the missing chunks (partial seeders
 * one step behind us) it waits only after a grace period, because that usually lasts only until
 * their next chunk arrives.
 */
import { errorWithOutlook, type ShoalError } from '../protocol/errors';
import type { Clock } from './clock';

/** moving: something is in flight, being written or about to be; no-peer: nobody is connected;
 * nothing-to-fetch: peers are connected but have none of what is missing. */
export type FetchCondition = 'moving' | 'no-peer' | 'nothing-to-fetch';

export interface WaitingWatchOptions {
  fileName: string;
  graceMs: number;
  clock: Clock;
  condition: () => FetchCondition;
  /** Why nobody can send the file (the holders' failures, or the tracker's error). */
  noPeerReason: () => ShoalError;
  onChanged: (reason: ShoalError | undefined) => void;
}

export class WaitingWatch {
  private reason: ShoalError | undefined;
  /** Cancels the grace period's timer while it runs. */
  private cancelGrace: (() => void) | undefined;

  constructor(private readonly options: WaitingWatchOptions) {}

  /** Looks at the fetch again; cheap enough to call after every change. */
  evaluate(): void {
    const condition = this.options.condition();
    if (condition === 'moving') {
      this.stop();
      this.set(undefined);
    } else if (condition === 'no-peer') {
      this.stop();
      this.set(this.options.noPeerReason());
    } else if (this.reason === undefined && this.cancelGrace === undefined) {
      this.cancelGrace = this.options.clock.setTimer(() => {
        this.cancelGrace = undefined;
        if (this.options.condition() !== 'nothing-to-fetch') return this.evaluate();
        const { fileName } = this.options;
        this.set(errorWithOutlook('NO_HOLDER', `No peer online has the rest of '${fileName}' yet`, 'the download will resume when one does', { fileName }));
      }, this.options.graceMs);
    }
  }

  /** Not waiting any more (paused by the user): reports no reason and stops the grace timer. */
  clear(): void {
    this.stop();
    this.set(undefined);
  }

  /** Stops the grace timer without reporting anything. */
  stop(): void {
    this.cancelGrace?.();
    this.cancelGrace = undefined;
  }

  private set(reason: ShoalError | undefined): void {
    if (reason?.message === this.reason?.message) return;
    this.reason = reason;
    this.options.onChanged(reason);
  }
}
