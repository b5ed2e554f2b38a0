// Polls /sync as a watcher until a presence event matches, or proves one does not arrive. The watcher
// syncs with set_presence=offline unless told otherwise, so that watching never changes what is watched
// (Client-Server API, GET /sync: set_presence "offline" means the client is not marked online).
import type { Check, MatchContext } from './checks.js';
import { evaluatePathMatchers, isFailure, makeCheck, show } from './checks.js';
import type { HomeserverClient } from './homeserver-client.js';
import type { Actor } from './provision.js';
import type { SyncUntilStep } from './suite-types.js';
import type { SpecVersion, Timers } from './load-target.js';
import { CaseError } from './case-error.js';
import { lookup } from './json-path.js';
import { formatMs } from './durations.js';

export interface SyncEnv {
  client: HomeserverClient;
  timers: Timers;
  specVersion: SpecVersion;
  /** The watcher's since token, kept across steps of the case. */
  since: Map<string, string>;
  match: MatchContext;
  now: () => number;
}

export interface SyncResult {
  checks: Check[];
  /** The matched event (for capture), when one matched. */
  event?: unknown;
}

function syncPath(specVersion: SpecVersion): string {
  return specVersion === 'v1.19' ? '/_matrix/client/v3/sync' : '/_matrix/client/r0/sync';
}

/** One /sync call; returns the presence events it delivered. */
async function pollOnce(env: SyncEnv, step: SyncUntilStep, actor: Actor, pollMs: number): Promise<unknown[]> {
  const since = env.since.get(actor.name);
  const response = await env.client.call(`sync_until as ${actor.name}`, 'GET', syncPath(env.specVersion), {
    token: actor.access_token,
    query: { timeout: Math.max(0, Math.floor(pollMs)), set_presence: step.set_presence, ...(since ? { since } : {}) },
    timeoutMs: env.timers.request_timeout + pollMs,
  });
  if (response.status !== 200) {
    throw new CaseError(`${step.at}: /sync as ${actor.name} answered HTTP ${response.status}: ${response.text.slice(0, 160)}`);
  }
  if (response.json === undefined) throw new CaseError(`${step.at}: /sync as ${actor.name}: ${response.jsonError}`);
  const body = response.json as { next_batch?: unknown; presence?: { events?: unknown } };
  if (typeof body.next_batch !== 'string') throw new CaseError(`${step.at}: /sync as ${actor.name}: the response has no next_batch`);
  env.since.set(actor.name, body.next_batch);
  const events = body.presence?.events;
  return Array.isArray(events) ? events : [];
}

export async function runSyncUntil(step: SyncUntilStep, actor: Actor, sender: string | undefined, deadlineMs: number, env: SyncEnv): Promise<SyncResult> {
  const level = step.level ?? env.match.level;
  const match = { ...env.match, level };
  const started = env.now();
  const end = started + deadlineMs;
  const mode = step.absent ? 'absent' : step.count !== undefined ? 'count' : 'until';
  const seen: unknown[] = [];
  let matchedCount = 0;
  let firstMatch: unknown;
  let matchChecks: Check[] = [];
  for (;;) {
    const remaining = end - env.now();
    // Always poll at least once, even with a zero deadline: "what is there now" is a valid question.
    const events = await pollOnce(env, step, actor, Math.max(0, Math.min(env.timers.sync_poll_timeout, remaining)));
    for (const event of events) {
      if (sender !== undefined && lookup(event, 'sender').value !== sender) continue;
      seen.push(event);
      const checks = evaluatePathMatchers(step.match, event, 'event', match);
      if (checks.every((c) => c.passed)) {
        matchedCount += 1;
        if (firstMatch === undefined) {
          firstMatch = event;
          matchChecks = checks;
        }
      }
    }
    if (mode === 'until' && firstMatch !== undefined) break;
    if (mode === 'absent' && matchedCount > 0) break;
    if (env.now() >= end) break;
  }
  const waited = formatMs(env.now() - started);
  const who = sender ?? 'anyone';
  const label = `presence of ${who} seen by ${actor.name}`;
  if (mode === 'until') {
    if (firstMatch !== undefined) return { checks: matchChecks, event: firstMatch };
    // Show why the last event from the sender did not match, matcher by matcher.
    const last = seen[seen.length - 1];
    const summary = makeCheck({
      path: label,
      expected: `an m.presence event matching ${step.match.length} matcher(s) within ${formatMs(deadlineMs)}`,
      actual: last === undefined ? undefined : seen.slice(-3).map((e) => (e as { content?: unknown }).content),
      passed: false,
      level,
      at: step.at,
    });
    const detail = last === undefined ? [] : evaluatePathMatchers(step.match, last, 'event', match).filter(isFailure);
    summary.message = last === undefined
      ? `${step.at}: no m.presence event from ${who} reached ${actor.name} within ${waited}`
      : `${step.at}: no m.presence event from ${who} matched within ${waited}; last seen content: ${show((last as { content?: unknown }).content)}`;
    return { checks: [summary, ...detail] };
  }
  if (mode === 'absent') {
    const passed = matchedCount === 0;
    const check = makeCheck({ path: label, expected: `no matching m.presence event within ${formatMs(deadlineMs)}`, actual: passed ? undefined : (firstMatch as { content?: unknown }).content, passed, level, at: step.at });
    if (!passed) check.message = `${step.at}: ${label}: got a matching event after ${waited}, want none within ${formatMs(deadlineMs)}: ${show(firstMatch)}`;
    return { checks: [check], event: firstMatch };
  }
  const passed = matchedCount === step.count;
  const check = makeCheck({ path: label, expected: `exactly ${step.count} matching m.presence event(s) within ${formatMs(deadlineMs)}`, actual: matchedCount, passed, level, at: step.at });
  return { checks: [check], event: firstMatch };
}
