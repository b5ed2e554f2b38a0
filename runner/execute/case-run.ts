// What the steps of one running case share: the case, the target, the HTTP client, the actors and rooms
// provisioned for it, the values captured so far, each watcher's /sync position, and the checks made so
// far. Step modules (steps/) take a CaseRun and record their checks into it as they make them, so the
// checks made before a step stops on an error are never lost.
import type { CaseProgress, Check, PremiseBreak } from '../../project/report.js';
import { isFailure } from '../../project/report.js';
import type { Clock } from '../../project/clock.js';
import type { Redactor } from '../../project/redact.js';
import type { MatchContext } from '../judge/matchers.js';
import type { SchemaValidator } from '../judge/expect.js';
import { evaluateDuration, type DurationSpec } from '../load/durations.js';
import { expressionVariables, type TargetProfile } from '../load/load-target.js';
import type { SuiteCase } from '../load/suite-types.js';
import { render, renderValue, type TemplateContext } from '../load/templates.js';
import type { HomeserverClient } from '../http/homeserver-client.js';
import { sleep } from '../http/http-client.js';
import type { Actor, ProvisioningState } from '../provision/provision.js';
import { CaseError } from '../http/case-error.js';
import { RatePacer } from './rate-pacer.js';
import { dialectFor, type Dialect } from '../dialect/dialects.js';

/** What every case of a run shares: where the target is, its profile, and the run-wide state. */
export interface CaseEnv {
  baseUrl: string;
  profile: TargetProfile;
  provisioning: ProvisioningState;
  schemas: () => SchemaValidator;
  /** The run's clock: the wall clock, or the virtual one shared with the embedded mock. */
  clock: Clock;
  /** The run's redactor: what the case's client sends and receives is recorded through it. */
  redactor?: Redactor;
  /** Told what a case is doing when it starts something that takes a while (RunListener.onCaseProgress). */
  onProgress?: (progress: CaseProgress) => void;
}

/** Cases that test rate limiting must see the 429s themselves: no retries, no pacing. */
export function isRateLimitCase(c: SuiteCase): boolean {
  return c.tags.some((t) => t === 'rate-limit' || t === 'rate_limit') || c.requires.includes('rate_limit');
}

export class CaseRun {
  /** Every check of the case so far, in the order made. */
  readonly checks: Check[] = [];
  /** The case's users, once provisioned. */
  readonly actors: Record<string, Actor> = {};
  /** Their other devices, by "actor.device". */
  readonly devices: Record<string, Actor> = {};
  readonly templates: TemplateContext;
  readonly match: MatchContext;
  /** What the suite's expressions may name: the timers and the rate limit's numbers. */
  readonly variables: Record<string, number>;
  /** The API the target speaks (its profile's spec_version). */
  readonly dialect: Dialect;
  /** Paces each actor's presence writes to the profile's rate limit (not in rate-limit cases). */
  readonly pacer: RatePacer;
  /** Each watcher's since token, kept across the steps of the case. */
  readonly since = new Map<string, string>();
  /**
   * Presence events a watcher's /sync delivered that no step has looked at yet, oldest first: a step
   * waiting for alice must not throw away carol's event that came in the same response, or a later
   * step waiting for carol would never see it.
   */
  readonly backlog = new Map<string, unknown[]>();
  /** Set when a failed step stated a premise of the judgement: the case is inconclusive. */
  premiseBroken?: PremiseBreak;
  /** Set when a failed step only set the case up, relying on another case: the case is blocked. */
  blockedBy?: { at: string; tested_by: string };
  /** When the event a failed sync_until judged last arrived: when a premise was seen broken. */
  lastEventAt?: number;
  /** When each user (by user id) last had a request answered: what a premise break is timed from. */
  readonly lastRequestAt = new Map<string, number>();

  constructor(
    readonly spec: SuiteCase,
    readonly env: CaseEnv,
    readonly client: HomeserverClient,
    /** Aborted when the case's time limit passes. */
    readonly signal: AbortSignal,
  ) {
    this.variables = expressionVariables(env.profile);
    this.pacer = new RatePacer(
      isRateLimitCase(spec) ? undefined : env.profile.rate_limit,
      () => this.now(),
      (ms) => this.sleep(ms),
    );
    this.dialect = dialectFor(env.profile.release);
    this.templates = {
      actors: this.actors,
      rooms: {},
      captured: {},
      server_name: '',
      timers: env.profile.timers,
      api: this.dialect.api,
      presenceListPath: env.profile.presence_list_path,
      httpMedia: this.dialect.version === 'early',
    };
    this.match = { timers: this.variables, captured: this.templates.captured, level: spec.level, render: (v) => renderValue(v, this.templates) };
  }

  get captured(): Record<string, unknown> {
    return this.templates.captured;
  }

  /** An actor, or one of its other devices (case `devices`), logged in as `name.device`. */
  actor(name: string, device?: string): Actor {
    const actor = device === undefined ? this.actors[name] : this.devices[`${name}.${device}`];
    if (!actor) throw new CaseError(`unknown actor ${device === undefined ? name : `${name} (device ${device})`}`);
    return actor;
  }

  /** A duration of the suite, with the target's timers and the values captured so far. */
  duration(spec: DurationSpec): number {
    return evaluateDuration(spec, this.variables, this.captured);
  }

  render(text: string, encode = false): string {
    return render(text, this.templates, encode);
  }

  renderValue(value: unknown): unknown {
    return renderValue(value, this.templates);
  }

  now(): number {
    return this.env.clock.now();
  }

  /** A pause that the case's time limit cuts short. */
  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal, this.env.clock);
  }

  /** Says what the case is doing now (provisioning, waiting for an event, pausing), for live progress. */
  progress(activity: string, limitMs?: number): void {
    // The wall clock, not the run's (possibly virtual) one: a display measures what a person waits.
    this.env.onProgress?.({ id: this.spec.fullId, activity, started_at: Date.now(), ...(limitMs === undefined ? {} : { limit_ms: limitMs }) });
  }

  record(...checks: Check[]): void {
    this.checks.push(...checks);
  }

  /** Whether a check recorded after `mark` (a length of `checks`) failed. */
  failedSince(mark: number): boolean {
    return this.checks.slice(mark).some(isFailure);
  }
}
