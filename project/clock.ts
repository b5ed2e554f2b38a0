// Time, for the runner and the mock alike: the wall clock, or a virtual clock they share when the runner
// drives its own embedded mock in the same thread.
//
// Presence is timer-bound (an idle timeout, a sync-online timeout, long-polls), so a run against the
// embedded mock spends nearly all its wall time waiting. On a virtual clock those waits cost nothing:
// whenever no HTTP exchange between the runner and the mock is being worked on, the clock jumps to the
// next timer that is due. Every case keeps its real-time meaning (a wait of idle_timeout is a wait of
// idle_timeout on the clock both sides read); against a real server the runner uses the wall clock.

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Work under way that time must wait for (an HTTP exchange): while any is held, a virtual clock does
   * not move. The wall clock ignores these.
   */
  hold?(): void;
  release?(): void;
  /** A wait for the clock itself (a long-poll parked on the server): releases a hold while it lasts. */
  idle?<T>(waiting: Promise<T>): Promise<T>;
}

/** The wall clock. Timers are unref'd so a forgotten timer never keeps the process alive. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/**
 * The wall clock for a run's own waits (a `wait` step, an `eventually` re-read, the rate pacer): its
 * timers keep the process alive, since against a real server such a wait may be all that is pending,
 * and an unref'd one let the process end in the middle of the run (exit 13). The runner clears each
 * case's timers when the case ends.
 */
export const runWallClock: Clock = {
  ...realClock,
  setTimeout(fn, ms) {
    return setTimeout(fn, Math.max(0, ms));
  },
};

interface VirtualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * Quiet turns of the event loop (no work held, no timer fired) before the clock jumps: a continuation
 * that resumes after a timer may start its next HTTP exchange a few promise hops later.
 */
const QUIET_TURNS = 2;

/**
 * A clock shared by the runner and its in-process mock. Time moves only when nothing is held: then the
 * earliest timer fires, its time becomes now, and the event loop gets a few turns to start whatever
 * follows before the next jump. Timers due at the same time fire in the order they were set.
 */
export class VirtualClock implements Clock {
  private time: number;
  private timers: VirtualTimer[] = [];
  private nextId = 1;
  private held = 0;
  private pumping = false;
  private stopped = false;

  constructor(start = Date.now()) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    // Kept sorted by (at, id): insertion from the end, where new timers usually belong.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    this.schedule();
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.timers.splice(i, 1);
  }

  hold(): void {
    this.held += 1;
  }

  release(): void {
    this.held -= 1;
    this.schedule();
  }

  async idle<T>(waiting: Promise<T>): Promise<T> {
    this.release();
    try {
      return await waiting;
    } finally {
      this.hold();
    }
  }

  /** No more jumps (the run is over); pending timers are dropped. */
  stop(): void {
    this.stopped = true;
    this.timers = [];
  }

  /** Timers waiting (for tests). */
  pending(): number {
    return this.timers.length;
  }

  private schedule(): void {
    if (this.pumping || this.stopped || this.held > 0 || this.timers.length === 0) return;
    this.pumping = true;
    this.pump(0);
  }

  private pump(quiet: number): void {
    setImmediate(() => {
      if (this.stopped || this.held > 0 || this.timers.length === 0) {
        this.pumping = false;
        return;
      }
      if (quiet < QUIET_TURNS) {
        this.pump(quiet + 1);
        return;
      }
      const next = this.timers.shift()!;
      this.time = Math.max(this.time, next.at);
      next.fn();
      this.pump(0);
    });
  }
}
