// Time for the mock, injectable so that its own tests advance time instead of sleeping. Every timer of
// the mock (idle, sync-online, last-active granularity, long-poll timeouts, rate limiting) goes through
// a Clock (project/clock.ts: the wall clock, or the virtual clock a run shares with its embedded mock);
// FakeClock is the tests' hand-driven one.

export { realClock, type Clock, type TimerHandle } from '../project/clock.js';
import type { Clock, TimerHandle } from '../project/clock.js';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock that only moves when told to; timers fire in order during advance(). */
export class FakeClock implements Clock {
  private time: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward by ms, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
  }

  /** How many timers are waiting (for tests). */
  pending(): number {
    return this.timers.length;
  }
}
