// From case results to the run's verdict: the summary counts, the cases that gate the exit code, and
// the exit code itself (runner contract v1, INTERPRETING.md).
import type { CaseResult, Level, Summary } from '../../project/report.js';
import { isFailure, OUTCOMES } from '../../project/report.js';

export function summarize(results: CaseResult[]): Summary {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Summary;
  summary.total = results.length;
  for (const r of results) summary[r.outcome] += 1;
  return summary;
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
