// `profile init`: asks a homeserver what it offers and returns the findings a target profile is written
// from (profile-writer.ts). The order matters: who the server is, how users are made, whether presence
// is on at all (nothing else is worth asking otherwise), then one probe per capability, each with a user
// of its own where the server's rate limit would otherwise make the probes wait on each other. Without
// --measure-timers everything fits in the time budget (50 s), however the server answers.
import { formatDuration } from '../../project/format-duration.js';
import type { StaticUser } from '../load/load-target.js';
import { discoverRelease } from '../contact/reach-homeserver.js';
import { dialectFor } from '../dialect/dialects.js';
import type { Release } from '../../project/releases.js';
import type { PresenceListPath } from '../load/templates.js';
import { provisionRoom } from '../provision/provision.js';
import {
  currentlyActiveFinding,
  currentlyActiveFlipFinding,
  notProbed,
  probeEarlyPrefix,
  probeFreeForChat,
  probePresenceFilter,
  probePresenceList,
  probeMessageActivity,
  probeProfilePropagation,
  probeQueryToken,
  probeR0Paths,
} from './capability-probes.js';
import type { CapabilityFinding, Finding } from './findings.js';
import { checkPresenceSwitch, type PresenceSwitch, type ProbeUser } from '../contact/presence-switch.js';
import { ProbeSession } from '../contact/probe-session.js';
import { probeRateLimit, type RateLimitOutcome } from './rate-limit-probe.js';
import { probeRegistration, type RegistrationOutcome } from './registration-probe.js';
import { summariseVersions } from '../../project/spec-versions.js';
import { readServerSoftware } from '../contact/server-identity.js';
import { DEFAULT_MAX_WAIT_MS, measureTimers, roundUpNice, type MeasuredTimer, type TimerMeasurement } from './timer-measurement.js';
import { localpartOf } from '../../project/user-id.js';

export const PROBE_BUDGET_MS = 50_000;
export const PROBE_REQUEST_TIMEOUT_MS = 5_000;

export interface ProbeOptions {
  homeserver: string;
  /** Pre-made users to use instead of registering (--users FILE). */
  users?: StaticUser[];
  /** The server's registration_shared_secret (--shared-secret). */
  sharedSecret?: string;
  /** Also measure the presence timers by waiting (minutes). */
  measureTimers?: boolean;
  /** How long a timer measurement may wait (default 6 min). */
  maxWaitMs?: number;
  /** Time for everything but the timer measurement (default 50 s). */
  budgetMs?: number;
  requestTimeoutMs?: number;
  /** Called with each finding as soon as it is made. */
  onFinding?: (finding: Finding) => void;
  onProgress?: (line: string) => void;
}

export interface ProbeReport {
  url: string;
  software?: string;
  versions: string[];
  /** The release the probes spoke and the profile names: the highest the server advertises. */
  release: Release;
  /** How the release was chosen. */
  releaseWhy: string;
  /** Where the early presence list is served, when it is. */
  presenceListPath?: PresenceListPath;
  serverName?: string;
  registration: RegistrationOutcome;
  /** Undefined when no user could be had to ask. */
  presence?: PresenceSwitch;
  capabilities: CapabilityFinding[];
  rateLimit?: RateLimitOutcome['rateLimit'];
  /** Timers measured (with --measure-timers); the others stay at their defaults. */
  timers: Partial<Record<MeasuredTimer, number>>;
  /** visibility_deadline from how fast a write showed (4 times that, at least 500 ms), when seen. */
  visibilityDeadline?: { value: number; why: string };
  /** last_active_precision from how far last_active_ago read right after activity exceeded the time since. */
  lastActivePrecision?: { value: number; why: string };
  timersMeasured: boolean;
  findings: Finding[];
  durationMs: number;
}

const CAPABILITY_ORDER = [
  'currently_active',
  'currently_active_flip',
  'idle_timeout',
  'sync_online_timeout',
  'rate_limit',
  'message_activity',
  'profile_propagation',
  'presence_filter',
  'query_string_token',
  'r0_paths',
  'free_for_chat',
  'presence_list',
] as const;

function actor(name: string, u: ProbeUser) {
  return { name, user_id: u.user_id, localpart: localpartOf(u.user_id), access_token: u.access_token };
}

