// `watch`: the watcher takes its since token now, so that its later sync_until steps see what changes
// from here on. Events a later /sync of an already watching actor carries stay for its next steps.
import type { WatchStep } from '../../load/suite-types.js';
import type { CaseRun } from '../case-run.js';
import { pollOnce } from '../sync-poll.js';

export async function runWatchStep(step: WatchStep, run: CaseRun): Promise<void> {
  const actor = run.actor(step.as, step.device);
  const events = await pollOnce(run, actor, { at: step.at, step: 'watch', setPresence: step.set_presence, filter: step.filter, timeoutMs: 0 });
  if (events.length > 0) run.backlog.set(actor.name, [...(run.backlog.get(actor.name) ?? []), ...events]);
}
