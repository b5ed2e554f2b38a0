// Writes what `profile init` found as a target profile (schemas/target.schema.json) with a comment on
// every value saying how it was found, so a reader can check each claim, and how to set what could not
// be found. The text is parsed and validated against the schema before anyone gets it.
import { compareReleases, familyOf, isRelease, type Release } from '../../project/releases.js';
import { DEFAULT_TIMERS, parseTargetProfile, type Timers } from '../load/load-target.js';
import type { ProbeReport } from './probe-server.js';
import { SWITCH_PRESENCE_ON } from '../contact/presence-switch.js';
import { summariseVersions } from '../../project/spec-versions.js';
import { DEFAULT_MAX_WAIT_MS, type MeasuredTimer } from './timer-measurement.js';
import { formatDuration } from '../../project/format-duration.js';

export interface ProfileText {
  text: string;
  name: string;
}

/** A YAML scalar: JSON strings are valid YAML double-quoted strings. */
function q(value: string): string {
  return /^[A-Za-z0-9@._:/ -]+$/.test(value) && !/^[-:@ ]|[ :]$|: | #/.test(value) ? value : JSON.stringify(value);
}

/** Wraps a comment at about 100 columns; continuation lines get `hang` after the "# ". */
function comment(text: string, indent = '', hang = ''): string[] {
  const lines: string[] = [];
  const lead = /^\s*/.exec(text)![0];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > 98 - indent.length - hang.length) {
      lines.push(`${indent}# ${lines.length === 0 ? lead : hang}${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}# ${lines.length === 0 ? lead : hang}${line}`);
  return lines;
}

function profileName(report: ProbeReport): string {
  const word = report.software
    ?.split(/\s+/)[0]
    ?.toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
  return word || 'homeserver';
}

const SERVER_TIMER_SETTINGS: Record<MeasuredTimer, string> = {
  idle_timeout: 'online -> unavailable without activity (Synapse: presence.idle_timeout)',
  sync_online_timeout: 'offline once a user stops syncing (Synapse: presence.sync_online_timeout)',
  last_active_granularity: 'currently_active stays true this long (Synapse: presence.last_active_granularity)',
};

function timerLines(report: ProbeReport): string[] {
  const lines = ['timers:'];
  const server = ['idle_timeout', 'sync_online_timeout', 'last_active_granularity'] as const;
  const seen = server.filter((t) => report.timers[t] !== undefined);
  if (seen.length > 0) {
    lines.push(
      ...comment(
        `Measured by waiting: ${seen.join(', ')}. A measured time includes any delay with which the server applies its timers (Synapse: a loop every 5 s), so the configured value may be lower: where you know it, write that.`,
        '  ',
      ),
    );
  }
  if (seen.length < server.length) {
    lines.push(
      ...comment(
        `${seen.length > 0 ? 'The others' : "The server's timers"} were not seen changing ${report.timersMeasured ? `in the time profile init waited (--measure-timers waits up to ${formatDuration(DEFAULT_MAX_WAIT_MS)})` : '(presence is not on, or there were no users to measure with)'}: these are the common defaults (Synapse's). Write the values the server is configured with, and add the capability (idle_timeout, sync_online_timeout, currently_active) whose timer is then known.`,
        '  ',
      ),
    );
  }
  for (const timer of server) {
    const value = report.timers[timer];
    lines.push(`  ${timer}: ${value ?? DEFAULT_TIMERS[timer]}    # ${value !== undefined ? 'measured' : 'default'}; ${SERVER_TIMER_SETTINGS[timer]}`);
  }
  const runner: [keyof Timers, string][] = [
    ['request_timeout', "the runner's limit for one request"],
    ['sync_poll_timeout', "the timeout of the runner's /sync long-polls"],
    ['delivery_deadline', 'how long a case waits for presence to arrive (more for a server late with timed changes)'],
  ];
  for (const [timer, what] of runner) lines.push(`  ${timer}: ${DEFAULT_TIMERS[timer]}    # ${what}`);
  const seenTimers: [keyof Timers, string, { value: number; why: string } | undefined][] = [
    ['visibility_deadline', 'how long a change may take to show in GET and /sync', report.visibilityDeadline],
    ['last_active_precision', 'the slack on last_active_ago bounds', report.lastActivePrecision],
  ];
  for (const [timer, what, seen] of seenTimers) {
    lines.push(...comment(`${what}: ${seen ? seen.why : 'not seen, the default'}`, '  '), `  ${timer}: ${seen?.value ?? DEFAULT_TIMERS[timer]}`);
  }
  return lines;
}