/** A room of the timed users and the watcher (idle user creates it); undefined, reported, when it cannot be made. */
async function roomForWatcher(
  session: ProbeSession,
  idleUser: ProbeUser,
  syncUser: ProbeUser | undefined,
  watcher: ProbeUser,
  report: (f: Finding) => void,
): Promise<string | undefined> {
  const mark = session.mark;
  const actors = { idle: actor('idle', idleUser), watcher: actor('watcher', watcher), ...(syncUser ? { sync: actor('sync', syncUser) } : {}) };
  try {
    const room = await provisionRoom(
      session.client,
      session.dialect,
      { name: 'timers', creator: 'idle', members: syncUser ? ['watcher', 'sync'] : ['watcher'], preset: 'private_chat' },
      actors,
    );
    return room.room_id;
  } catch (err) {
    report({
      topic: 'timers',
      conclusion: `could not make a room for the watcher of the timers, so they are read from GET alone: ${(err as Error).message}`,
      evidence: session.evidenceSince(mark),
    });
    return undefined;
  }
}

export async function probeServer(options: ProbeOptions): Promise<ProbeReport> {
  const started = Date.now();
  const findings: Finding[] = [];
  const report = (f: Finding): void => {
    findings.push(f);
    options.onFinding?.(f);
  };
  const requestTimeout = options.requestTimeoutMs ?? PROBE_REQUEST_TIMEOUT_MS;
  const url = options.homeserver.replace(/\/+$/, '');

  // Not a homeserver, or not there: one sentence and nothing written (ConfigError, exit 2).
  const { release, advertised, why: releaseWhy } = await discoverRelease(url, requestTimeout);
  const dialect = dialectFor(release);
  const deadline = started + (options.budgetMs ?? PROBE_BUDGET_MS);
  // A session of its own: a server that hangs on these optional endpoints is not one that stopped answering.
  const software = await readServerSoftware(new ProbeSession(url, deadline, requestTimeout));
  const session = new ProbeSession(url, deadline, requestTimeout, dialect);
  report({
    topic: 'spec versions',
    conclusion: `${advertised.versions.length > 0 ? `advertises ${summariseVersions(advertised.versions)}` : 'advertises no versions'}; speaks ${release} (${releaseWhy}); ${software.software ?? 'the server does not say which software it is'}`,
    evidence: [advertised.evidence, ...software.evidence],
  });

  const registration = await probeRegistration(session, { users: options.users, sharedSecret: options.sharedSecret, wanted: 6 });
  report(registration.finding);
  const [a, b, c, idleUser, syncUser, watcher] = registration.users;

  const capabilities: CapabilityFinding[] = [];
  const claim = (f: CapabilityFinding): void => {
    capabilities.push(f);
    report(f);
  };
  let presence: PresenceSwitch | undefined;
  let rateLimit: RateLimitOutcome['rateLimit'];
  let measuring: Promise<TimerMeasurement> | undefined;
  let switchEvidence: string[] = [];
  let roomId: string | undefined;
  let presenceListPath: PresenceListPath | undefined;
  if (a && c) {
    // A room shared by two probe users: some servers show a user's own presence only to members of a
    // room (conduwuit), and profile propagation is about co-members.
    const mark = session.mark;
    try {
      ({ room_id: roomId } = await provisionRoom(
        session.client,
        session.dialect,
        { name: 'probe', creator: 'a', members: ['c'], preset: 'private_chat' },
        { a: actor('a', a), c: actor('c', c) },
      ));
    } catch (err) {
      report({ topic: 'room', conclusion: `could not make a room for two probe users: ${(err as Error).message}`, evidence: session.evidenceSince(mark) });
    }
  }
  if (a) {
    const mark = session.mark;
    presence = await checkPresenceSwitch(session, a);
    switchEvidence = session.evidenceSince(mark);
    report({
      topic: 'presence',
      conclusion: presence.verdict === 'on' ? "on: a user's own PUT online is read back" : `${presence.verdict}: ${presence.seen}`,
      evidence: switchEvidence,
    });
  }
  // The measurement reads timed changes from a co-member's /sync, which the early API did not have.
  const timersReadable = dialect.stream === 'sync';
  if (presence?.verdict === 'on' && idleUser && timersReadable) {
    // The timers are measured while the other probes run, on users of their own, for as long as the
    // budget allows (or, with --measure-timers, up to several minutes).
    const wait = options.measureTimers ? (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS) : Math.max(0, session.remainingMs() - 2 * requestTimeout);
    const measuringSession = new ProbeSession(url, Date.now() + wait + 2 * requestTimeout, requestTimeout, dialect);
    // The cases read timed changes from a co-member's /sync, so the measurement does too.
    const timedRoom = watcher ? await roomForWatcher(measuringSession, idleUser, syncUser, watcher, report) : undefined;
    measuring = measureTimers(measuringSession, idleUser, syncUser, {
      ...(timedRoom ? { watcher } : {}),
      maxWaitMs: wait,
      shortWaitNote: options.measureTimers
        ? undefined
        : `all profile init waits without --measure-timers, which waits up to ${formatDuration(DEFAULT_MAX_WAIT_MS)}`,
      onProgress: options.measureTimers ? options.onProgress : undefined,
    });
  }
  if (a && presence?.verdict === 'on') {
    claim(currentlyActiveFinding(presence, switchEvidence));
    claim(await probeQueryToken(session, a));
    // The r0 and early prefixes beside the current API (r0_paths, and the early prefix shown for a
    // profile of its own); a server of an older release is probed at its own prefix throughout.
    const current = dialect.version === 'v1.19';
    const r0 = current ? await probeR0Paths(session, a) : notProbed('r0_paths', `the server speaks ${release}, whose own prefix the probes use`);
    claim(r0);
    if (current) report(await probeEarlyPrefix(session, a));
    const list = await probePresenceList(session, a, c);
    presenceListPath = list.path;
    claim(list);
    claim(!current || r0.claimed ? await probeFreeForChat(session, c ?? a) : notProbed('free_for_chat', 'the cases use the r0 prefix, which is not served'));
    claim(await probePresenceFilter(session, a));
    claim(c && roomId ? await probeProfilePropagation(session, a, c) : notProbed('profile_propagation', 'needs two users sharing a room'));
    // Last for this user: it sets them unavailable.
    claim(roomId ? await probeMessageActivity(session, a, roomId) : notProbed('message_activity', 'needs a room to send to'));
    if (b) {
      const outcome = await probeRateLimit(session, b);
      rateLimit = outcome.rateLimit;
      claim({ ...outcome, capability: 'rate_limit', claimed: outcome.rateLimit !== undefined });
    } else {
      claim(notProbed('rate_limit', 'needs a user of its own'));
    }
  }

  let timers: ProbeReport['timers'] = {};
  const excess: number[] = presence?.verdict === 'on' && presence.lastActiveExcessMs !== undefined ? [presence.lastActiveExcessMs] : [];
  if (measuring) {
    const measured = await measuring;
    excess.push(...measured.lastActiveExcessMs);
    timers = measured.timers;
    measured.findings.forEach(report);
    measured.capabilities.forEach(claim);
    claim(currentlyActiveFlipFinding(presence as Extract<PresenceSwitch, { verdict: 'on' }>, timers.last_active_granularity !== undefined));
  }
  const why = !a
    ? 'no user: the runner cannot make users on this server yet'
    : presence?.verdict !== 'on'
      ? `presence is ${presence?.verdict}`
      : !timersReadable
        ? 'the early API has no /sync, where the probes read timed changes and filters'
        : measuring
          ? 'the timer measurement did not reach it: its findings say why'
          : 'the timers need two users of their own';
  const unasked = CAPABILITY_ORDER.filter((capability) => !capabilities.some((f) => f.capability === capability));
  if (unasked.length > 0) {
    capabilities.push(...unasked.map((capability) => notProbed(capability, why)));
    report({ topic: 'capabilities', conclusion: `not claimed, not probed (${why}): ${unasked.join(', ')}`, evidence: [] });
  }
  const visibilityDeadline =
    presence?.verdict === 'on'
      ? {
          value: Math.max(500, roundUpNice(4 * presence.visibleAfterMs)),
          why: `the probe's PUT showed in GET ${formatDuration(presence.visibleAfterMs)} after its answer; 4 times that, at least 500ms`,
        }
      : undefined;
  const lastActivePrecision =
    excess.length > 0
      ? {
          value: roundUpNice(Math.max(...excess)),
          why: `read right after activity, last_active_ago exceeded the time since it by at most ${Math.max(...excess)} ms (${excess.length} reads)`,
        }
      : undefined;
  capabilities.sort(
    (x, y) =>
      CAPABILITY_ORDER.indexOf(x.capability as (typeof CAPABILITY_ORDER)[number]) - CAPABILITY_ORDER.indexOf(y.capability as (typeof CAPABILITY_ORDER)[number]),
  );

  return {
    url,
    ...(software.software ? { software: software.software } : {}),
    versions: advertised.versions,
    release,
    releaseWhy,
    ...(presenceListPath ? { presenceListPath } : {}),
    ...(registration.serverName ? { serverName: registration.serverName } : {}),
    registration,
    ...(presence ? { presence } : {}),
    capabilities,
    ...(rateLimit ? { rateLimit } : {}),
    timers,
    ...(visibilityDeadline ? { visibilityDeadline } : {}),
    ...(lastActivePrecision ? { lastActivePrecision } : {}),
    timersMeasured: measuring !== undefined,
    findings,
    durationMs: Date.now() - started,
  };
}
