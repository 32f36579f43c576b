/**
 * A Clock whose time moves only when told, FOR TESTS AND SIMULATIONS: `advanceBy` runs the timers
 * that fall due, in order. In auto mode the clock jumps to the next timer as soon as the real event
 * loop has a free turn, so a transfer runs at full speed while its rate limiters see virtual time.
 */
import type { Clock } from './clock';

interface VirtualTimer {
  id: number;
  atMs: number;
  callback: () => void;
}

export class VirtualClock implements Clock {
  readonly isAutoAdvancing: boolean;
  private nowMs: number;
  private timers: VirtualTimer[] = [];
  private nextId = 0;
  private isJumpScheduled = false;

  constructor(options: { startMs?: number; isAutoAdvancing?: boolean } = {}) {
    this.nowMs = options.startMs ?? 0;
    this.isAutoAdvancing = options.isAutoAdvancing ?? false;
  }

  now(): number {
    return this.nowMs;
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer: VirtualTimer = { id: this.nextId++, atMs: this.nowMs + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.atMs - b.atMs || a.id - b.id);
    this.scheduleJump();
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  /** Moves time forward by `ms`, running each timer that falls due at its own time. */
  advanceBy(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (let next = this.timers[0]; next !== undefined && next.atMs <= targetMs; next = this.timers[0]) {
      this.timers.shift();
      this.nowMs = Math.max(this.nowMs, next.atMs);
      next.callback();
    }
    this.nowMs = targetMs;
  }

  get pendingTimerCount(): number {
    return this.timers.length;
  }

  private scheduleJump(): void {
    if (!this.isAutoAdvancing || this.isJumpScheduled) return;
    this.isJumpScheduled = true;
    setTimeout(() => {
      this.isJumpScheduled = false;
      const next = this.timers[0];
      if (next !== undefined) this.advanceBy(next.atMs - this.nowMs);
      if (this.timers.length > 0) this.scheduleJump();
    }, 0);
  }
}
