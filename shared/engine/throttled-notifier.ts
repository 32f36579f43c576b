/**
 * Tells listeners about changes at most once per interval (the last change is never lost: a trailing
 * call delivers it), or at once when the change matters (a state change).
 */
import type { Clock } from './clock';

export class ThrottledNotifier<T> {
  private readonly listeners = new Set<(value: T) => void>();
  private lastNotifiedMs = -Infinity;
  /** Cancels the pending trailing call. */
  private cancelPending: (() => void) | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly snapshot: () => T,
    private readonly clock: Clock,
  ) {}

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something changed; `isUrgent` skips the throttle. */
  changed(isUrgent = false): void {
    const sinceLastMs = this.clock.now() - this.lastNotifiedMs;
    if (isUrgent || sinceLastMs >= this.intervalMs) {
      this.notifyNow();
    } else if (this.cancelPending === undefined) {
      this.cancelPending = this.clock.setTimer(() => this.notifyNow(), this.intervalMs - sinceLastMs);
    }
  }

  /** Drops a pending trailing call; listeners stay subscribed. */
  cancelTrailing(): void {
    this.cancelPending?.();
    this.cancelPending = undefined;
  }

  private notifyNow(): void {
    this.cancelTrailing();
    this.lastNotifiedMs = this.clock.now();
    const value = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        // A listener's bug must not break the transfer; report it as uncaught instead.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
