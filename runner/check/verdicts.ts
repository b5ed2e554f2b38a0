// From case results to the run's verdict: the summary counts, the cases that gate the exit code, and
// the exit code itself (runner contract v1, docs/runner.md "Interpreting results").
import type { CaseResult, Summary } from '../../project/report.js';
import { OUTCOMES } from '../../project/report.js';

export function summarize(results: CaseResult[]): Summary {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Summary;
  summary.total = results.length;
  for (const r of results) summary[r.outcome] += 1;
  return summary;
}

/**
 * A case gates the run (exit 1) when it is an xpass, or when it did not pass (fail, error, timeout)
 * and its level is MUST, or SHOULD/MAY under --strict. INFO cases never gate. An error gates like a
 * failure: a gate that cannot test a MUST must not report success.
 */
export function gatingFailures(results: CaseResult[], strict: boolean): string[] {
  const gating = new Set(strict ? ['MUST', 'SHOULD', 'MAY'] : ['MUST']);
  return results
    .filter((r) => r.outcome === 'xpass' || (['fail', 'error', 'timeout'].includes(r.outcome) && gating.has(r.level)))
    .map((r) => r.id);
}
