// What a run tests, level by level: how many cases ran and why the others did not, and which clauses of
// the catalogue (suites/clauses.yaml) of the target's own spec text the run checked (a v1.19 server is
// not judged by the early text, nor an early one by v1.19's). A run that skips MUST clauses because the target
// claims no capability for them must not end like a full run; the reporters show this next to the
// verdict.
import type { LevelCoverage, NotRunReason, RunCoverage } from '../../project/report.js';
import type { Clause } from '../load/load-clauses.js';
import type { PlannedCase } from './plan.js';

const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;

const WHY: Record<NotRunReason, string> = {
  selection: 'not selected (--grep, --tag, --level)',
  spec_version: "not for the target's spec version",
  capability: 'capability not claimed',
  registration: 'needs devices static users lack',
  expectation: 'skipped by the expectations file',
};

/** Words for a not-run case, e.g. "capability not claimed: presence_list". */
function whyNotRun(p: PlannedCase): string {
  const kind = p.skipKind ?? 'selection';
  if (kind === 'capability') return `${WHY.capability}: ${p.case.requires.join(', ')}`;
  return WHY[kind];
}

export function runCoverage(cases: PlannedCase[], clauses: Clause[] | undefined, specVersion: string): RunCoverage {
  const coverage: RunCoverage = {};
  for (const level of LEVELS) {
    const atLevel = cases.filter((p) => p.case.level === level);
    const notRun: LevelCoverage['cases_not_run'] = {};
    for (const p of atLevel.filter((pc) => pc.skip)) notRun[p.skipKind ?? 'selection'] = (notRun[p.skipKind ?? 'selection'] ?? 0) + 1;
    const entry: LevelCoverage = { cases_run: atLevel.filter((p) => !p.skip).length, cases_not_run: notRun, clauses_tested: 0, clauses_not_tested: [] };
    for (const clause of (clauses ?? []).filter((c) => c.scope === 'server' && c.level === level && (c.spec ?? specVersion) === specVersion)) {
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


