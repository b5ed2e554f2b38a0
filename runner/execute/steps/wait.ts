// `wait`: a pause of the suite's duration, cut short only by the case's time limit.
import type { WaitStep } from '../../load/suite-types.js';
import type { CaseRun } from '../case-run.js';
import { formatDuration } from '../../../project/format-duration.js';

export async function runWaitStep(step: WaitStep, run: CaseRun): Promise<void> {
  const ms = run.duration(step.duration);
  run.progress(`waiting ${formatDuration(ms)}`, ms);
  await run.sleep(ms);
}
