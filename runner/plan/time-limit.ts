// A case's time limit, known before it runs: the run's header states it (generic-profile-notes.ts)
// and execution enforces it (execute/execute-case.ts). Each step kind's time budget is stated here,
// one entry per kind as execute/steps/index.ts has one runner per kind, so that planning needs nothing
// from execution; a step kind without a budget does not compile.
import { countOf, evaluateDuration } from '../load/durations.js';
import { TRIGGER_AFTER_DEFAULT, type Step, type SuiteCase } from '../load/suite-types.js';

/** Before a case runs its captured values are unknown; its limit allows 30 s for each. */
const UNKNOWN_CAPTURES = new Proxy({}, { get: () => 30_000 }) as Record<string, unknown>;

/** The timers and the rate limit (`expressionVariables` of a profile), in ms and per second. */
type Variables = Record<string, number>;

function ms(spec: Parameters<typeof evaluateDuration>[0], variables: Variables): number {
  return evaluateDuration(spec, variables, UNKNOWN_CAPTURES);
}

/** What the pacer waits beyond a token's exact refill time, so the server's own clock has refilled too. */
export const PACING_MARGIN_MS = 20;

/** The longest a presence write waits for a token at this rate (execute/rate-pacer.ts), in ms. */
export function tokenWaitMs(perSecond: number | undefined): number {
  return perSecond ? Math.ceil(1000 / perSecond) + PACING_MARGIN_MS : 0;
}

function pacingMs(variables: Variables): number {
  return tokenWaitMs(variables.rate_limit_per_second);
}

type StepBudgets = { [K in Step['kind']]: (step: Extract<Step, { kind: K }>, variables: Variables) => number };

/** The longest a step of each kind may take on a server that answers, in ms. */
export const STEP_BUDGETS: StepBudgets = {
  request: (step, v) => {
    const repeat = step.request.repeat;
    const count = countOf(repeat?.count, v);
    const interval = repeat?.interval === undefined ? 0 : ms(repeat.interval, v);
    let total = count * (v.request_timeout + interval + pacingMs(v));
    if (step.expect?.eventually !== undefined) total += ms(step.expect.eventually, v) + v.request_timeout;
    if (step.expect?.answered_within !== undefined) total += count * ms(step.expect.answered_within, v);
    return total;
  },
  sync_until: (step, v) => {
    const poll = ms(step.poll_timeout ?? 'sync_poll_timeout', v);
    let total = ms(step.deadline ?? 'delivery_deadline', v) + v.request_timeout + poll;
    if (step.trigger) {
      // The catch-up poll and the trigger request, the pause before the trigger, and the long-poll
      // that may already be waiting when the deadline starts.
      total += 2 * v.request_timeout + ms(step.trigger.after ?? TRIGGER_AFTER_DEFAULT, v) + poll;
    }
    return total;
  },
  watch: (_step, v) => v.request_timeout + pacingMs(v),
  wait: (step, v) => ms(step.duration, v),
};

/**
 * The case's time limit when it sets none: its own waits and sync deadlines, plus a request timeout for
 * each request it sends (provisioning included), plus slack. Only a hung server ever reaches it.
 */
export function caseTimeoutMs(c: SuiteCase, variables: Variables): number {
  if (c.timeout !== undefined) return ms(c.timeout, variables);
  const provisioning = 2 * c.actors.length + Object.values(c.devices).flat().length + c.rooms.reduce((n, r) => n + 1 + r.members.length, 0);
  let total = 5_000 + provisioning * variables.request_timeout;
  for (const step of c.steps) total += (STEP_BUDGETS[step.kind] as (step: Step, variables: Variables) => number)(step, variables);
  return total;
}
