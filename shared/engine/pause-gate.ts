/**
 * Whether a download may go on: closed while the person has paused it. Waits on it end when it
 * opens again (resume) or when the download's AbortSignal aborts (cancel), whichever comes first.
 */
import type { Clock } from './clock';

export class PauseGate {
  private isClosed = false;
  private readonly waiters = new Set<() => void>();

  get isPaused(): boolean {
    return this.isClosed;
  }

  close(): void {
    this.isClosed = true;
  }

  /** Opens the gate and ends every wait on it. */
  open(): void {
    this.isClosed = false;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves once the gate is open (at once if it is) or the signal aborts; callers check the signal. */
  async untilOpen(signal: AbortSignal): Promise<void> {
    while (this.isClosed && !signal.aborted) await this.wait(signal, undefined);
  }

  /** Rests `delayMs` on the clock between attempts; resuming or aborting ends the rest early. */
  rest(delayMs: number, clock: Clock, signal: AbortSignal): Promise<void> {
    return this.wait(signal, (end) => clock.setTimer(end, delayMs));
  }

  private wait(signal: AbortSignal, startTimer: ((end: () => void) => () => void) | undefined): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const end = (): void => {
        cancelTimer?.();
        this.waiters.delete(end);
        signal.removeEventListener('abort', end);
        resolve();
      };
      const cancelTimer = startTimer?.(end);
      this.waiters.add(end);
      signal.addEventListener('abort', end);
    });
  }
}
