// Who is waiting for what. Every change that concerns a user moves that user's "dirty" stream position
// and wakes their waiting long-polls, so a /sync can tell in O(1) whether anything is new for it.
import type { Clock, TimerHandle } from './clock.js';

interface Waiter {
  resolve: () => void;
  timer: TimerHandle;
}

/** One user's side of the stream: one map entry holds both, since one change touches thousands of
 * users and each lookup costs (the fan-out benchmark's hot loop). */
interface UserStream {
  /** The position of the latest change that concerns the user (0 when none). */
  changedAt: number;
  /** Their parked long-polls (usually none or one). */
  waiters: Waiter[];
}

export class Notifier {
  // Starts at 1: since=s0 would otherwise be both the first token handed out and "no token" (an
  // initial sync).
  private position = 1;
  private readonly streams = new Map<string, UserStream>();
  private parkedCount = 0;

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
    return this.streams.get(userId)?.changedAt ?? 0;
  }

  private streamOf(userId: string): UserStream {
    let stream = this.streams.get(userId);
    if (!stream) this.streams.set(userId, (stream = { changedAt: 0, waiters: [] }));
    return stream;
  }

  /** Records that `userId` has something new at `pos`; wakes their long-polls unless `wake` is false. */
  touch(userId: string, pos: number, wake = true): void {
    const stream = this.streamOf(userId);
    if (stream.changedAt < pos) stream.changedAt = pos;
    if (!wake || stream.waiters.length === 0) return;
    const woken = stream.waiters;
    stream.waiters = [];
    this.parkedCount -= woken.length;
    for (const w of woken) {
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
      const stream = this.streamOf(userId);
      // Timed out or cancelled: no longer waiting (a woken waiter is already out of the list).
      const finish = (): void => {
        this.clock.clearTimeout(waiter.timer);
        const i = stream.waiters.indexOf(waiter);
        if (i >= 0) {
          stream.waiters.splice(i, 1);
          this.parkedCount--;
        }
        resolve();
      };
      const waiter: Waiter = { resolve, timer: this.clock.setTimeout(finish, timeoutMs) };
      stream.waiters.push(waiter);
      this.parkedCount++;
      onCancel?.(finish);
    });
  }

  /** How many long-polls are parked. */
  waiting(): number {
    return this.parkedCount;
  }
}
