// Runs one case: provision its actors and rooms, run its steps in order (steps/), and turn the checks
// into an outcome. A step whose checks fail ends the case (later steps would only add noise and time);
// every check of that step is still evaluated and recorded.
import { isFailure, type CaseResult, type Check, type Outcome, type PremiseBreak } from '../../project/report.js';
import { Redactor } from '../../project/redact.js';
import { formatDuration } from '../../project/format-duration.js';
import { expressionVariables } from '../load/load-target.js';
import { caseIdentity, type PathMatcher, type Step, type SuiteCase } from '../load/suite-types.js';
import { TemplateError } from '../load/templates.js';
import { HomeserverClient } from '../http/homeserver-client.js';
import { TransportError } from '../http/http-client.js';
import { loginDevice, provisionActors, provisionRoom } from '../provision/provision.js';
import { CaseError } from '../http/case-error.js';
import { located } from './located.js';
import { CaseRun, isRateLimitCase, type CaseEnv } from './case-run.js';
import { dialectFor } from '../dialect/dialects.js';
import { caseTimeoutMs } from '../plan/time-limit.js';
import { runStep } from './steps/index.js';

export type { CaseEnv } from './case-run.js';

async function runSteps(run: CaseRun): Promise<void> {
  const c = run.spec;
  run.progress('provisioning users and rooms');
  await located(`${c.at}: provisioning`, async () => {
    Object.assign(run.actors, await provisionActors(run.client, run.dialect, run.env.provisioning, c.actors));
    run.templates.server_name = run.env.provisioning.serverName ?? '';
    for (const [name, devices] of Object.entries(c.devices)) {
      for (const device of devices) run.devices[`${name}.${device}`] = await loginDevice(run.client, run.dialect, run.actors[name]!, device);
    }
    for (const room of c.rooms) run.templates.rooms[room.name] = await provisionRoom(run.client, run.dialect, room, run.actors);
  });
  for (const step of c.steps) {
    const mark = run.checks.length;
    await runStep(step, run);
    if (run.failedSince(mark)) {
      judgeFailedStep(step, run.checks.slice(mark).filter(isFailure), run);
      return;
    }
  }
}

/**
 * Why the step failed, when it is not the judgement the case exists for: a refused request the case
 * relies on (blocked: nothing after it, premises included, could be read) wins over a premise seen
 * broken (inconclusive), which wins over a failure.
 */
function judgeFailedStep(step: Step, failed: Check[], run: CaseRun): void {
  if (failed.some((ch) => ch.role === 'setup') && (step.kind === 'request' || step.kind === 'sync_until') && step.relies_on !== undefined) {
    run.blockedBy = { at: step.at, tested_by: step.relies_on };
    return;
  }
  const premise = failed.find((ch) => ch.role === 'premise');
  if (premise !== undefined) run.premiseBroken = premiseBreak(step, premise, run);
}

/** The premise a check states: its step's, or that of the matcher it comes from (found by place). */
function premiseOf(step: Step, at: string): string | undefined {
  if (step.kind !== 'request' && step.kind !== 'sync_until') return undefined;
  if (step.premise !== undefined) return step.premise;
  if (step.kind === 'sync_until' && step.ends_when?.at === at) return step.ends_when.premise;
  const find = (list: PathMatcher[]): string | undefined => {
    for (const m of list) {
      if (m.at === at && m.premise !== undefined) return m.premise;
      const inner = find([...(m.some ?? []), ...(m.none ?? []), ...(m.any_of ?? []).flat()]);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return find(step.kind === 'request' ? (step.expect?.body ?? []) : step.match);
}

/**
 * What was seen, and what to change: a premise naming a profile timer says the profile's value and
 * how long after the user's last request the server showed otherwise; any other premise is words.
 */
function premiseBreak(step: Step, check: Check, run: CaseRun): PremiseBreak {
  const what = premiseOf(step, check.at) ?? 'the profile';
  const whose = step.kind === 'sync_until' && step.sender !== undefined ? run.render(step.sender) : undefined;
  const last = whose === undefined ? undefined : run.lastRequestAt.get(whose);
  const name = Object.values(run.actors).find((a) => a.user_id === whose)?.name ?? whose;
  const seenAt = (step.kind === 'sync_until' ? run.lastEventAt : undefined) ?? run.now();
  const after = last === undefined ? '' : ` (seen ${formatDuration(seenAt - last)} after ${name}'s last request)`;
  const seen = `${check.message.replace(/^\S+:\d+:\d+:\s*/, '')}${after}`;
  const timer = run.env.profile.timers[what];
  const change =
    timer === undefined
      ? what
      : `${what}: the profile says ${formatDuration(timer)}, which did not fit this server; set timers.${what} to the server's value (profile init --measure-timers measures it)`;
  return { at: check.at, seen, change };
}

/** Executes a case to a pass/fail/error/timeout result (skips and expectations are decided elsewhere). */
export async function executeCase(c: SuiteCase, env: CaseEnv): Promise<CaseResult> {
  const clock = env.clock;
  const started = clock.now();
  const limit = caseTimeoutMs(c, expressionVariables(env.profile));
  const controller = new AbortController();
  const redactor = env.redactor?.fork() ?? new Redactor();
  const client = new HomeserverClient(
    env.baseUrl,
    env.profile.timers.request_timeout,
    started + limit,
    controller.signal,
    !isRateLimitCase(c),
    dialectFor(env.profile.release).tokenInQuery,
    clock,
    redactor,
  );
  const run = new CaseRun(c, env, client, controller.signal);
  const checks = run.checks;
  let outcome: Outcome;
  let message: string | undefined;
  let timer: unknown;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = clock.setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, limit);
  });
  try {
    const result = await Promise.race([runSteps(run).then(() => 'done' as const), timedOut]);
    if (result === 'timeout') {
      outcome = 'timeout';
      message = `the case did not finish within ${formatDuration(limit)}`;
    } else if (run.blockedBy !== undefined) {
      outcome = 'blocked';
      message = `blocked: ${checks.find((ch) => isFailure(ch) && ch.role === 'setup')?.message ?? run.blockedBy.at}; tested by ${run.blockedBy.tested_by}`;
    } else if (run.premiseBroken !== undefined) {
      outcome = 'inconclusive';
      message = `premise not met: ${run.premiseBroken.seen}`;
    } else {
      const failed = checks.filter(isFailure);
      outcome = failed.length > 0 ? 'fail' : 'pass';
      message = failed[0]?.message;
    }
  } catch (err) {
    if (controller.signal.aborted) {
      outcome = 'timeout';
      message = `the case did not finish within ${formatDuration(limit)}`;
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
    clock.clearTimeout(timer);
    controller.abort();
  }
  const failedAt = checks.filter(isFailure).map((ch) => ch.at);
  // Redacted once, here, by what this case's client saw and the run's own secrets: no listener and no
  // report ever gets a credential (project/redact.ts).
  const result: CaseResult = redactor.value({
    ...caseIdentity(c),
    outcome,
    ...(message === undefined ? {} : { message }),
    duration_ms: clock.now() - started,
    checks,
    failed_at: failedAt,
    at: c.at,
    ...(outcome === 'inconclusive' ? { premise: run.premiseBroken } : {}),
    ...(outcome === 'blocked' ? { blocked_by: run.blockedBy } : {}),
  });
  return outcome === 'pass' ? result : { ...result, transcript: client.redactedTranscript() };
}
