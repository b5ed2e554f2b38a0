// Each user's side of the event stream: the position of the latest change that concerns them (and of
// the latest in their rooms), their presence inbox, and their parked long-polls. Every change that
// concerns a user moves their position and wakes their long-polls, so a /sync can tell in O(1) whether
// anything is new for it, and whether its rooms have anything new.
import type { Clock, TimerHandle } from './clock.js';

interface Waiter {
  /** Answers the long-poll; runs once, when it is woken, times out or is cancelled. */
  respond: (() => void) | undefined;
  settle: (err?: unknown) => void;
  timer: TimerHandle;
  done: boolean;
}

/** One user's side of the stream (one map entry for all of it: a change is delivered to thousands of
 * users at once). */
interface UserStream {
  /** The position of the latest change that concerns the user (0 when none). */
  changedAt: number;
  /** The position of the latest room event that concerns them: one in a room they are joined to, or
   * the member event of their own invite or leave (0 when none). */
  roomsChangedAt: number;
  /** Users whose presence changed for them -> the position of the change (until they have seen it). */
  presence: Map<string, number> | undefined;
  /** Their parked long-polls (usually one; none for most users, so made when the first parks). */
  waiters: Waiter[] | undefined;
}

export class Notifier {
  // Starts at 1: since=s0 would otherwise be both the first token handed out and "no token" (an
  // initial sync).
  private position = 1;
  private readonly streams = new Map<string, UserStream>();
  private parkedCount = 0;
  /** Polls woken by room events, answered once the operation is over (see touchRooms). */
  private afterOperation: Waiter[] = [];
  /** Inside deferWakes: how deep, and the polls woken meanwhile (answered when it ends). */
  private deferring = 0;
  private deferred: Waiter[] = [];

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

  /** The position of the latest room event that concerns `userId` (0 when none): no room section of
   * their /sync can have anything after it. */
  lastRoomChangeFor(userId: string): number {
    return this.streams.get(userId)?.roomsChangedAt ?? 0;
  }

  private streamOf(userId: string): UserStream {
    let stream = this.streams.get(userId);
    if (!stream) this.streams.set(userId, (stream = { changedAt: 0, roomsChangedAt: 0, presence: undefined, waiters: undefined }));
    return stream;
  }

  /** A room event at `pos` concerns `userId` (they are in the room, or the member event is about them).
   * Their polls are answered once the operation that made the event is over (in a microtask): a join,
   * a new room or a profile change goes on after its first event (more events, the presence the
   * members and the joiner get of each other), and the answer should carry all of it, as a
   * server's next sync after a join carries the new members' presence. */
  touchRooms(userId: string, pos: number): void {
    const stream = this.streamOf(userId);
    if (stream.roomsChangedAt < pos) stream.roomsChangedAt = pos;
    this.wakeStream(stream, pos, true, true);
  }

  /** `sender`'s presence changed at `pos` for `recipient`: in their inbox, and their long-polls woken
   * unless `wake` is false. */
  deliverPresence(recipient: string, sender: string, pos: number, wake = true): void {
    const stream = this.streamOf(recipient);
    (stream.presence ??= new Map()).set(sender, pos);
    this.wakeStream(stream, pos, wake);
  }

  /** Users whose presence changed for `recipient` after `since`; forgets what the client has seen. */
  takePresenceSince(recipient: string, since: number): string[] {
    const out: string[] = [];
    const inbox = this.streams.get(recipient)?.presence;
    if (!inbox) return out;
    for (const [userId, pos] of inbox) {
      if (pos > since) out.push(userId);
      else inbox.delete(userId);
    }
    return out;
  }

  /** Records that `userId` has something new at `pos`; wakes their long-polls unless `wake` is false. */
  touch(userId: string, pos: number, wake = true): void {
    this.wakeStream(this.streamOf(userId), pos, wake);
  }

  private wakeStream(stream: UserStream, pos: number, wake: boolean, afterOperation = false): void {
    if (stream.changedAt < pos) stream.changedAt = pos;
    const woken = stream.waiters;
    if (!wake || woken === undefined || woken.length === 0) return;
    stream.waiters = undefined;
    this.parkedCount -= woken.length;
    if (afterOperation) {
      if (this.afterOperation.length === 0) queueMicrotask(() => this.answerAfterOperation());
      this.afterOperation.push(...woken);
    } else if (this.deferring > 0) {
      this.deferred.push(...woken);
    } else {
      this.endAll(woken);
    }
  }

  private answerAfterOperation(): void {
    const woken = this.afterOperation;
    this.afterOperation = [];
    this.endAll(woken);
  }

  private endAll(woken: readonly Waiter[]): void {
    for (const w of woken) this.end(w);
  }

  /** Answers a parked long-poll now (when woken, in the loop that delivers the change: the first
   * watcher need not wait for the last one's inbox), then settles its promise. */
  private end(w: Waiter): void {
    if (w.done) return;
    w.done = true;
    this.clock.clearTimeout(w.timer);
    try {
      w.respond?.();
    } catch (err) {
      w.settle(err);
      return;
    }
    w.settle();
  }

  /**
   * Runs `fn`, holding back the answers of the long-polls it wakes until it has finished. For a change
   * that puts several entries at one position into a user's stream (a join: every member's presence
   * for the joiner): a poll answered after the first entry would hand out that position as its
   * `next_batch`, and the later entries, at the same position, would never reach it.
   */
  deferWakes(fn: () => void): void {
    this.deferring++;
    try {
      fn();
    } finally {
      this.deferring--;
      if (this.deferring === 0) {
        const woken = this.deferred;
        this.deferred = [];
        this.endAll(woken);
      }
    }
  }

  /**
   * Resolves when `userId` is touched, after `timeoutMs`, or when the callback given to `onCancel` is
   * called (the client went away), whichever is first.
   */
  wait(userId: string, timeoutMs: number, onCancel?: (cancel: () => void) => void): Promise<void> {
    return this.park(userId, timeoutMs, onCancel, undefined);
  }

  /**
   * Parks a long-poll until `userId` is touched, `timeoutMs` passes, or the callback given to
   * `onCancel` is called (the client went away). Then `respond` answers it, synchronously: when the
   * poll is woken by a change, that is inside the loop that delivers the change, right after this
   * user's part of it. The promise settles after `respond` (rejected with what it threw).
   */
  park(userId: string, timeoutMs: number, onCancel: ((cancel: () => void) => void) | undefined, respond: (() => void) | undefined): Promise<void> {
    // A parked long-poll waits for the clock: on a virtual clock, time may move meanwhile.
    const waiting = new Promise<void>((resolve, reject) => {
      const stream = this.streamOf(userId);
      // Timed out or cancelled: no longer waiting (a woken waiter is already out of the list).
      const finish = (): void => {
        const i = stream.waiters?.indexOf(waiter) ?? -1;
        if (i >= 0) {
          stream.waiters!.splice(i, 1);
          this.parkedCount--;
        }
        this.end(waiter);
      };
      const waiter: Waiter = {
        respond,
        settle: (err) => (err === undefined ? resolve() : reject(err)),
        timer: this.clock.setTimeout(finish, timeoutMs),
        done: false,
      };
      (stream.waiters ??= []).push(waiter);
      this.parkedCount++;
      onCancel?.(finish);
    });
    return this.clock.idle ? this.clock.idle(waiting) : waiting;
  }

  /** How many long-polls are parked. */
  waiting(): number {
    return this.parkedCount;
  }
}
