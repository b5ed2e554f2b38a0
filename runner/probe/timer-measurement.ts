// The server's presence timers, measured by waiting. One user sets presence online and then does
// nothing: the flip of currently_active to false gives last_active_granularity, the change to
// unavailable gives idle_timeout. Another user syncs once (online) and stops: the change to offline
// gives sync_online_timeout. Each change is read the way the cases read it: from the /sync of a
// co-member (the watcher, who shares a room with both and syncs with set_presence=offline), and GET of
// the user's own presence (no activity) beside it. A server whose GET shows a change that no /sync
// announces (Dendrite computes currently_active when it answers, and announces no flip) would fail the
// cases that wait for the announcement, so a timer counts only when /sync carried it; without a
// watcher (fewer pre-made users than the probe needs) GET alone decides, and the finding says so.
// `profile init` measures for as long as its time budget allows (timers of up to half a minute or so),
// with --measure-timers for up to 6 minutes. Reads are spaced by a twentieth of the time waited so far
// (0.1-2 s), so a measured value is good to about 5 %; a server that applies its timers from a
// periodic loop (Synapse: every 5 s) changes up to a loop or two late, and the measurement includes
// that delay.
import { presenceUserOf, setPresenceQuery } from '../dialect/dialects.js';
import { formatDuration } from '../../project/format-duration.js';
import type { CapabilityFinding, Finding } from './findings.js';
import { answered, type ProbeSession } from '../contact/probe-session.js';
import { lastActiveExcess, presencePath, type ProbeUser } from '../contact/presence-switch.js';

export type MeasuredTimer = 'idle_timeout' | 'sync_online_timeout' | 'last_active_granularity';

export interface TimerMeasurement {
  findings: Finding[];
  /** Timers seen, in ms: the last read before the change, rounded down. */
  timers: Partial<Record<MeasuredTimer, number>>;
  capabilities: CapabilityFinding[];
  /** For each watched user, how far the first read's last_active_ago exceeded the time since the activity. */
  lastActiveExcessMs: number[];
}

export interface MeasureOptions {
  /** Give up on a timer after this long (default 6 min: Synapse's default idle timeout is 5 min). */
  maxWaitMs?: number;
  /** Words for a timer not seen in time: why the wait was this short. */
  shortWaitNote?: string;
  /** Called every read with a line saying how far the measurement is. */
  onProgress?: (line: string) => void;
  /** A user who shares a room with both measured users: their changes are read from its /sync. */
  watcher?: ProbeUser;
}

export const DEFAULT_MAX_WAIT_MS = 6 * 60_000;

interface Reading {
  /** When the read was sent, and when it was answered. */
  sent: number;
  at: number;
  presence?: unknown;
  currentlyActive?: unknown;
  lastActiveAgo?: unknown;
}

/** Rounds a measured time down: to 100 ms below 10 s, to whole seconds above. */
export function roundDown(ms: number): number {
  const step = ms < 10_000 ? 100 : 1_000;
  return Math.max(step, Math.floor(ms / step) * step);
}

/** Rounds a time up to 1, 2 or 5 times a power of ten (3 -> 5, 35 -> 50, 600 -> 1000). */
export function roundUpNice(ms: number): number {
  if (ms <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(ms));
  const step = [1, 2, 5, 10].find((m) => m * power >= ms)!;
  return step * power;
}

/** Where a change was read: GET of the user's own presence, or a co-member's /sync. */
type Channel = 'get' | 'sync';

class Watch {
  /** GET reads, every one; /sync: the m.presence events of this user that arrived, each with the time of its poll. */
  readonly readings: Record<Channel, Reading[]> = { get: [], sync: [] };
  done = false;
  /** Whether the watcher's /sync has carried this user's activity (online) yet: what comes before it is
   * a snapshot older than the activity (a join's presence delivered late), not a change. */
  activitySeenInSync = false;
  /** `started`: when the activity was answered (timers count from there); `activitySent`: when it was
   * sent. `judgedBy`: the channel whose readings decide (GET from the moment the watcher's /sync fails). */
  constructor(
    readonly user: ProbeUser,
    readonly started: number,
    readonly activitySent: number,
    public judgedBy: Channel,
  ) {}

