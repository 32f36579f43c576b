/**
 * Tells listeners about changes at most once per interval (the last change is never lost: a trailing
 * call delivers it), or at once when the change matters (a state change).
 */
type Timer = ReturnType<typeof setTimeout>;

export class ThrottledNotifier<T> {
  private readonly listeners = new Set<(value: T) => void>();
  private lastNotifiedMs = -Infinity;
  private trailing: Timer | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly snapshot: () => T,
    private readonly now: () => number,
  ) {}

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something changed; `isUrgent` skips the throttle. */
  changed(isUrgent = false): void {
    const sinceLastMs = this.now() - this.lastNotifiedMs;
    if (isUrgent || sinceLastMs >= this.intervalMs) {
      this.notifyNow();
    } else if (this.trailing === undefined) {
      this.trailing = setTimeout(() => this.notifyNow(), this.intervalMs - sinceLastMs);
    }
  }

  /** Drops a pending trailing call; listeners stay subscribed. */
  cancelTrailing(): void {
    if (this.trailing !== undefined) clearTimeout(this.trailing);
    this.trailing = undefined;
  }

  private notifyNow(): void {
    this.cancelTrailing();
    this.lastNotifiedMs = this.now();
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
