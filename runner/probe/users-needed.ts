// How many pre-made users a whole run needs: one per actor of each case that runs, since the runner
// hands static users out one per actor and never reuses one (provision/provision.ts).
import { suitesDir } from '../../project/paths.js';
import type { TargetProfile } from '../load/load-target.js';
import { loadSuites } from '../load/load-suite.js';
import type { SuiteCase } from '../load/suite-types.js';
import { planRun } from '../plan/plan.js';

export function actorsOf(cases: SuiteCase[]): number {
  return cases.reduce((n, c) => n + c.actors.length, 0);
}

/** Users a run of every suite under suites/ needs for a target with these claims. */
export async function usersNeededForRun(target: Pick<TargetProfile, 'spec_version' | 'release' | 'capabilities' | 'registration'>): Promise<number> {
  const suites = await loadSuites([suitesDir]);
  const plan = planRun(suites, target as TargetProfile, {}, new Map());
  return actorsOf(plan.cases.filter((p) => !p.skip).map((p) => p.case));
}
