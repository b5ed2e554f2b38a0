// `wait`: a pause of the suite's duration, cut short only by the case's time limit.
import type { WaitStep } from '../../load/suite-types.js';
import type { CaseRun } from '../case-run.js';

export async function runWaitStep(step: WaitStep, run: CaseRun): Promise<void> {
  await run.sleep(run.duration(step.duration));
}
