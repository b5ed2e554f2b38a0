// `request`: one HTTP request (or a burst of them, `repeat`), its `expect` checks and its `capture`s.
// Also what a sync_until `trigger` sends.
import { isFailure } from '../../../project/report.js';
import { checkExpect, statusMatches } from '../../check/expect.js';
import { lookup } from '../../check/json-path.js';
import type { RequestStep, SuiteCase } from '../../load/suite-types.js';
import type { HttpResponse } from '../../http/http-client.js';
import { CaseError } from '../case-error.js';
import type { CaseRun } from '../case-run.js';

/** Cases that test rate limiting must see the 429s themselves. */
export function isRateLimitCase(c: SuiteCase): boolean {
  return c.tags.some((t) => t === 'rate-limit' || t === 'rate_limit') || c.requires.includes('rate_limit');
}

/** Stores each `capture` of a step in the case's captured values; finding nothing is an error. */
export function capture(step: { capture?: Record<string, string>; at: string }, from: (where: string) => { found: boolean; value?: unknown }, run: CaseRun): void {
  for (const [name, where] of Object.entries(step.capture ?? {})) {
    const { found, value } = from(where);
    if (!found) throw new CaseError(`${step.at}: capture ${name}: nothing at ${where} in the response`);
    run.captured[name] = value;
  }
}

async function send(step: RequestStep, run: CaseRun): Promise<HttpResponse> {
  const r = step.request;
  const actor = r.as === undefined ? undefined : run.actor(r.as);
  let token: string | undefined;
  if (r.token === 'invalid') token = `invalid-${Date.now().toString(36)}`;
  else if (r.token !== 'none' && actor) token = actor.access_token;
  const options = {
    token,
    tokenInQuery: r.token === 'query',
    query: r.query === undefined ? undefined : (run.renderValue(r.query) as Record<string, string>),
    json: r.body === undefined ? undefined : run.renderValue(r.body),
    rawBody: r.raw_body === undefined ? undefined : run.render(r.raw_body),
    contentType: r.content_type,
    headers: r.headers === undefined ? undefined : (run.renderValue(r.headers) as Record<string, string>),
    // A burst is looking for the 429: never retry it away.
    retry429: r.repeat === undefined && !isRateLimitCase(run.spec),
  };
  const path = run.render(r.path, true);
  const count = r.repeat?.count ?? 1;
  const interval = r.repeat?.interval === undefined ? 0 : run.duration(r.repeat.interval);
  let response!: HttpResponse;
  for (let i = 0; i < count; i++) {
    if (i > 0 && interval > 0) await run.sleep(interval);
    response = await run.client.call(`${r.method} ${r.path}${count > 1 ? ` #${i + 1}` : ''}`, r.method, path, options);
    if (r.repeat?.until && statusMatches(response.status, r.repeat.until.status)) break;
  }
  return response;
}

export async function runRequestStep(step: RequestStep, run: CaseRun): Promise<void> {
  const response = await send(step, run);
  if (step.expect) {
    const result = checkExpect(step.expect, response, run.env.schemas, run.match, step.at);
    run.record(...result.checks);
    if (result.unjudgeable !== undefined) throw new CaseError(result.unjudgeable);
    // A failed check ends the case after this step; capturing from a wrong answer would only turn the
    // failure into an error.
    if (result.checks.some(isFailure)) return;
  }
  capture(step, (where) => {
    if (where === 'status') return { found: true, value: response.status };
    if (where.startsWith('headers.')) {
      const value = response.headers[where.slice(8).toLowerCase()];
      return { found: value !== undefined, value };
    }
    if (response.json === undefined) throw new CaseError(`${step.at}: capture from ${where}: ${response.jsonError}`);
    return lookup(response.json, where === 'body' ? '' : where.slice(5));
  }, run);
}
