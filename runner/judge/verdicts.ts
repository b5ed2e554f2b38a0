// From case results to the run's verdict: the summary counts, the cases that gate the exit code, and
// the exit code itself (runner contract v2, INTERPRETING.md).
import type { CaseResult, ExitCode, Level, PartialRun, StopSignal, Summary } from '../../project/report.js';
import { isFailure, OUTCOMES, UNFINISHED_OUTCOMES } from '../../project/report.js';

/** Cases per outcome; a partial run's outcomes (interrupted, not_run) only when there are any, so a complete run's summary is as before. */
export function summarize(results: CaseResult[]): Summary {
  const counts = Object.fromEntries(OUTCOMES.filter((o) => !UNFINISHED_OUTCOMES.has(o)).map((o) => [o, 0])) as Record<string, number>;
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return { ...counts, total: results.length } as Summary;
}

const RANK: Record<Level, number> = { INFO: 0, MAY: 1, SHOULD: 2, MUST: 3 };

/**
 * How strong a case's failure is: the strongest of its failed checks, each weighed at the weaker of
 * its own level and the case's (a SHOULD matcher inside a MUST case fails at SHOULD; a MUST
 * precondition inside an INFO case never gates). An error or a timeout weighs as the case.
 */
export function failureLevel(r: CaseResult): Level | undefined {
  if (r.outcome === 'error' || r.outcome === 'timeout') return r.level;
  if (r.outcome !== 'fail') return undefined;
  const weights = r.checks.filter(isFailure).map((c) => Math.min(RANK[c.level], RANK[r.level]));
  const top = weights.length > 0 ? Math.max(...weights) : RANK[r.level];
  return (Object.keys(RANK) as Level[]).find((l) => RANK[l] === top);
}

/**
 * A case gates the run (exit 1) when it is an xpass, or when it did not pass (fail, error, timeout)
 * at level MUST, or SHOULD/MAY under --strict. INFO never gates. An error gates like a failure: a
 * gate that cannot test a MUST must not report success.
 */
export function gatingFailures(results: CaseResult[], strict: boolean): string[] {
  const gating = new Set<Level>(strict ? ['MUST', 'SHOULD', 'MAY'] : ['MUST']);
  return results
    .filter((r) => {
      if (r.outcome === 'xpass') return true;
      const level = failureLevel(r);
      return level !== undefined && gating.has(level);
    })
    .map((r) => r.id);
}

/** 128 + the signal's number, as a shell reports a process that a signal ended. */
export const SIGNAL_EXIT_CODES: Record<StopSignal, ExitCode> = { SIGINT: 130, SIGTERM: 143 };

/** The cases a partial run did not finish (interrupted, or never started), in report order. */
export function missingCases(results: CaseResult[]): string[] {
  return results.filter((r) => UNFINISHED_OUTCOMES.has(r.outcome)).map((r) => r.id);
}

/**
 * The exit code: a run interrupted by a signal exits as the signal says (130, 143); a partial run that
 * left cases out fails the gate (1) unless it was accepted (--allow-partial), since a gate that did not
 * run every case must not report success; otherwise 1 when a case gates, else 0.
 */
export function exitCodeOf(gating: string[], partial: PartialRun | undefined, interruptedBy?: StopSignal): ExitCode {
  if (interruptedBy) return SIGNAL_EXIT_CODES[interruptedBy];
  if (partial && !partial.accepted && partial.missing.length > 0) return 1;
  return gating.length > 0 ? 1 : 0;
}
