// What running with the generic profile (no --target) means, in the words the run's header shows: that
// no profile was given, which cases are skipped for capabilities it does not claim, how long the timed
// ones would wait with the default timers, and how to write a profile.
import { formatDuration } from '../../project/format-duration.js';
import type { Capability, TargetProfile } from '../load/load-target.js';
import { caseTimeoutMs } from './time-limit.js';
import type { PlannedCase } from './plan.js';

/** Capabilities whose cases wait for a server timer. */
const TIMED: Capability[] = ['idle_timeout', 'sync_online_timeout', 'currently_active'];

export function genericProfileNotes(profile: TargetProfile, cases: PlannedCase[], baseUrl: string): string[] {
  const t = profile.timers;
  const notes = [
    `no target profile given: the generic profile (${profile.source}) claims no optional behaviour; registration is open m.login.dummy (the server offers it), timers the common defaults (idle ${formatDuration(t.idle_timeout)}, sync-online ${formatDuration(t.sync_online_timeout)}, currently_active ${formatDuration(t.last_active_granularity)})${profile.spec_version === 'r0' ? `, and the r0 API (${profile.release}), the only one /versions advertises` : ''}`,
  ];
  const byCapability = new Map<Capability, PlannedCase[]>();
  for (const p of cases) {
    if (p.skipKind !== 'capability') continue;
    for (const cap of p.case.requires.filter((c) => !profile.capabilities.includes(c))) byCapability.set(cap, [...(byCapability.get(cap) ?? []), p]);
  }
  const skipped = new Set([...byCapability.values()].flat());
  if (skipped.size > 0) {
    const list = [...byCapability]
      .sort((x, y) => y[1].length - x[1].length)
      .map(([cap, ps]) => `${cap} (${ps.length})`)
      .join(', ');
    notes.push(`${skipped.size === 1 ? '1 case is' : `${skipped.size} cases are`} skipped because they need a capability this profile does not claim: ${list}`);
    const timed = [...skipped].filter((p) => p.case.requires.some((c) => TIMED.includes(c)));
    if (timed.length > 0) {
      const longest = Math.max(...timed.map((p) => caseTimeoutMs(p.case, t)));
      notes.push(
        `${timed.length} of them wait for the server's timers: with the default timers each could take up to ${formatDuration(longest)} (its time limit), and they need the server's actual timers, which only a profile gives`,
      );
    }
  }
  const otherApis = cases.filter((p) => p.skipKind === 'spec_version').length;
  if (otherApis > 0)
    notes.push(
      `${otherApis === 1 ? '1 case holds' : `${otherApis} cases hold`} only in other releases than ${profile.release}, the highest this server advertises and the one this run speaks`,
    );
  notes.push(
    `to test the rest, write a profile of this server: matrix-presence-conformance profile init --homeserver ${baseUrl} --out my-server.yaml, then run --homeserver ${baseUrl} --target my-server.yaml`,
  );
  return notes;
}
