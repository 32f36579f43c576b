/** Waiting with an AbortSignal and the injected clock, for the node's loops (rejoin, first peer list). */
import type { Clock } from '../engine';
import { ShoalError } from '../protocol/errors';

/** The error a wait ends with when `signal` aborts: the signal's own ShoalError if it carries one,
 * TIMEOUT (saying what did not come in time) for a timeout, else CANCELLED. */
export function abortedError(signal: AbortSignal, whatTimedOut: string): ShoalError {
  const reason: unknown = signal.reason;
  if (reason instanceof ShoalError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return new ShoalError('TIMEOUT', whatTimedOut);
  return new ShoalError('CANCELLED', 'Stopped before it finished');
}

/** Resolves after `ms` on `clock`; rejects at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal, 'Timed out'));
      return;
    }
    const onAbort = (): void => {
      cancelTimer();
      reject(abortedError(signal as AbortSignal, 'Timed out'));
    };
    const cancelTimer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves with the first value `subscribe` delivers that `accept` takes; rejects when `signal` aborts. */
export function nextValue<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  accept: (value: T) => boolean,
  signal: AbortSignal | undefined,
  whatTimedOut: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal, whatTimedOut));
      return;
    }
    const onAbort = (): void => {
      unsubscribe();
      reject(abortedError(signal as AbortSignal, whatTimedOut));
    };
    const unsubscribe = subscribe((value) => {
      if (!accept(value)) return;
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
