// `sync_until`: polls /sync as a watcher until a presence event matches, or proves one does not arrive.
// The watcher syncs with set_presence=offline unless told otherwise, so that watching never changes
// what is watched (Client-Server API, GET /sync: set_presence "offline" means the client is not marked
// online).
//
// With a `trigger`, the step also proves that a change wakes a waiting long-poll: GET /sync's `timeout`
// is "the maximum time to wait ... before returning this request" (v1.19 sync.yaml), so a server must
// answer as soon as something new is available, not at the timeout. Steps run one after another, so
// the trigger is the one way a case can act while its own poll waits.
import type { Check } from '../../../project/report.js';
import { isFailure } from '../../../project/report.js';
import { allHold, evaluatePathMatchers, makeCheck, show, type MatchContext } from '../../judge/matchers.js';
import { lookup } from '../../judge/json-path.js';
import { formatDuration } from '../../../project/format-duration.js';
import { TRIGGER_AFTER_DEFAULT, type PathMatcher, type SyncUntilStep } from '../../load/suite-types.js';
import type { Actor } from '../../provision/provision.js';
import { CaseError } from '../../http/case-error.js';
import { located } from '../located.js';
import type { CaseRun } from '../case-run.js';
import { pollOnce as poll } from '../sync-poll.js';
import { presenceUserOf } from '../../dialect/dialects.js';
import { capture, markRoles, runRequestStep } from './request.js';

/** A trigger, resolved for one run: when to send it, how to send it, and the bound on the delay. */
export interface TriggerPlan {
  /**
   * Sends the trigger and records its expect checks (with the step's); resolves to whether they all
   * held, rejects on an error.
   */
  send: () => Promise<boolean>;
  afterMs: number;
  withinMs?: number;
}

export interface SyncPlan {
  /** Only events of this user (already rendered). */
  sender?: string;
  /** How long to poll; with a trigger, counted from the moment it is sent. */
  deadlineMs: number;
  /** The `timeout` of each /sync. */
  pollMs: number;
  trigger?: TriggerPlan;
}

export interface SyncResult {
  checks: Check[];
  /** When the last event from the sender arrived, if one did. */
  lastSeenAt?: number;
  /** The matched event (for capture), when one matched. */
  event?: unknown;
}

/** One /sync of this step's watcher. */
function pollOnce(run: CaseRun, step: SyncUntilStep, actor: Actor, timeoutMs: number): Promise<unknown[]> {
  return poll(run, actor, { at: step.at, step: 'sync_until', setPresence: step.set_presence, filter: step.filter, timeoutMs });
}

function keepForLater(run: CaseRun, actor: Actor, events: unknown[]): void {
  if (events.length > 0) run.backlog.set(actor.name, [...(run.backlog.get(actor.name) ?? []), ...events]);
}

/** When the /sync that delivered the first match was sent and answered. */
interface PollTimes {
  sentAt: number;
  returnedAt: number;
  timeoutMs: number;
  /** The events were delivered before this step began (the watcher's backlog). */
  earlier?: true;
}

type Mode = 'until' | 'absent' | 'count';

/** The events seen from the sender, and which of them matched. */
class Tally {
  readonly seen: unknown[] = [];
  matched = 0;
  firstMatch: unknown;
  firstMatchPoll?: PollTimes;
  matchChecks: Check[] = [];
  /** When the last event from the sender arrived. */
  lastSeenAt?: number;
  /** The event that ended an absent watch (ends_when), and whether it was delivered before the step. */
  ended?: { event: unknown; earlier: boolean };

  constructor(
    private readonly step: SyncUntilStep,
    private readonly sender: string | undefined,
    private readonly match: MatchContext,
    private readonly mode: Mode,
  ) {}

  isFromSender(event: unknown): boolean {
    // The early API's m.presence has no sender: the user is content.user_id.
    return this.sender === undefined || presenceUserOf(event) === this.sender;
  }

