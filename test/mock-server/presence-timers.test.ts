// The presence timers on a clock that behaves like the wall clock: Node may run a timer a millisecond
// before Date.now() reads its due time. That may not lose a transition: an online user who does nothing
// becomes unavailable at the idle timeout, then offline at the sync-online timeout, never offline
// straight away. (Found under load: the early timer found the idle timeout not yet due, and the timer
// it re-armed skipped the deadline it had just missed, so the next one was the sync-online timeout.)
import { expect } from 'chai';
import type { Clock, TimerHandle } from '../../mock-server/clock.js';
import { resolveConfig } from '../../mock-server/config.js';
import { FaultSet } from '../../mock-server/faults.js';
import { PresenceTracker } from '../../mock-server/presence-state.js';
import { DEFAULT_VARIANT_OPTIONS, VariantSet } from '../../mock-server/variants.js';

/**
 * A hand-driven clock whose timers run a millisecond before their due time, as Node's may: inside the
 * callback the first read of the clock is 1 ms short of the due time, and the clock has moved on to it
 * by the next read. A timer set inside a callback runs at a later step, never in the same one.
 */
class WallLikeClock implements Clock {
  time = 1_700_000_000_000;
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private nextId = 1;
  private catchUpTo: number | undefined;
  now(): number {
    const t = this.time;
    if (this.catchUpTo !== undefined) {
      this.time = Math.max(this.time, this.catchUpTo);
      this.catchUpTo = undefined;
    }
    return t;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  /** Moves time in steps of 1 ms; at each step, runs the timers due within the next millisecond. */
  advance(ms: number): void {
    const end = this.time + ms;
    while (this.time < end) {
      this.time += 1;
      const due = this.timers.filter((t) => t.at - 1 <= this.time).sort((x, y) => x.at - y.at);
      for (const timer of due) {
        if (!this.timers.includes(timer)) continue;
        this.timers = this.timers.filter((t) => t !== timer);
        this.catchUpTo = timer.at;
        timer.fn();
        this.catchUpTo = undefined;
      }
    }
  }
}

const TIMERS = { idle_timeout: 1500, sync_online_timeout: 3000, last_active_granularity: 400 };

function tracker(clock: Clock, faults: string[] = []): { presence: PresenceTracker; states: () => string[] } {
  const config = resolveConfig({ presence: TIMERS, faults });
  const seen: string[] = [];
  const presence: PresenceTracker = new PresenceTracker(
    config,
    clock,
    { faults: new FaultSet(config.faults), variants: new VariantSet([]), variantOptions: DEFAULT_VARIANT_OPTIONS },
    (userId) => {
      const state = presence.get(userId).presence;
      if (seen.at(-1) !== state) seen.push(state);
    },
  );
  return { presence, states: () => seen };
}

describe('presence timers on a wall-like clock', () => {
  it('a timer that runs a millisecond early still takes its transition: online, unavailable, offline', () => {
    const clock = new WallLikeClock();
    const { presence, states } = tracker(clock);
    presence.setFromRequest('@a:x', 'online', undefined);
    clock.advance(TIMERS.idle_timeout + 5);
    expect(presence.get('@a:x').presence).to.equal('unavailable');
    clock.advance(TIMERS.sync_online_timeout);
    expect(states()).to.deep.equal(['online', 'unavailable', 'offline']);
  });

  it('a suppressed transition does not re-arm its timer at the same instant (never-idle)', () => {
    const clock = new WallLikeClock();
    const { presence } = tracker(clock, ['never-idle']);
    presence.setFromRequest('@a:x', 'online', undefined);
    clock.advance(TIMERS.idle_timeout + 10);
    expect(presence.get('@a:x').presence).to.equal('online');
    clock.advance(TIMERS.sync_online_timeout);
    expect(presence.get('@a:x').presence).to.equal('offline');
  });
});