  /**
   * In the channel that judges (or the one named), the time of the last read before the first reading
   * that satisfies `changed` (for /sync, when the previous poll was sent), and of that reading.
   */
  change(changed: (r: Reading) => boolean, channel: Channel = this.judgedBy): { before: number; after: number } | undefined {
    const list = this.readings[channel];
    const i = list.findIndex(changed);
    if (i < 0) return undefined;
    const before = channel === 'sync' ? list[i]!.sent : (list[i - 1]?.at ?? this.started);
    return { before: Math.max(0, before - this.started), after: list[i]!.at - this.started };
  }

  get last(): Reading | undefined {
    return this.readings[this.judgedBy].at(-1);
  }
}

/**
 * The watcher's /sync: an incremental poll (timeout 0) after each round of GETs. A change that arrives
 * in a poll happened after the previous poll was sent (its answer may have been built a little later),
 * so that send time is the change's lower bound. Two failed polls in a row end the watch, and the
 * measurement goes on from GET (its reads were taken all along).
 */
class SyncWatch {
  private since?: string;
  private previousSent = 0;
  private failedInARow = 0;
  failure?: string;

  constructor(readonly watcher: ProbeUser) {}

  get working(): boolean {
    return this.since !== undefined && this.failure === undefined;
  }

  async poll(session: ProbeSession, watches: Watch[]): Promise<void> {
    if (this.failure) return;
    const sent = Date.now();
    const answer = await session.call('timers', 'GET', `${session.dialect.api}/sync`, {
      token: this.watcher.access_token,
      query: { timeout: 0, set_presence: 'offline', ...(this.since ? { since: this.since } : {}) },
    });
    const body = answer.response?.status === 200 ? (answer.response.json as { next_batch?: unknown; presence?: { events?: unknown } } | undefined) : undefined;
    if (typeof body?.next_batch !== 'string') {
      this.failedInARow += 1;
      // The first poll, the snapshot everything else is read against, gets no second chance.
      if (this.failedInARow >= 2 || this.since === undefined) this.failure = `/sync ${answered(answer)}`;
      return;
    }
    this.failedInARow = 0;
    const first = this.since === undefined;
    this.since = body.next_batch;
    const changedAfter = this.previousSent;
    this.previousSent = sent;
    // The first answer is a snapshot from before the activity, not a change.
    if (first) return;
    const at = Date.now();
    const events = Array.isArray(body.presence?.events)
      ? (body.presence.events as { type?: unknown; sender?: unknown; content?: Record<string, unknown> }[])
      : [];
    for (const event of events) {
      const watch = watches.find((w) => event?.type === 'm.presence' && w.user.user_id === presenceUserOf(event));
      const c = event?.content;
      if (!watch || !c) continue;
      if (!watch.activitySeenInSync && c.presence !== 'online') continue;
      watch.activitySeenInSync = true;
      watch.readings.sync.push({ sent: changedAfter, at, presence: c.presence, currentlyActive: c.currently_active, lastActiveAgo: c.last_active_ago });
    }
  }
}

async function read(session: ProbeSession, watch: Watch): Promise<void> {
  const sent = Date.now();
  const answer = await session.call('timers', 'GET', presencePath(watch.user.user_id, session.dialect.api), { token: watch.user.access_token });
  const body = answer.response?.status === 200 ? (answer.response.json as Record<string, unknown> | undefined) : undefined;
  watch.readings.get.push({ sent, at: Date.now(), presence: body?.presence, currentlyActive: body?.currently_active, lastActiveAgo: body?.last_active_ago });
}