  /**
   * Looks at events in order until the step is decided; returns those it did not look at or that are
   * not from its sender, for later steps.
   */
  add(events: unknown[], poll: PollTimes): unknown[] {
    const leftover: unknown[] = [];
    for (const event of events) {
      if (done(this.mode, this) || !this.isFromSender(event)) {
        leftover.push(event);
        continue;
      }
      this.seen.push(event);
      this.lastSeenAt = poll.returnedAt;
      if (this.endsWatch(event)) {
        this.ended = { event, earlier: poll.earlier === true };
        continue;
      }
      const checks = evaluatePathMatchers(this.step.match, event, 'event', this.match);
      // INFO matchers are recorded, never decisive: they cannot keep an event from matching.
      if (!checks.some(isFailure)) {
        this.matched += 1;
        if (this.firstMatch === undefined) {
          this.firstMatch = event;
          this.firstMatchPoll = poll;
          this.matchChecks = checks;
        }
      }
    }
    return leftover;
  }

  private endsWatch(event: unknown): boolean {
    const ends = this.step.ends_when;
    return ends !== undefined && ends.any_of.some((group) => allHold(group, { value: event }, this.match));
  }
}

function done(mode: Mode, tally: Tally): boolean {
  return (mode === 'until' && tally.firstMatch !== undefined) || (mode === 'absent' && (tally.matched > 0 || tally.ended !== undefined));
}

/** Polls for the whole deadline (or until the mode is decided). */
async function pollPlain(step: SyncUntilStep, actor: Actor, plan: SyncPlan, run: CaseRun, mode: Mode, tally: Tally): Promise<void> {
  const end = run.now() + plan.deadlineMs;
  const backlog = run.backlog.get(actor.name) ?? [];
  const arrivedEarlier = run.now();
  run.backlog.set(actor.name, tally.add(backlog, { sentAt: arrivedEarlier, returnedAt: arrivedEarlier, timeoutMs: 0, earlier: true }));
  if (done(mode, tally)) return;
  for (;;) {
    const remaining = end - run.now();
    // Always poll at least once, even with a zero deadline: "what is there now" is a valid question.
    const timeoutMs = Math.max(0, Math.min(plan.pollMs, remaining));
    const sentAt = run.now();
    const events = await pollOnce(run, step, actor, timeoutMs);
    keepForLater(run, actor, tally.add(events, { sentAt, returnedAt: run.now(), timeoutMs }));
    if (done(mode, tally) || run.now() >= end) return;
  }
}

/**
 * Catches up, sends a long-poll, sends the trigger `afterMs` later while the poll (presumably) waits,
 * and keeps polling until the mode is decided or the deadline after the trigger passes. Returns when
 * the trigger was sent. The runner cannot see a poll start waiting on the server; `after` is the time
 * it allows for that (docs/suites.md).
 */
async function pollTriggered(step: SyncUntilStep, actor: Actor, plan: SyncPlan, trigger: TriggerPlan, run: CaseRun, mode: Mode, tally: Tally): Promise<number> {
  // Whatever is pending now would end the long-poll at once, before the trigger: take it first. The
  // sender's events from before the trigger cannot be its effect; other senders' are kept for later.
  const before = [...(run.backlog.get(actor.name) ?? []), ...(await pollOnce(run, step, actor, 0))];
  run.backlog.set(
    actor.name,
    before.filter((e) => !tally.isFromSender(e)),
  );
  let sentAt: number | undefined;
  // A trigger that failed its checks or errored decides the step: the loop stops after the poll in
  // flight. The error itself is rethrown below.
  let failed = false;
  const sending = (async () => {
    await run.sleep(trigger.afterMs);
    sentAt = run.now();
    if (!(await trigger.send())) failed = true;
  })();
  sending.catch(() => {
    failed = true;
  });
  for (;;) {
    const end = sentAt === undefined ? Infinity : sentAt + plan.deadlineMs;
    const timeoutMs = sentAt === undefined ? plan.pollMs : Math.max(0, Math.min(plan.pollMs, end - run.now()));
    const pollSentAt = run.now();
    const events = await pollOnce(run, step, actor, timeoutMs);
    const returnedAt = run.now();
    // Events answered before the trigger went out cannot be its effect.
    if (sentAt !== undefined) keepForLater(run, actor, tally.add(events, { sentAt: pollSentAt, returnedAt, timeoutMs }));
    else
      keepForLater(
        run,
        actor,
        events.filter((e) => !tally.isFromSender(e)),
      );
    if (failed || done(mode, tally) || returnedAt >= end) break;
  }
  await sending;
  return sentAt!;
}

