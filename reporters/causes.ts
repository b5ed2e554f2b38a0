// What every reporter says the same way about the outcomes of runner contract v2: the line of an
// inconclusive case (the premise seen broken, what to change), the line of a blocked case (the request
// it relied on, the case that tests it), and the root causes the runner attached (Report.causes).
// Reporters only read the causes: a report of contract v1 has none, and is rendered as before. Also the
// line that says why a partial run (interrupted, out of time) left cases out.
import type { CaseResult, Outcome, PartialRun, PremiseBreak, Report, RootCause, Summary } from '../project/report.js';
import { formatDuration } from '../project/format-duration.js';

/** A summary's count of an outcome: reports of runner contract v1 have no inconclusive and blocked counts. */
export function countOf(summary: Partial<Summary>, outcome: Outcome): number {
  return summary[outcome] ?? 0;
}

/** "premise: <seen>; change: <change>", under an inconclusive case. */
export function premiseText(premise: PremiseBreak): string {
  return `premise: ${premise.seen}; change: ${premise.change}`;
}

/** "blocked: <at> failed; tested by <case>", under a blocked case. */
export function blockedText(blockedBy: NonNullable<CaseResult['blocked_by']>): string {
  return `blocked: ${blockedBy.at} failed; tested by ${blockedBy.tested_by}`;
}

/** The first line of a text: a summary or a message is shown on one line. */
export function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

/** The report's root causes (none in a report of runner contract v1). */
export function causesOf(report: Pick<Report, 'causes'>): RootCause[] {
  return report.causes ?? [];
}

/** Each case's cause, by case id (the causes list their cases; `withRootCauses` wrote both at once). */
export function causeByCase(report: Pick<Report, 'causes'>): Map<string, RootCause> {
  const byCase = new Map<string, RootCause>();
  for (const cause of causesOf(report)) for (const c of cause.cases) byCase.set(c.id, cause);
  return byCase;
}

/** Outcomes that did not pass and were not expected not to: what a reporter marks as a failure. */
export const FAILED_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['fail', 'error', 'timeout', 'xpass']);

/** The order a cause's cases are listed in, by outcome: what failed first, what was blocked by it last. */
const CAUSE_OUTCOMES: Outcome[] = ['fail', 'error', 'timeout', 'xfail', 'blocked', 'xpass', 'inconclusive', 'pass', 'skip'];

/** A cause's case ids by outcome, in that order (report order within an outcome). */
export function casesByOutcome(cause: RootCause): [Outcome, string[]][] {
  return CAUSE_OUTCOMES.map((o) => [o, cause.cases.filter((c) => c.outcome === o).map((c) => c.id)] as [Outcome, string[]]).filter(([, ids]) => ids.length > 0);
}

/** "1 case", "20 cases". */
export function casesCount(n: number): string {
  return `${n} case${n === 1 ? '' : 's'}`;
}

/** Why a partial run left cases out, in one line. */
export function partialHeadline(partial: PartialRun): string {
  const count = partial.missing.length === 1 ? '1 case' : `${partial.missing.length} cases`;
  const maxTime = partial.max_time_ms === undefined ? '' : ` of --max-time ${formatDuration(partial.max_time_ms)}`;
  if (partial.reason === 'interrupted')
    return `interrupted${partial.signal ? ` by ${partial.signal}` : ''}: ${count} did not finish${partial.shards ? ` (shards ${partial.shards.join(', ')})` : ''}`;
  return `out of time: ${count} left out, their time limits did not fit in what was left${maxTime}${partial.shards ? ` (shards ${partial.shards.join(', ')})` : ''}`;
}