function describe(watch: Watch | undefined): string {
  const r = watch?.readings.get.at(-1);
  if (!watch || !r) return 'not started';
  const active = r.currentlyActive === undefined ? '' : `, currently_active ${String(r.currentlyActive)}`;
  return `${String(r.presence ?? '?')}${active}${watch.done ? ' (done)' : ''}`;
}

export async function measureTimers(
  session: ProbeSession,
  idleUser: ProbeUser,
  syncUser: ProbeUser | undefined,
  options: MeasureOptions = {},
): Promise<TimerMeasurement> {
  const maxWait = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const mark = session.mark;
  const out: TimerMeasurement = { findings: [], timers: {}, capabilities: [], lastActiveExcessMs: [] };
  const syncWatch = options.watcher ? new SyncWatch(options.watcher) : undefined;
  // The watcher's first /sync, before anything changes: later polls carry only what changed.
  await syncWatch?.poll(session, []);
  const judgedBy: Channel = syncWatch?.working ? 'sync' : 'get';

  const putSent = Date.now();
  const put = await session.call('timers', 'PUT', presencePath(idleUser.user_id, session.dialect.api), {
    token: idleUser.access_token,
    json: { presence: 'online' },
    retry429: true,
  });
  const idle = put.response?.status === 200 ? new Watch(idleUser, Date.now(), putSent, judgedBy) : undefined;
  let syncing: Watch | undefined;
  if (syncUser) {
    const syncSent = Date.now();
    const sync = await session.call('timers', 'GET', `${session.dialect.api}/sync`, {
      token: syncUser.access_token,
      query: { timeout: 0, ...setPresenceQuery(session.dialect, 'online') },
    });
    if (sync.response?.status === 200) syncing = new Watch(syncUser, Date.now(), syncSent, judgedBy);
    else out.findings.push({ topic: 'sync_online_timeout', conclusion: `not measured: /sync ${answered(sync)}`, evidence: session.evidenceSince(mark) });
  }
  if (!idle) out.findings.push({ topic: 'idle_timeout', conclusion: `not measured: PUT online ${answered(put)}`, evidence: session.evidenceSince(mark) });

  const started = Date.now();
  const watches = [idle, syncing].filter((w): w is Watch => w !== undefined);
  while (watches.some((w) => !w.done) && Date.now() - started < maxWait && session.remainingMs() > 0) {
    const elapsed = Date.now() - started;
    await new Promise((r) => setTimeout(r, Math.min(2_000, Math.max(100, elapsed / 20))));
    await Promise.all(watches.filter((w) => !w.done).map((w) => read(session, w)));
    if (syncWatch?.working) {
      await syncWatch.poll(session, watches);
      // From a watcher that stopped answering, the GET reads decide (they were taken all along).
      if (!syncWatch.working) for (const w of watches) w.judgedBy = 'get';
    }
    if (idle && !idle.done) idle.done = idle.last?.presence === 'unavailable' || idle.last?.presence === 'offline';
    if (syncing && !syncing.done) syncing.done = syncing.last?.presence === 'offline';
    options.onProgress?.(
      `measuring timers: ${formatDuration(Date.now() - started, { live: true })} of at most ${formatDuration(maxWait, { live: true })}; idle user: ${describe(idle)}; sync user: ${describe(syncing)}`,
    );
  }

  for (const w of watches) {
    const first = w.readings.get[0];
    const excess = first ? lastActiveExcess(first.lastActiveAgo, (first.sent + first.at) / 2 - w.activitySent).lastActiveExcessMs : undefined;
    if (excess !== undefined) out.lastActiveExcessMs.push(excess);
  }
  if (syncWatch?.failure) {
    out.findings.push({
      topic: 'timers',
      conclusion: `the watcher's /sync stopped (${syncWatch.failure}), so the timers were read from GET alone`,
      evidence: session.evidenceSince(mark),
    });
  }
  const channel =
    judgedBy === 'get' || syncWatch?.failure ? " (read from GET alone, not from a co-member's /sync as the cases read it)" : " in a co-member's /sync";
  const notSeen = `${formatDuration(Date.now() - started)}${options.shortWaitNote ? ` (${options.shortWaitNote})` : ''}`;
  if (idle) judgeIdle(idle, out, notSeen, channel);
  if (syncing) judgeSyncOnline(syncing, out, notSeen, channel);
  return out;
}

