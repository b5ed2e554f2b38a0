// `request`: one HTTP request (or a burst of them, `repeat`), its `expect` checks and its `capture`s.
// Also what a sync_until `trigger` sends. With `expect.eventually`, a GET is sent again until its checks
// hold: a server may process a change in the background (Dendrite routes presence through a message
// bus), and no text says how soon a change shows; the profile's visibility_deadline bounds it.
import { schemasOfRelease } from '../../dialect/dialects.js';
import { isFailure, type Check } from '../../../project/report.js';
import { checkExpect, statusMatches } from '../../judge/expect.js';
import { lookup } from '../../judge/json-path.js';
import type { ExpectSpec, RequestStep, StepRole } from '../../load/suite-types.js';
import { formatDuration } from '../../../project/format-duration.js';
import { countOf } from '../../load/durations.js';
import { makeCheck } from '../../judge/matchers.js';
import { retryDelayMs, type HttpResponse } from '../../http/http-client.js';
import { CaseError } from '../../http/case-error.js';
import { isRateLimitCase, type CaseRun } from '../case-run.js';
import { isPresenceWrite } from '../rate-pacer.js';

/** How often an `eventually` read is sent again. */
const EVENTUALLY_INTERVAL_MS = 100;

/** Stores each `capture` of a step in the case's captured values; finding nothing is an error. */
export function capture(
  step: { capture?: Record<string, string>; at: string },
  from: (where: string) => { found: boolean; value?: unknown },
  run: CaseRun,
): void {
  for (const [name, where] of Object.entries(step.capture ?? {})) {
    const { found, value } = from(where);
    if (!found) throw new CaseError(`${step.at}: capture ${name}: nothing at ${where} in the response`);
    run.captured[name] = value;
  }
}

/** What a request capture reads: status, retry_delay, headers.<name> or body.<path>. */
function fromResponse(response: HttpResponse, where: string, at: string): { found: boolean; value?: unknown } {
  if (where === 'status') return { found: true, value: response.status };
  if (where === 'retry_delay') {
    // The wait a 429 asks for, whichever way the server says it (retry_after_ms or Retry-After).
    const says = (response.json as { retry_after_ms?: unknown } | undefined)?.retry_after_ms !== undefined || response.headers['retry-after'] !== undefined;
    return says ? { found: true, value: retryDelayMs(response) } : { found: false };
  }
  if (where.startsWith('headers.')) {
    const value = response.headers[where.slice(8).toLowerCase()];
    return { found: value !== undefined, value };
  }
  if (response.json === undefined) throw new CaseError(`${at}: capture from ${where}: ${response.jsonError}`);
  return lookup(response.json, where === 'body' ? '' : where.slice(5));
}

