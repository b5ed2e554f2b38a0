// Who is waiting for what. Every change that concerns a user moves that user's "dirty" stream position
// and wakes their waiting long-polls, so a /sync can tell in O(1) whether anything is new for it.
import type { Clock, TimerHandle } from './clock.js';

interface Waiter {
  resolve: () => void;
  timer: TimerHandle;
}

export class Notifier {
  // Starts at 1: since=s0 would otherwise be both the first token handed out and "no token" (an
  // initial sync).
  private position = 1;
  private readonly dirtyAt = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(private readonly clock: Clock) {}

  /** The stream position of the latest change anywhere. */
  current(): number {
    return this.position;
  }

  /** A new stream position for a change. */
  next(): number {
    return ++this.position;
  }

  /** The position of the latest change that concerns `userId` (0 when none). */
  lastChangeFor(userId: string): number {
    return this.dirtyAt.get(userId) ?? 0;
  }

  /** Records that `userId` has something new at `pos`; wakes their long-polls unless `wake` is false. */
  touch(userId: string, pos: number, wake = true): void {
    if ((this.dirtyAt.get(userId) ?? 0) < pos) this.dirtyAt.set(userId, pos);
    if (!wake) return;
    const set = this.waiters.get(userId);
    if (!set) return;
    this.waiters.delete(userId);
    for (const w of set) {
      this.clock.clearTimeout(w.timer);
      w.resolve();
    }
  }

  /**
   * Resolves when `userId` is touched, after `timeoutMs`, or when the callback given to `onCancel` is
   * called (the client went away), whichever is first.
   */
  wait(userId: string, timeoutMs: number, onCancel?: (cancel: () => void) => void): Promise<void> {
    // A parked long-poll waits for the clock: on a virtual clock, time may move meanwhile.
    const waiting = this.parked(userId, timeoutMs, onCancel);
    return this.clock.idle ? this.clock.idle(waiting) : waiting;
  }

  private parked(userId: string, timeoutMs: number, onCancel?: (cancel: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(userId);
      if (!set) this.waiters.set(userId, (set = new Set()));
      const finish = (): void => {
        this.clock.clearTimeout(waiter.timer);
        const s = this.waiters.get(userId);
        if (s) {
          s.delete(waiter);
          if (s.size === 0) this.waiters.delete(userId);
        }
        resolve();
      };
      const waiter: Waiter = { resolve, timer: this.clock.setTimeout(finish, timeoutMs) };
      set.add(waiter);
      onCancel?.(finish);
    });
  }

  waiting(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }
}
