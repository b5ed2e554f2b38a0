// Runs one case: provision its actors and rooms, execute its steps in order, and turn the checks into
// an outcome. A step whose checks fail ends the case (later steps would only add noise and time);
// every check of that step is still evaluated and recorded.
import type { Check, MatchContext } from './checks.js';
import { evaluateMatcher, evaluatePathMatchers, isFailure, makeCheck } from './checks.js';
import { CaseError } from './case-error.js';
import { evaluateDuration, formatMs, type DurationSpec } from './durations.js';
import { HomeserverClient } from './homeserver-client.js';
import { sleep, TransportError, type HttpResponse } from './http-client.js';
import { lookup } from './json-path.js';
import type { TargetProfile } from './load-target.js';
import { provisionActors, provisionRoom, type Actor, type ProvisioningState } from './provision.js';
import type { CaseResult, Outcome } from './report-types.js';
import { TRIGGER_AFTER_DEFAULT, type ExpectSpec, type RequestStep, type StatusSpec, type SuiteCase } from './suite-types.js';
import { runSyncUntil, type SyncPlan } from './sync-until.js';
import { render, renderValue, TemplateError, type TemplateContext } from './templates.js';

export interface SchemaValidator {
  validate(alias: string, data: unknown): { pointer: string; got: string; want: string; message: string }[];
}

export interface CaseEnv {
  baseUrl: string;
  profile: TargetProfile;
  provisioning: ProvisioningState;
  schemas: () => SchemaValidator;
}

/** Cases that test rate limiting must see the 429s themselves. */
export function isRateLimitCase(c: SuiteCase): boolean {
  return c.tags.some((t) => t === 'rate-limit' || t === 'rate_limit') || c.requires.includes('rate_limit');
}

/** Before a case runs its captured values are unknown; its limit allows 30 s for each. */
const UNKNOWN_CAPTURES = new Proxy({}, { get: () => 30_000 }) as Record<string, unknown>;

/**
 * The case's time limit when it sets none: its own waits and sync deadlines, plus a request timeout for
 * each request it sends (provisioning included), plus slack. Only a hung server ever reaches it.
 */
export function caseTimeoutMs(c: SuiteCase, timers: TargetProfile['timers']): number {
  if (c.timeout !== undefined) return evaluateDuration(c.timeout, timers, UNKNOWN_CAPTURES);
  let total = 5_000;
  const requests = 2 * c.actors.length + c.rooms.reduce((n, r) => n + 1 + r.members.length, 0);
  total += requests * timers.request_timeout;
  for (const step of c.steps) {
    if (step.kind === 'wait') total += evaluateDuration(step.duration, timers, UNKNOWN_CAPTURES);
    else if (step.kind === 'sync_until') {
      const poll = evaluateDuration(step.poll_timeout ?? 'sync_poll_timeout', timers, UNKNOWN_CAPTURES);
      total += evaluateDuration(step.deadline ?? 'delivery_deadline', timers, UNKNOWN_CAPTURES) + timers.request_timeout + poll;
      if (step.trigger) {
        // The catch-up poll and the trigger request, the pause before the trigger, and the long-poll
        // that may already be waiting when the deadline starts.
        total += 2 * timers.request_timeout + evaluateDuration(step.trigger.after ?? TRIGGER_AFTER_DEFAULT, timers, UNKNOWN_CAPTURES) + poll;
      }
    } else {
      const repeat = step.request.repeat;
      const count = repeat?.count ?? 1;
      const interval = repeat?.interval === undefined ? 0 : evaluateDuration(repeat.interval, timers, UNKNOWN_CAPTURES);
      total += count * (timers.request_timeout + interval);
    }
  }
  return total;
}

function statusMatches(status: number, spec: StatusSpec): boolean {
  return Array.isArray(spec) ? spec.includes(status) : status === spec;
}

/**
 * Evaluates an expect into `checks` (an out-parameter, so the checks made before an unreadable body
 * stops the step stay in the report).
 */