async function send(step: RequestStep, run: CaseRun): Promise<HttpResponse> {
  const r = step.request;
  const actor = r.as === undefined ? undefined : run.actor(r.as, r.device);
  let token: string | undefined;
  if (r.token === 'invalid') token = `invalid-${Date.now().toString(36)}`;
  else if (r.token !== 'none' && actor) token = actor.access_token;
  const query = r.query === undefined ? undefined : (run.renderValue(r.query) as Record<string, string>);
  const options = {
    token,
    tokenInQuery: r.token === 'query' ? true : undefined,
    query,
    json: r.body === undefined ? undefined : run.renderValue(r.body),
    rawBody: r.raw_body === undefined ? undefined : run.render(r.raw_body),
    contentType: r.content_type,
    headers: r.headers === undefined ? undefined : (run.renderValue(r.headers) as Record<string, string>),
    // A burst is looking for the 429: never retry it away.
    retry429: r.repeat === undefined && !isRateLimitCase(run.spec),
    // An answer bounded by answered_within gets its bound on top of the request timeout, so that an
    // answer later than the bound is judged late instead of lost.
    timeoutMs: step.expect?.answered_within === undefined ? undefined : run.variables.request_timeout! + run.duration(step.expect.answered_within),
  };
  const path = run.render(r.path, true);
  const write = actor !== undefined && isPresenceWrite(r.method, path, query);
  const count = countOf(r.repeat?.count, run.variables);
  const interval = r.repeat?.interval === undefined ? 0 : run.duration(r.repeat.interval);
  let response!: HttpResponse;
  for (let i = 0; i < count; i++) {
    if (i > 0 && interval > 0) await run.sleep(interval);
    if (write) await run.pacer.beforeWrite(actor.user_id);
    response = await run.client.call(`${r.method} ${r.path}${count > 1 ? ` #${i + 1}` : ''}`, r.method, path, options);
    if (actor !== undefined) run.lastRequestAt.set(actor.user_id, run.now());
    if (r.repeat?.until && statusMatches(response.status, r.repeat.until.status)) break;
  }
  return response;
}

/** The check of `answered_within`: how long the answer took, on the run's clock. */
function answeredWithinCheck(expect: ExpectSpec, tookMs: number, run: CaseRun): Check {
  const withinMs = run.duration(expect.answered_within!);
  const check = makeCheck({
    path: 'answered in',
    expected: `at most ${formatDuration(withinMs)}`,
    actual: tookMs,
    passed: tookMs <= withinMs,
    level: expect.level ?? run.match.level,
    at: expect.answeredWithinAt,
  });
  check.message = `${expect.answeredWithinAt}: answered in ${formatDuration(tookMs)}, ${check.passed ? 'within' : 'want at most'} ${formatDuration(withinMs)}`;
  return check;
}

/**
 * The request as the suite writes it, users named by role: "{me}" for the requester, "{user}" for
 * anyone else, "{room}" for a room (the key of a root cause, project/root-causes.ts).
 */
export function describeRequest(r: RequestStep['request']): string {
  const path = r.path
    .replace(/\{(\w+)\.(user_id|localpart)\}/g, (_, who: string) => (who === r.as ? '{me}' : '{user}'))
    .replace(/\{rooms\.[\w-]+\.room_id\}/g, '{room}')
    .replace(/\{captured\.[\w-]+\}/g, '{captured}');
  const token = r.token === undefined ? '' : ` (token ${r.token})`;
  return `${r.method} ${path}${token}`;
}

/**
 * Marks the checks of a step by what they are for: a premise (the step's or a matcher's `premise`), or
 * the setup another case tests (`relies_on`: the request's acceptance, its status, is that setup).
 */
export function markRoles(step: StepRole, checks: Check[], request: string, setup: (check: Check) => boolean): Check[] {
  return checks.map((check) => {
    const role = step.premise !== undefined || check.role === 'premise' ? 'premise' : step.relies_on !== undefined && setup(check) ? 'setup' : undefined;
    return { ...check, request, ...(role === undefined ? {} : { role }) };
  });
}

export async function runRequestStep(step: RequestStep, run: CaseRun): Promise<void> {
  const expect = step.expect;
  const deadline = expect?.eventually === undefined ? undefined : run.now() + run.duration(expect.eventually);
  let response: HttpResponse;
  let checks: Check[] = [];
  for (;;) {
    const sentAt = run.now();
    response = await send(step, run);
    const tookMs = run.now() - sentAt;
    if (!expect) break;
    const result = checkExpect(expect, response, () => schemasOfRelease(run.env.schemas(), run.dialect), run.match, step.at);
    checks = result.checks;
    if (expect.answered_within !== undefined) checks.push(answeredWithinCheck(expect, tookMs, run));
    const holds = result.unjudgeable === undefined && !checks.some(isFailure);
    if (holds || deadline === undefined || run.now() + EVENTUALLY_INTERVAL_MS > deadline) {
      run.record(...markRoles(step, checks, describeRequest(step.request), (check) => check.path === 'status'));
      if (result.unjudgeable !== undefined) throw new CaseError(result.unjudgeable);
      break;
    }
    await run.sleep(EVENTUALLY_INTERVAL_MS);
  }
  // A failed check ends the case after this step; capturing from a wrong answer would only turn the
  // failure into an error.
  if (checks.some(isFailure)) return;
  capture(step, (where) => fromResponse(response, where, step.at), run);
}
