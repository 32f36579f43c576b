/** Time as the engine sees it (every wait, timestamp and rate limit): the real clock, or a virtual one in tests. */

export interface Clock {
  now(): number;
  /** Calls `callback` once after `delayMs`; returns a function that cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};