function judgeIdle(idle: Watch, out: TimerMeasurement, notSeen: string, channel: string): void {
  // currently_active is true right after PUT online where the server has it (the presence switch saw
  // that); a first read that is already false means the flip came before it.
  const flipped = (r: Reading): boolean => r.presence === 'online' && r.currentlyActive === false;
  const flip = idle.change(flipped);
  const flipInGet = idle.change(flipped, 'get');
  if (flip) {
    out.timers.last_active_granularity = roundDown(flip.before);
    out.findings.push({
      topic: 'last_active_granularity',
      conclusion: `currently_active turned false${channel} between ${formatDuration(flip.before)} and ${formatDuration(flip.after)} after PUT online`,
      evidence: [],
    });
  } else if (flipInGet && idle.judgedBy === 'sync') {
    out.findings.push({
      topic: 'last_active_granularity',
      conclusion: `not seen: GET said currently_active false between ${formatDuration(flipInGet.before)} and ${formatDuration(flipInGet.after)} after PUT online, but no m.presence announced it to a co-member's /sync (${notSeen}); the cases wait for that announcement`,
      evidence: [],
    });
  } else {
    out.findings.push({
      topic: 'last_active_granularity',
      conclusion: `not seen: currently_active did not turn false${channel} while the user stayed online (${notSeen})`,
      evidence: [],
    });
  }
  const unavailable = idle.change((r) => r.presence === 'unavailable');
  const offline = idle.change((r) => r.presence === 'offline');
  if (unavailable && (!offline || offline.after > unavailable.after)) {
    out.timers.idle_timeout = roundDown(unavailable.before);
    out.capabilities.push({
      topic: 'idle_timeout',
      capability: 'idle_timeout',
      claimed: true,
      evidence: [],
      conclusion: `claimed: an online user who did nothing became unavailable${channel} between ${formatDuration(unavailable.before)} and ${formatDuration(unavailable.after)} after PUT online`,
    });
  } else if (offline) {
    out.capabilities.push({
      topic: 'idle_timeout',
      capability: 'idle_timeout',
      claimed: false,
      evidence: [],
      conclusion: `not claimed: the user who did nothing went offline (between ${formatDuration(offline.before)} and ${formatDuration(offline.after)}) without being unavailable first: the server's sync-online timeout is shorter than its idle timeout, so the idle cases cannot see idle`,
    });
  } else {
    out.capabilities.push({
      topic: 'idle_timeout',
      capability: 'idle_timeout',
      claimed: false,
      evidence: [],
      conclusion: `not claimed: still ${String(idle.last?.presence ?? 'unknown')} ${notSeen} after PUT online`,
    });
  }
}

function judgeSyncOnline(syncing: Watch, out: TimerMeasurement, notSeen: string, channel: string): void {
  const offline = syncing.change((r) => r.presence === 'offline');
  if (offline) {
    out.timers.sync_online_timeout = roundDown(offline.before);
    out.capabilities.push({
      topic: 'sync_online_timeout',
      capability: 'sync_online_timeout',
      claimed: true,
      evidence: [],
      conclusion: `claimed: a user who synced once went offline${channel} between ${formatDuration(offline.before)} and ${formatDuration(offline.after)} after that sync`,
    });
  } else {
    out.capabilities.push({
      topic: 'sync_online_timeout',
      capability: 'sync_online_timeout',
      claimed: false,
      evidence: [],
      conclusion: `not claimed: a user who synced once was still ${String(syncing.last?.presence ?? 'unknown')} ${notSeen} later`,
    });
  }
}
