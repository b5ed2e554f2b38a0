// Which clauses of the spec hold for a target: the verdict of a clause is read from the cases that name
// it. A case may name several clauses and cannot say which of them a failed check belongs to, so a
// clause "deviates" as soon as one of its cases did not pass; the verdict lists the passing rest.
//
//   conforms    every case of the clause that ran passed (xpass included)
//   deviates    a case failed, errored or timed out, or is an expected failure (xfail) for a server
//               deviation
//   case issue  the only failures are expected failures whose reason starts with CASE: the case is at
//               fault, not the server (the convention of fixtures/expectations/*.yaml)
//   not tested  no case of the clause judged: each was skipped, inconclusive (a premise broken) or
//               blocked (a request it relies on failed; the case that tests that request carries the
//               verdict, so one defect is counted once)
//   no case     no case of this report names it
import { isUnjudged, type CaseResult, type ClauseInfo, type Report } from './report.js';
import { SPEC_VERSIONS, type SpecVersion } from './spec-versions.js';

export type ClauseVerdictName = 'conforms' | 'deviates' | 'case issue' | 'not tested' | 'no case';
export const CLAUSE_VERDICTS: ClauseVerdictName[] = ['deviates', 'case issue', 'conforms', 'not tested', 'no case'];

/** The fields of a case result a clause verdict needs (older saved reports have no more). */
export interface VerdictCase {
  id: string;
  outcome: string;
  message?: string;
  expectation?: { reason: string };
}

export interface ClauseVerdict {
  verdict: ClauseVerdictName;
  /** Cases that ran and did not pass for a server deviation. */
  deviating: string[];
  passed: string[];
  /** Expected failures blamed on the case (reason starting with CASE). */
  caseIssues: string[];
  /** Why the cases did not judge (skipped, inconclusive, blocked), when none did. */
  skipped: string[];
}

function isCaseIssue(c: VerdictCase): boolean {
  return c.outcome === 'xfail' && (c.expectation?.reason.startsWith('CASE') ?? false);
}

export function clauseVerdict(cases: VerdictCase[]): ClauseVerdict {
  const ran = cases.filter((c) => !isUnjudged(c.outcome));
  const deviating = ran.filter((c) => ['fail', 'error', 'timeout'].includes(c.outcome) || (c.outcome === 'xfail' && !isCaseIssue(c))).map((c) => c.id);
  const caseIssues = ran.filter(isCaseIssue).map((c) => c.id);
  const passed = ran.filter((c) => c.outcome === 'pass' || c.outcome === 'xpass').map((c) => c.id);
  const skipped = ran.length === 0 ? [...new Set(cases.map((c) => c.message ?? 'skipped'))] : [];
  let verdict: ClauseVerdictName;
  if (cases.length === 0) verdict = 'no case';
  else if (ran.length === 0) verdict = 'not tested';
  else if (deviating.length > 0) verdict = 'deviates';
  else if (passed.length > 0) verdict = 'conforms';
  else verdict = 'case issue';
  return { verdict, deviating, passed, caseIssues, skipped };
}

/** The cases of a report by the clause they name. */
export function casesByClause<C extends { clauses: string[] }>(cases: C[]): Map<string, C[]> {
  const byClause = new Map<string, C[]>();
  for (const c of cases) for (const id of c.clauses) byClause.set(id, [...(byClause.get(id) ?? []), c]);
  return byClause;
}

/** One row of a clause matrix: the clause, the area it belongs to, its cases and its verdict. */
export interface ClauseRow {
  clause: ClauseInfo;
  /** The area of most of its cases (ties: the first in suite order); "" without cases. */
  area: string;
  cases: CaseResult[];
  verdict: ClauseVerdict;
}

/**
 * The report's clauses (its catalogue; out-of-scope ones left out) with their verdicts. Clause ids that
 * cases name but the catalogue lacks (or a report without a catalogue) get a row with what is known.
 */
export function clauseRows(report: Pick<Report, 'cases' | 'clauses'>): ClauseRow[] {
  const byClause = casesByClause(report.cases);
  const catalogue = report.clauses ?? [];
  const known = new Set(catalogue.map((c) => c.id));
  const unknown: ClauseInfo[] = [...byClause.keys()]
    .filter((id) => !known.has(id))
    .map((id) => ({ id, level: byClause.get(id)![0]!.level, scope: 'server', spec: specOfId(id), section: '', text: '' }));
  return [...catalogue.filter((c) => c.scope !== 'out-of-scope'), ...unknown].map((clause) => {
    const cases = byClause.get(clause.id) ?? [];
    return { clause, area: mainArea(cases), cases, verdict: clauseVerdict(cases) };
  });
}

function mainArea(cases: CaseResult[]): string {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.area, (counts.get(c.area) ?? 0) + 1);
  let best = '';
  for (const [area, n] of counts) if (n > (counts.get(best) ?? 0)) best = area;
  return best;
}

/** Clause ids start with their text's prefix (schemas/clauses.schema.json): v1-, r0-, early-. */
function specOfId(id: string): SpecVersion {
  if (id.startsWith('r0-')) return 'r0';
  if (id.startsWith('early-')) return 'early';
  return 'v1.19';
}

const TITLES: Record<SpecVersion, string> = {
  'v1.19': 'v1.19 (the current text)',
  r0: 'r0',
  early: 'early (the Client-Server API before r0)',
};

/** The spec texts in the order a reader meets them (SPEC_VERSIONS), with their headings. */
export const SPEC_TEXTS: { spec: SpecVersion; title: string }[] = SPEC_VERSIONS.map((spec) => ({ spec, title: TITLES[spec] }));
