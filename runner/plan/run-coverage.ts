// What a run tests, level by level: how many cases ran and why the others did not, and which clauses of
// the catalogue (suites/clauses.yaml) the run checked. The clauses that count are those of the target's
// own spec text (a v1.19 server is not judged by the early text, nor an early one by v1.19's) and those
// of another text that a case of the target's text names: the texts share most rules (r0's presence
// module is v1.19's ancestor), and the catalogue states each rule once, in the newest text that has it. A run that skips MUST clauses because the target
// claims no capability for them must not end like a full run; the reporters show this next to the
// verdict.
import type { LevelCoverage, NotRunReason, RunCoverage } from '../../project/report.js';
import type { Clause } from '../load/load-clauses.js';
import type { TargetProfile } from '../load/load-target.js';
import { inRange, type Release } from '../../project/releases.js';
import type { SpecVersion } from '../../project/spec-versions.js';
import type { PlannedCase } from './plan.js';

export const LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
/** Why a clause is untested when no case of the run names it. */
export const NO_CASE = 'no case in this run names it';

const WHY: Record<NotRunReason, string> = {
  selection: 'not selected (--grep, --tag, --level)',
  spec_version: "not for the target's release",
  capability: 'capability not claimed',
  registration: 'needs devices static users lack',
  expectation: 'skipped by the expectations file',
};

/**
 * Why the cases naming a clause did not run, in a few words: "capability not claimed: idle_timeout,
 * message_activity" (only the capabilities the target lacks), "not for the target's release".
 */
function whyNotRun(naming: PlannedCase[], claimed: ReadonlySet<string>): string {
  const kinds = new Set(naming.map((p) => p.skipKind ?? 'selection'));
  const missing = new Set(naming.filter((p) => p.skipKind === 'capability').flatMap((p) => p.case.requires.filter((c) => !claimed.has(c))));
  return [...kinds].map((kind) => (kind === 'capability' ? `${WHY.capability}: ${[...missing].join(', ')}` : WHY[kind])).join('; ');
}

/**
 * Whether a clause binds a server of this release: its text is the release's own (or a case of the
 * release's text names it), and the release is within the clause's range.
 */
function inText(clause: Clause, cases: PlannedCase[], specVersion: SpecVersion, release: Release): boolean {
  if (clause.releases && !inRange(release, clause.releases)) return false;
  if ((clause.spec ?? specVersion) === specVersion) return true;
  return cases.some(
    (p) =>
      p.case.clauses.includes(clause.id) && (p.case.spec_versions?.includes(specVersion) ?? true) && (!p.case.releases || inRange(release, p.case.releases)),
  );
}

export function runCoverage(
  cases: PlannedCase[],
  clauses: Clause[] | undefined,
  target: Pick<TargetProfile, 'spec_version' | 'release' | 'capabilities'>,
): RunCoverage {
  const specVersion = target.spec_version;
  const claimed = new Set<string>(target.capabilities);
  const coverage: RunCoverage = {};
  for (const level of LEVELS) {
    const atLevel = cases.filter((p) => p.case.level === level);
    const notRun: LevelCoverage['cases_not_run'] = {};
    for (const p of atLevel.filter((pc) => pc.skip)) notRun[p.skipKind ?? 'selection'] = (notRun[p.skipKind ?? 'selection'] ?? 0) + 1;
    const entry: LevelCoverage = { cases_run: atLevel.filter((p) => !p.skip).length, cases_not_run: notRun, clauses_tested: 0, clauses_not_tested: [] };
    for (const clause of (clauses ?? []).filter((c) => c.scope === 'server' && c.level === level && inText(c, cases, specVersion, target.release))) {
      const naming = cases.filter((p) => p.case.clauses.includes(clause.id));
      if (naming.some((p) => !p.skip)) entry.clauses_tested += 1;
      else {
        // The cases of the target's own text say why; those of other texts only when it has none.
        const ownText = naming.filter((p) => p.skipKind !== 'spec_version');
        const why = naming.length === 0 ? NO_CASE : whyNotRun(ownText.length > 0 ? ownText : naming, claimed);
        entry.clauses_not_tested.push({ id: clause.id, why });
      }
    }
    if (atLevel.length > 0 || entry.clauses_not_tested.length > 0) coverage[level] = entry;
  }
  return coverage;
}
