// A run stopped from outside: CI cancelling a job (SIGTERM, then SIGKILL a few seconds later) or
// Ctrl-C (SIGINT). No case starts after the stop; the running ones get a short grace period to end on
// their own and are then abandoned as `interrupted`, so that the reports of what did finish are
// written before a CI system's SIGKILL follows.
import type { StopSignal } from '../../project/report.js';

/** Long enough for a case that is about to end; short beside the seconds CI allows before SIGKILL. */
export const INTERRUPT_GRACE_MS = 2000;

export class Interruption {
  /** Resolves `graceMs` after the stop; never without one. */
  readonly graceOver: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly signal: AbortSignal | undefined,
    graceMs = INTERRUPT_GRACE_MS,
  ) {
    this.graceOver = new Promise((resolve) => {
      if (!signal) return;
      const arm = () => {
        this.timer = setTimeout(resolve, graceMs);
      };
      if (signal.aborted) arm();
      else signal.addEventListener('abort', arm, { once: true });
    });
  }

  get stopped(): boolean {
    return this.signal?.aborted ?? false;
  }

  /** The signal named as the stop's reason (an abort without one reads as SIGINT, as Ctrl-C). */
  get by(): StopSignal {
    return this.signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
  }

  /** `work`'s value, or 'stopped' as soon as the run is stopped (the work is then left to itself). */
  async unlessStopped<T>(work: Promise<T>): Promise<T | 'stopped'> {
    if (this.stopped) return 'stopped';
    const signal = this.signal;
    if (!signal) return work;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<'stopped'>((resolve) => {
      onAbort = () => resolve('stopped');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, stop]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** `work`'s value, or 'abandoned' when the grace period after a stop ran out first. */
  async withinGrace<T>(work: Promise<T>): Promise<T | 'abandoned'> {
    if (!this.signal) return work;
    return Promise.race([work, this.graceOver.then(() => 'abandoned' as const)]);
  }

  /** Frees the grace timer, so that nothing of the run keeps the process alive. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
