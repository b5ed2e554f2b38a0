// `run --max-time`: the run's whole time budget, on the wall clock from the run's start. A case starts
// only when its own time limit (time-limit.ts) fits in what is left, so the run ends within its budget
// without cutting a case short; a shorter case later in the plan may still fit.
import { formatDuration } from '../../project/format-duration.js';

export class TimeBudget {
  constructor(
    readonly maxMs: number,
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  leftMs(): number {
    return Math.max(0, this.startedAt + this.maxMs - this.now());
  }

  /** Why a case with this limit may not start now, or undefined when it fits. */
  leavesOut(limitMs: number): string | undefined {
    const left = this.leftMs();
    if (limitMs <= left) return undefined;
    return `not run for time: its time limit of ${formatDuration(limitMs)} does not fit in the ${formatDuration(left)} left of --max-time ${formatDuration(this.maxMs)}`;
  }
}
