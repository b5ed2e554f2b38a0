// What a run tests, level by level: how many cases ran and why the others did not, and which clauses of
// the catalogue (suites/clauses.yaml) the run checked. A run that skips MUST clauses because the target
// claims no capability for them must not end like a full run; the reporters show this next to the
// verdict.
import type { Level, LevelCoverage, NotRunReason, RunCoverage } from '../../project/report.js';
import type { Clause } from '../load/load-clauses.js';
import type { PlannedCase } from './plan.js';

const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;

const WHY: Record<NotRunReason, string> = {
  selection: 'not selected (--grep, --tag, --level)',
  spec_version: "not for the target's spec version",
  capability: 'capability not claimed',
  expectation: 'skipped by the expectations file',
};

/** Words for a not-run case, e.g. "capability not claimed: presence_list". */
function whyNotRun(p: PlannedCase): string {
  const kind = p.skipKind ?? 'selection';
  if (kind === 'capability') return `${WHY.capability}: ${p.case.requires.join(', ')}`;
  return WHY[kind];
}

export function runCoverage(cases: PlannedCase[], clauses: Clause[] | undefined): RunCoverage {
  const coverage: RunCoverage = {};
  for (const level of LEVELS) {
    const atLevel = cases.filter((p) => p.case.level === level);
    const notRun: LevelCoverage['cases_not_run'] = {};
    for (const p of atLevel.filter((pc) => pc.skip)) notRun[p.skipKind ?? 'selection'] = (notRun[p.skipKind ?? 'selection'] ?? 0) + 1;
    const entry: LevelCoverage = { cases_run: atLevel.filter((p) => !p.skip).length, cases_not_run: notRun, clauses_tested: 0, clauses_not_tested: [] };
    for (const clause of (clauses ?? []).filter((c) => c.scope === 'server' && c.level === level)) {
      const naming = cases.filter((p) => p.case.clauses.includes(clause.id));
      if (naming.some((p) => !p.skip)) entry.clauses_tested += 1;
      else {
        const why = naming.length === 0 ? 'no case in this run names it' : [...new Set(naming.map(whyNotRun))].join('; ');
        entry.clauses_not_tested.push({ id: clause.id, why });
      }
    }
    if (atLevel.length > 0 || entry.clauses_not_tested.length > 0) coverage[level] = entry;
  }
  return coverage;
}

/** Whether the run left out something of a gating level (MUST, or any with --strict). */
export function isPartial(coverage: RunCoverage, strict: boolean): boolean {
  const levels: Exclude<Level, 'INFO'>[] = strict ? [...LEVELS] : ['MUST'];
  return levels.some((l) => (coverage[l]?.clauses_not_tested.length ?? 0) > 0 || Object.keys(coverage[l]?.cases_not_run ?? {}).length > 0);
}