function registrationLines(report: ProbeReport, usersNeeded: number | undefined): string[] {
  const r = report.registration;
  const lines = ['registration:', ...comment(r.finding.conclusion, '  '), `  method: ${r.registration.method}`];
  if (r.registration.method === 'shared_secret') {
    if (r.placeholder) lines.push(...comment("REPLACE-ME: the registration_shared_secret of the server's configuration", '  '));
    lines.push(`  shared_secret: ${q(r.registration.shared_secret ?? '')}`);
  }
  if (r.registration.method === 'static') {
    const need = usersNeeded === undefined ? '' : ` A whole run with this profile needs ${usersNeeded} (one per actor of each case that runs).`;
    lines.push(
      ...comment(
        `${r.placeholder ? 'REPLACE-ME: pre-made users of the server, each with a valid access token.' : 'Pre-made users, handed out one per actor of each case, in order.'}${need}`,
        '  ',
      ),
    );
    lines.push('  users:');
    for (const u of r.registration.users ?? []) {
      lines.push(
        `    - { user_id: ${JSON.stringify(u.user_id)}, access_token: ${JSON.stringify(u.access_token)}${u.device_id ? `, device_id: ${JSON.stringify(u.device_id)}` : ''} }`,
      );
    }
  }
  return lines;
}

/** The older APIs the server also speaks: each is tested by a profile of its own (spec_version). */
function otherDialects(report: ProbeReport): string[] {
  const r0 = report.versions.filter((v) => v.startsWith('r0.') && isRelease(v)).sort((x, y) => compareReleases(x as Release, y as Release));
  const others = [
    familyOf(report.release) !== 'r0' && r0.length > 0 ? `r0 (/versions lists ${summariseVersions(r0)})` : undefined,
    /^the early prefix \S+ answers/.test(report.findings.find((f) => f.topic === 'early prefix')?.conclusion ?? '')
      ? 'the early API (its prefix answers presence requests)'
      : undefined,
  ].filter(Boolean);
  if (others.length === 0) return [];
  return comment(
    `The server also speaks ${others.join(' and ')}: a copy of this profile with spec_version set to one of those releases (e.g. r0.6.1) or early tests that API and the cases of its release.`,
  );
}

/**
 * The profile text for a probe report. `usersNeeded` (static registration) is how many users a whole
 * run with this profile needs.
 */
export function writeProfile(report: ProbeReport, options: { date?: Date; usersNeeded?: number } = {}): ProfileText {
  const name = profileName(report);
  const date = (options.date ?? new Date()).toISOString().slice(0, 10);
  const who = report.software ? `${report.software} at ${report.url}` : report.url;
  const lines: string[] = [
    ...comment(
      `Target profile for ${who}, written by \`matrix-presence-conformance profile init\` on ${date}. Each value says how it was found; a capability is claimed only where the probe saw the behaviour. Field reference: docs/profiles.md.`,
    ),
  ];
  if (report.presence && report.presence.verdict === 'off') {
    lines.push(
      '#',
      ...comment(`PRESENCE IS OFF on this server: ${report.presence.seen}. A run stops at once; ${SWITCH_PRESENCE_ON}, then run profile init again.`),
    );
  }
  if (report.registration.placeholder) {
    lines.push(
      '#',
      ...comment(
        'REPLACE-ME: the runner cannot make users on this server by itself; fill in the registration below (a run stops and says so until then), then run profile init again with --users or --shared-secret to probe the rest.',
      ),
    );
  }
  lines.push(
    `name: ${q(name)}`,
    `description: ${q(`${who}, probed by profile init on ${date}`)}`,
    ...comment(`/_matrix/client/versions advertises ${summariseVersions(report.versions)}`),
    ...otherDialects(report),
    ...comment(`spec_version: ${report.release}, ${report.releaseWhy}`),
    `spec_version: ${report.release}`,
  );
  if (report.presenceListPath) lines.push(`presence_list_path: ${report.presenceListPath}    # where GET presence/list answered (capabilities, presence_list)`);
  if (report.serverName) lines.push(`server_name: ${q(report.serverName)}    # from the probe users' ids`);
  lines.push(...registrationLines(report, options.usersNeeded), ...timerLines(report));
  if (report.rateLimit) {
    lines.push(
      '# PUT presence rate limit: how it was measured is under capabilities, rate_limit',
      'rate_limit:',
      `  per_second: ${report.rateLimit.per_second}`,
      `  burst: ${report.rateLimit.burst}`,
    );
    if (report.rateLimit.counts_sync) lines.push('  counts_sync: true    # every /sync draws from the same bucket: the runner paces them too');
  }
  const claimed = report.capabilities.filter((f) => f.claimed);
  lines.push(...comment('Optional behaviours the probe saw; the cases that need one not listed here are skipped.'));
  if (claimed.length === 0) lines.push('capabilities: []');
  else {
    lines.push('capabilities:');
    for (const f of claimed) lines.push(...comment(f.conclusion.replace(/^claimed: /, ''), '  '), `  - ${f.capability}`);
  }
  const unclaimed = report.capabilities.filter((f) => !f.claimed);
  if (unclaimed.length > 0) {
    lines.push('# Not claimed:');
    for (const f of unclaimed) lines.push(...comment(`  ${f.capability}: ${f.conclusion.replace(/^not claimed: /, '')}`, '', '    '));
  }
  const text = `${lines.join('\n')}\n`;
  // The file must load as a profile, as `run --target` will load it.
  parseTargetProfile(text, '(written profile)');
  return { text, name };
}