/** The check on the delay between the trigger and the matching event (`within`). */
function withinCheck(step: SyncUntilStep, label: string, triggerAt: number, withinMs: number, poll: PollTimes, level: MatchContext['level']): Check {
  const delay = poll.returnedAt - triggerAt;
  const passed = delay <= withinMs;
  const check = makeCheck({
    path: `${label}: delay after the trigger`,
    expected: `at most ${formatDuration(withinMs)} after the trigger`,
    actual: delay,
    passed,
    level,
    at: step.withinAt,
  });
  const waiting =
    poll.sentAt <= triggerAt
      ? `the /sync that delivered it had been waiting ${formatDuration(triggerAt - poll.sentAt)} when the trigger was sent and answered after ${formatDuration(poll.returnedAt - poll.sentAt)} (its timeout: ${formatDuration(poll.timeoutMs)}), so the change did not wake it`
      : `the /sync that delivered it was sent ${formatDuration(poll.sentAt - triggerAt)} after the trigger`;
  check.message = passed
    ? `${step.withinAt}: ${label}: arrived ${formatDuration(delay)} after the trigger, within ${formatDuration(withinMs)}`
    : `${step.withinAt}: ${label}: arrived ${formatDuration(delay)} after the trigger, want within ${formatDuration(withinMs)}; ${waiting}`;
  return check;
}

async function syncUntil(step: SyncUntilStep, actor: Actor, plan: SyncPlan, run: CaseRun): Promise<SyncResult> {
  const level = step.level ?? run.match.level;
  const match = { ...run.match, level };
  const mode: Mode = step.absent ? 'absent' : step.count !== undefined ? 'count' : 'until';
  const tally = new Tally(step, plan.sender, match, mode);
  const trigger = plan.trigger;
  if (trigger?.withinMs !== undefined && plan.pollMs < trigger.afterMs + 2 * trigger.withinMs) {
    // A server that answers only at the timeout would then meet `within` (or nearly): no proof.
    throw new CaseError(
      `${step.at}: poll_timeout ${formatDuration(plan.pollMs)} is too short to tell a woken long-poll from one answered at its timeout: want at least after + 2 × within = ${formatDuration(trigger.afterMs + 2 * trigger.withinMs)}`,
    );
  }
  const started = run.now();
  const triggerAt = trigger
    ? await pollTriggered(step, actor, plan, trigger, run, mode, tally)
    : (await pollPlain(step, actor, plan, run, mode, tally), undefined);
  const waited = formatDuration(run.now() - (triggerAt ?? started));
  const since = triggerAt === undefined ? '' : ' after the trigger';
  const who = plan.sender ?? 'anyone';
  const label = `presence of ${who} seen by ${actor.name}`;
  const deadline = formatDuration(plan.deadlineMs);
  if (mode === 'until') {
    if (tally.firstMatch !== undefined) {
      const checks = [...tally.matchChecks];
      if (triggerAt !== undefined && trigger?.withinMs !== undefined)
        checks.push(withinCheck(step, label, triggerAt, trigger.withinMs, tally.firstMatchPoll!, level));
      return { checks, event: tally.firstMatch };
    }
    // Show why the last event from the sender did not match, matcher by matcher.
    const last = tally.seen[tally.seen.length - 1];
    const summary = makeCheck({
      path: label,
      expected: `an m.presence event with ${describeMatchers(step.match)} within ${deadline}${since}`,
      actual: last === undefined ? undefined : tally.seen.slice(-3).map((e) => (e as { content?: unknown }).content),
      passed: false,
      level,
      at: step.at,
    });
    const detail = last === undefined ? [] : evaluatePathMatchers(step.match, last, 'event', match).filter(isFailure);
    summary.message =
      last === undefined
        ? `${step.at}: no m.presence event from ${who} reached ${actor.name} within ${waited}${since}`
        : `${step.at}: no m.presence event from ${who} matched within ${waited}${since}; last seen content: ${show((last as { content?: unknown }).content)}`;
    return { checks: [summary, ...detail], lastSeenAt: tally.lastSeenAt };
  }
  if (mode === 'absent') {
    const passed = tally.matched === 0;
    const check = makeCheck({
      path: label,
      expected: `no m.presence event${step.match.length > 0 ? ` with ${describeMatchers(step.match)}` : ''} within ${deadline}${since}${step.ends_when ? ', until one ends the watch' : ''}`,
      actual: passed ? undefined : (tally.firstMatch as { content?: unknown }).content,
      passed,
      level,
      at: step.at,
    });
    if (!passed) check.message = `${step.at}: ${label}: got a matching event after ${waited}${since}, want none within ${deadline}: ${show(tally.firstMatch)}`;
    const ends = step.ends_when;
    if (passed && ends?.premise !== undefined && tally.ended?.earlier) {
      // What the step watches had ended before it began: it judged nothing.
      const premise = makeCheck({
        path: `${label}: still watched when the step began`,
        expected: `no event ending the watch (${ends.at}) before the step`,
        actual: (tally.ended.event as { content?: unknown }).content,
        passed: false,
        level,
        at: ends.at,
        role: 'premise',
      });
      premise.message = `${ends.at}: ${label}: the watch had already ended before the step began: ${show((tally.ended.event as { content?: unknown }).content)}`;
      return { checks: [check, premise] };
    }
    return { checks: [check], event: tally.firstMatch };
  }
  const passed = tally.matched === step.count;
  const check = makeCheck({
    path: label,
    expected: `exactly ${step.count} m.presence event(s) with ${describeMatchers(step.match)} within ${deadline}${since}`,
    actual: tally.matched,
    passed,
    level,
    at: step.at,
  });
  return { checks: [check], event: tally.firstMatch };
}

