// Runs one case: provision its actors and rooms, run its steps in order (steps/), and turn the checks
// into an outcome. A step whose checks fail ends the case (later steps would only add noise and time);
// every check of that step is still evaluated and recorded.
import { isFailure, type CaseResult, type Outcome } from '../../project/report.js';
import { Redactor } from '../../project/redact.js';
import { formatDuration } from '../../project/format-duration.js';
import { expressionVariables } from '../load/load-target.js';
import { caseIdentity, type SuiteCase } from '../load/suite-types.js';
import { TemplateError } from '../load/templates.js';
import { HomeserverClient } from '../http/homeserver-client.js';
import { TransportError } from '../http/http-client.js';
import { loginDevice, provisionActors, provisionRoom } from '../provision/provision.js';
import { CaseError } from '../http/case-error.js';
import { located } from './located.js';
import { CaseRun, isRateLimitCase, type CaseEnv } from './case-run.js';
import { dialectOf } from '../dialect/dialects.js';
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
    if (run.failedSince(mark)) return;
  }
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
    dialectOf(env.profile.spec_version).tokenInQuery,
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
  });
  return outcome === 'pass' ? result : { ...result, transcript: client.redactedTranscript() };
}
