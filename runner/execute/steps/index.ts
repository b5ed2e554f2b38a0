// One module per step kind, behind one dispatch function. A new step kind is a new module here, one
// entry in STEP_RUNNERS, its time budget in STEP_BUDGETS (plan/time-limit.ts), its shape in
// schemas/suite.schema.json and its type in load/suite-types.ts.
import type { Step } from '../../load/suite-types.js';
import { located } from '../located.js';
import type { CaseRun } from '../case-run.js';
import { runRequestStep } from './request.js';
import { runSyncUntilStep } from './sync-until.js';
import { runWaitStep } from './wait.js';
import { runWatchStep } from './watch.js';

type StepRunners = { [K in Step['kind']]: (step: Extract<Step, { kind: K }>, run: CaseRun) => Promise<void> };

const STEP_RUNNERS: StepRunners = {
  request: runRequestStep,
  sync_until: runSyncUntilStep,
  watch: runWatchStep,
  wait: runWaitStep,
};

/** Runs one step; its checks are recorded in `run` as they are made. */
export function runStep(step: Step, run: CaseRun): Promise<void> {
  const runner = STEP_RUNNERS[step.kind] as (step: Step, run: CaseRun) => Promise<void>;
  return located(step.at, () => runner(step, run));
}