/**
 * What a step's matchers ask of an event, in a few words ("presence = \"online\", status_msg present"),
 * so that two steps waiting for different things never read as one root cause.
 */
export function describeMatchers(matchers: PathMatcher[]): string {
  if (matchers.length === 0) return 'any content';
  return matchers
    .filter((m) => m.level !== 'INFO')
    .map((m) => {
      const path = (m.path ?? m.header ?? '').replace(/^content\./, '');
      if (m.any_of) return `one of ${m.any_of.length} alternatives`;
      if ('equals' in m) return `${path} = ${JSON.stringify(m.equals)}`;
      if (m.one_of) return `${path} in ${JSON.stringify(m.one_of)}`;
      if (m.absent) return `no ${path}`;
      return `${path} checked`;
    })
    .join(', ');
}

/** What the step is doing, in a few words: "waiting for unavailable from alice (seen by bob)". */
export function describeWait(step: SyncUntilStep): string {
  const wanted = step.match
    .filter((m) => m.equals !== undefined && m.level !== 'INFO')
    .map((m) => (m.path === 'content.presence' ? String(m.equals) : `${(m.path ?? '').replace(/^content\./, '')}=${JSON.stringify(m.equals)}`));
  const what = wanted.length > 0 ? wanted.join(', ') : 'a matching m.presence event';
  const sender = step.sender === undefined ? '' : ` from ${/^\{(\w+)\.user_id\}$/.exec(step.sender)?.[1] ?? step.sender}`;
  if (step.absent) return `making sure no ${what}${sender} reaches ${step.as}`;
  if (step.count !== undefined) return `counting ${what}${sender} (seen by ${step.as}), want ${step.count}`;
  return `waiting for ${what}${sender} (seen by ${step.as})`;
}

/** Resolves the step's templates and durations for this run, and records the step's checks. */
export async function runSyncUntilStep(step: SyncUntilStep, run: CaseRun): Promise<void> {
  const trigger = step.trigger;
  const plan: SyncPlan = {
    sender: step.sender === undefined ? undefined : run.render(step.sender),
    deadlineMs: run.duration(step.deadline ?? 'delivery_deadline'),
    pollMs: run.duration(step.poll_timeout ?? 'sync_poll_timeout'),
    trigger: trigger && {
      afterMs: run.duration(trigger.after ?? TRIGGER_AFTER_DEFAULT),
      withinMs: step.within === undefined ? undefined : run.duration(step.within),
      // The trigger's checks are the step's checks: a refused trigger fails the step.
      send: async () => {
        const mark = run.checks.length;
        await located(trigger.step.at, () => runRequestStep(trigger.step, run));
        return !run.failedSince(mark);
      },
    },
  };
  run.progress(describeWait(step), plan.deadlineMs + (plan.trigger?.afterMs ?? 0));
  const result = await syncUntil(step, run.actor(step.as, step.device), plan, run);
  run.lastEventAt = result.lastSeenAt;
  run.record(...markRoles(step, result.checks, 'GET {api}/sync', () => true));
  if (result.event !== undefined) capture(step, (where) => lookup(result.event, where), run);
}