function checkExpect(expect: ExpectSpec, response: HttpResponse, env: CaseEnv, match: MatchContext, stepAt: string, checks: Check[]): void {
  const ctx = { ...match, level: expect.level ?? match.level };
  if (expect.status !== undefined) {
    const want = Array.isArray(expect.status) ? `one of ${expect.status.join(', ')}` : String(expect.status);
    checks.push(makeCheck({ path: 'status', expected: want, actual: response.status, passed: statusMatches(response.status, expect.status), level: ctx.level, at: expect.statusAt }));
  }
  for (const [name, matcher] of Object.entries(expect.headers ?? {})) {
    const value = response.headers[name];
    checks.push(...evaluateMatcher(matcher, `headers.${name}`, value !== undefined, value, ctx));
  }
  const needsJson = expect.schema !== undefined || (expect.body ?? []).length > 0;
  if (needsJson && response.json === undefined) {
    // The server answered, but with something the checks cannot read: no verdict on the body. A
    // status check that already failed still makes it a fail (see executeCase).
    throw new CaseError(`${stepAt}: HTTP ${response.status}: ${response.jsonError}`);
  }
  if (expect.schema !== undefined) {
    let violations;
    try {
      violations = env.schemas().validate(expect.schema, response.json);
    } catch (err) {
      throw new CaseError(`${expect.schemaAt}: schema ${expect.schema}: ${(err as Error).message}`);
    }
    const label = `schema ${expect.schema}`;
    if (violations.length === 0) {
      checks.push(makeCheck({ path: label, expected: 'valid', actual: 'valid', passed: true, level: ctx.level, at: expect.schemaAt }));
    }
    for (const v of violations) {
      const check = makeCheck({ path: `${label} ${v.pointer || '/'}`, expected: v.want, actual: v.got, passed: false, level: ctx.level, at: expect.schemaAt });
      check.message = `${expect.schemaAt}: ${label}: ${v.pointer || '/'}: got ${v.got}, want ${v.want}`;
      checks.push(check);
    }
  }
  checks.push(...evaluatePathMatchers(expect.body ?? [], response.json, 'body', ctx));
}

function capture(step: { capture?: Record<string, string>; at: string }, from: (where: string) => { found: boolean; value?: unknown }, captured: Record<string, unknown>): void {
  for (const [name, where] of Object.entries(step.capture ?? {})) {
    const { found, value } = from(where);
    if (!found) throw new CaseError(`${step.at}: capture ${name}: nothing at ${where} in the response`);
    captured[name] = value;
  }
}

async function runRequest(step: RequestStep, c: SuiteCase, client: HomeserverClient, tctx: TemplateContext, actors: Record<string, Actor>, env: CaseEnv, match: MatchContext, signal: AbortSignal, checks: Check[]): Promise<void> {
  const r = step.request;
  const actor = r.as === undefined ? undefined : actors[r.as];
  let token: string | undefined;
  if (r.token === 'invalid') token = `invalid-${Date.now().toString(36)}`;
  else if (r.token !== 'none' && actor) token = actor.access_token;
  const options = {
    token,
    tokenInQuery: r.token === 'query',
    query: r.query === undefined ? undefined : (renderValue(r.query, tctx) as Record<string, string>),
    json: r.body === undefined ? undefined : renderValue(r.body, tctx),
    rawBody: r.raw_body === undefined ? undefined : render(r.raw_body, tctx),
    contentType: r.content_type,
    headers: r.headers === undefined ? undefined : (renderValue(r.headers, tctx) as Record<string, string>),
    // A burst is looking for the 429: never retry it away.
    retry429: r.repeat === undefined && !isRateLimitCase(c),
  };
  const path = render(r.path, tctx, true);
  const count = r.repeat?.count ?? 1;
  const interval = r.repeat?.interval === undefined ? 0 : evaluateDuration(r.repeat.interval, tctx.timers as TargetProfile['timers'], tctx.captured);
  let response!: HttpResponse;
  for (let i = 0; i < count; i++) {
    if (i > 0 && interval > 0) await sleep(interval, signal);
    response = await client.call(`${r.method} ${r.path}${count > 1 ? ` #${i + 1}` : ''}`, r.method, path, options);
    if (r.repeat?.until && statusMatches(response.status, r.repeat.until.status)) break;
  }
  if (step.expect) checkExpect(step.expect, response, env, match, step.at, checks);
  // A failed check ends the case after this step; capturing from a wrong answer would only turn the
  // failure into an error.
  if (checks.some(isFailure)) return;
  capture(step, (where) => {
    if (where === 'status') return { found: true, value: response.status };
    if (where.startsWith('headers.')) {
      const value = response.headers[where.slice(8).toLowerCase()];
      return { found: value !== undefined, value };
    }
    if (response.json === undefined) throw new CaseError(`${step.at}: capture from ${where}: ${response.jsonError}`);
    return lookup(response.json, where === 'body' ? '' : where.slice(5));
  }, tctx.captured);
}

/** Gives transport and template errors the place in the suite they happened at. */
async function located<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if ((err instanceof TransportError && err.kind !== 'aborted') || err instanceof TemplateError) {
      throw new CaseError(`${where}: ${err.message}`);
    }
    if (err instanceof CaseError && !/^\S+:\d+:\d+/.test(err.message)) throw new CaseError(`${where}: ${err.message}`);
    throw err;
  }
}

