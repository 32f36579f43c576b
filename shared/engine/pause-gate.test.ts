import { describe, expect, it } from 'vitest';
import { PauseGate } from './pause-gate';
import { VirtualClock } from './virtual-clock';

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function tracked(promise: Promise<void>): { isDone: () => boolean } {
  let isDone = false;
  void promise.then(() => (isDone = true));
  return { isDone: () => isDone };
}

describe('PauseGate', () => {
  it('rests for the delay on the clock it is given', async () => {
    const clock = new VirtualClock();
    const rest = tracked(new PauseGate().rest(1_000, clock, new AbortController().signal));

    clock.advanceBy(999);
    await settle();
    expect(rest.isDone()).toBe(false);
    clock.advanceBy(1);
    await settle();
    expect(rest.isDone()).toBe(true);
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('ends a rest early when the gate opens (resume) or the signal aborts (cancel), and drops its timer', async () => {
    const clock = new VirtualClock();
    const gate = new PauseGate();
    gate.close();
    const cancellation = new AbortController();
    const resumed = tracked(gate.rest(60_000, clock, new AbortController().signal));
    const cancelled = tracked(gate.rest(60_000, clock, cancellation.signal));

    gate.open();
    await settle();
    expect(resumed.isDone()).toBe(true);
    expect(cancelled.isDone()).toBe(true); // opening ends every wait on the gate

    const later = tracked(gate.rest(60_000, clock, cancellation.signal));
    cancellation.abort();
    await settle();
    expect(later.isDone()).toBe(true);
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('holds a wait while closed and lets it through once open or aborted', async () => {
    const gate = new PauseGate();
    const signal = new AbortController().signal;
    const open = tracked(gate.untilOpen(signal));
    await settle();
    expect(open.isDone()).toBe(true);

    gate.close();
    expect(gate.isPaused).toBe(true);
    const held = tracked(gate.untilOpen(signal));
    await settle();
    expect(held.isDone()).toBe(false);
    gate.open();
    await settle();
    expect(held.isDone()).toBe(true);

    gate.close();
    const cancellation = new AbortController();
    const aborted = tracked(gate.untilOpen(cancellation.signal));
    cancellation.abort();
    await settle();
    expect(aborted.isDone()).toBe(true);
    expect(gate.isPaused).toBe(true);
  });
});