async function runSteps(c: SuiteCase, env: CaseEnv, client: HomeserverClient, signal: AbortSignal, checks: Check[]): Promise<void> {
  const timers = env.profile.timers;
  let actors: Record<string, Actor> = {};
  const tctx: TemplateContext = { actors, rooms: {}, captured: {}, server_name: '', timers };
  await located(`${c.at}: provisioning`, async () => {
    actors = await provisionActors(client, env.provisioning, c.actors);
    tctx.actors = actors;
    tctx.server_name = env.provisioning.serverName ?? '';
    for (const room of c.rooms) tctx.rooms[room.name] = await provisionRoom(client, room, actors);
  });
  const match: MatchContext = { timers, captured: tctx.captured, level: c.level, render: (v) => renderValue(v, tctx) };
  const since = new Map<string, string>();
  const backlog = new Map<string, unknown[]>();
  for (const step of c.steps) {
    if (step.kind === 'wait') {
      await sleep(evaluateDuration(step.duration, timers, tctx.captured), signal);
      continue;
    }
    const stepChecks: Check[] = [];
    try {
      if (step.kind === 'request') {
        await located(step.at, () => runRequest(step, c, client, tctx, actors, env, match, signal, stepChecks));
      } else await located(step.at, async () => {
        const duration = (spec: DurationSpec) => evaluateDuration(spec, timers, tctx.captured);
        const trigger = step.trigger;
        const plan: SyncPlan = {
          sender: step.sender === undefined ? undefined : render(step.sender, tctx),
          deadlineMs: duration(step.deadline ?? 'delivery_deadline'),
          pollMs: duration(step.poll_timeout ?? 'sync_poll_timeout'),
          trigger: trigger && {
            afterMs: duration(trigger.after ?? TRIGGER_AFTER_DEFAULT),
            withinMs: step.within === undefined ? undefined : duration(step.within),
            // The trigger's checks are the step's checks: a refused trigger fails the step.
            send: async () => {
              const checks: Check[] = [];
              try {
                await located(trigger.step.at, () => runRequest(trigger.step, c, client, tctx, actors, env, match, signal, checks));
              } finally {
                stepChecks.push(...checks);
              }
              return !checks.some(isFailure);
            },
          },
        };
        const result = await runSyncUntil(step, actors[step.as]!, plan, {
          client, timers, specVersion: env.profile.spec_version, since, backlog, match, now: Date.now, sleep: (ms) => sleep(ms, signal),
        });
        stepChecks.push(...result.checks);
        if (result.event !== undefined) capture(step, (where) => lookup(result.event, where), tctx.captured);
      });
    } finally {
      checks.push(...stepChecks);
    }
    if (stepChecks.some(isFailure)) return;
  }
}

/** Executes a case to a pass/fail/error/timeout result (skips and expectations are decided elsewhere). */
export async function executeCase(c: SuiteCase, env: CaseEnv): Promise<CaseResult> {
  const started = Date.now();
  const limit = caseTimeoutMs(c, env.profile.timers);
  const controller = new AbortController();
  const client = new HomeserverClient(env.baseUrl, env.profile.timers.request_timeout, started + limit, controller.signal, !isRateLimitCase(c));
  const checks: Check[] = [];
  let outcome: Outcome;
  let message: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, limit);
  });
  try {
    const result = await Promise.race([runSteps(c, env, client, controller.signal, checks).then(() => 'done' as const), timedOut]);
    if (result === 'timeout') {
      outcome = 'timeout';
      message = `the case did not finish within ${formatMs(limit)}`;
    } else {
      const failed = checks.filter(isFailure);
      outcome = failed.length > 0 ? 'fail' : 'pass';
      message = failed[0]?.message;
    }
  } catch (err) {
    if (controller.signal.aborted) {
      outcome = 'timeout';
      message = `the case did not finish within ${formatMs(limit)}`;
    } else if (checks.some(isFailure)) {
      // A check had already failed (say, a 500 where a 200 was expected, with an HTML body the body
      // matchers could not read): that is the verdict; the unreadable rest does not hide it.
      outcome = 'fail';
      message = checks.find(isFailure)!.message;
    } else if (err instanceof CaseError || err instanceof TransportError || err instanceof TemplateError) {
      outcome = 'error';
      message = err.message;
    } else {
      outcome = 'error';
      message = `internal error: ${(err as Error).stack ?? String(err)}`;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  const failedAt = checks.filter(isFailure).map((ch) => ch.at);
  return {
    id: c.fullId,
    title: c.title,
    file: c.file,
    area: c.area,
    level: c.level,
    clauses: c.clauses,
    tags: c.tags,
    outcome,
    ...(message === undefined ? {} : { message }),
    duration_ms: Date.now() - started,
    checks,
    failed_at: failedAt,
    ...(outcome === 'pass' ? {} : { transcript: client.transcript }),
    at: c.at,
  };
}
