// The typed form of a suite file (schemas/suite.schema.json) after loading. Every step and check keeps
// `at`, its "file:line:col", so verdicts can point back at the YAML.
import type { Capability } from './load-target.js';
import type { ReleaseRange } from '../../project/releases.js';
import type { SpecVersion } from '../../project/spec-versions.js';
import type { DurationSpec } from './durations.js';
import type { CaseResult, Level } from '../../project/report.js';

export type { Level } from '../../project/report.js';
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export interface ValueMatcher {
  equals?: unknown;
  one_of?: unknown[];
  type?: JsonType | JsonType[];
  absent?: true;
  present?: true;
  /** Absent is fine; when present the other conditions apply. */
  optional?: true;
  matches?: string;
  gt?: DurationSpec;
  gte?: DurationSpec;
  lt?: DurationSpec;
  lte?: DurationSpec;
  /** The value is a list with at least one element satisfying every one of these (paths into the element). */
  some?: PathMatcher[];
  /** The value is a list with no element satisfying every one of these. */
  none?: PathMatcher[];
  level?: Level;
  /**
   * The matcher states a premise of the judgement, not the judgement: seen broken, the case is
   * inconclusive. Names what to change then: a profile timer (idle_timeout ...), or words.
   */
  premise?: string;
  /** file:line:col of the matcher. */
  at: string;
}

/**
 * A matcher in a list: on the value at a dot `path`, on a response `header` (expect.body only), or a
 * group of alternatives (`any_of`: the item holds when every matcher of one alternative holds).
 */
export interface PathMatcher extends ValueMatcher {
  path?: string;
  header?: string;
  any_of?: PathMatcher[][];
}

/** A status, a class ("4xx"), or a list of them. */
export type StatusSpec = number | string | (number | string)[];

export interface RequestSpec {
  as?: string;
  /** Which of the actor's devices (case `devices`); default its registration's. */
  device?: string;
  method: string;
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  raw_body?: string;
  content_type?: string;
  headers?: Record<string, string>;
  token?: 'none' | 'invalid' | 'query';
  /** count: a number, or an expression over the timers and the rate limit (rate_limit_burst ...). */
  repeat?: { count: number | string; until?: { status: StatusSpec }; interval?: DurationSpec };
}

export interface ExpectSpec {
  status?: StatusSpec;
  statusAt: string;
  headers?: Record<string, ValueMatcher>;
  schema?: string;
  schemaAt: string;
  body?: PathMatcher[];
  level?: Level;
  /** Re-send (GET) until every check holds, for at most this long. */
  eventually?: DurationSpec;
  /** The answer must arrive at most this long after the request is sent. */
  answered_within?: DurationSpec;
  answeredWithinAt: string;
}

/** What a request or sync_until step may say about its role in the case (docs/suites.md, "Premises and blocked cases"). */
export interface StepRole {
  /**
   * The step only sets the judgement up; what it relies on (that the request is accepted, that the
   * event arrives) is tested directly by this case ("<file stem>#<id>"). When it fails, the case is
   * blocked, not failed.
   */
  relies_on?: string;
  /** Every check of the step is a premise (see ValueMatcher.premise); the value names what to change. */
  premise?: string;
}

export interface RequestStep extends StepRole {
  kind: 'request';
  at: string;
  request: RequestSpec;
  expect?: ExpectSpec;
  capture?: Record<string, string>;
}

/**
 * A request sent while the watcher's /sync long-poll waits, so a case can cause a change during the
 * poll (steps otherwise run one after another). It has the shape of a request step without capture.
 */
export interface SyncTrigger {
  /** file:line:col of the `trigger` key. */
  at: string;
  /** How long after the long-poll is sent the trigger goes (default TRIGGER_AFTER_DEFAULT). */
  after?: DurationSpec;
  step: RequestStep;
}

/** Default of `trigger.after`: time for a /sync to reach a server on loopback and start waiting. */
export const TRIGGER_AFTER_DEFAULT = '200ms';

export interface SyncUntilStep extends StepRole {
  kind: 'sync_until';
  at: string;
  as: string;
  device?: string;
  set_presence: 'offline' | 'online' | 'unavailable';
  /** The watcher's /sync filter (inline JSON). */
  filter?: Record<string, unknown>;
  sender?: string;
  match: PathMatcher[];
  deadline?: DurationSpec;
  /** The `timeout` of each /sync of this step (default sync_poll_timeout). */
  poll_timeout?: DurationSpec;
  trigger?: SyncTrigger;
  /** With trigger: the matching event must arrive at most this long after the trigger is sent. */
  within?: DurationSpec;
  withinAt: string;
  absent?: true;
  /** With absent: an event matching one alternative ends the watch; `premise` when it ended before the step. */
  ends_when?: { any_of: PathMatcher[][]; premise?: string; at: string };
  count?: number;
  capture?: Record<string, string>;
  level?: Level;
}

/** The watcher takes its since token now (one /sync with timeout 0). */
export interface WatchStep {
  kind: 'watch';
  at: string;
  as: string;
  device?: string;
  set_presence: 'offline' | 'online' | 'unavailable';
  filter?: Record<string, unknown>;
}

export interface WaitStep {
  kind: 'wait';
  at: string;
  duration: DurationSpec;
}

export type Step = RequestStep | SyncUntilStep | WatchStep | WaitStep;

export interface RoomSpec {
  name: string;
  creator: string;
  members: string[];
  preset: 'private_chat' | 'public_chat' | 'trusted_private_chat';
}

export interface SuiteCase {
  /** "<file stem>#<id>", e.g. "status#put-own-presence-round-trip". */
  fullId: string;
  id: string;
  title: string;
  level: Level;
  clauses: string[];
  tags: string[];
  requires: Capability[];
  spec_versions?: SpecVersion[];
  /** The releases in which the case holds (since / until in the suite file); absent: every release. */
  releases?: ReleaseRange;
  /** Another level in a spec text whose words support another strength (the plan applies it). */
  level_in?: Partial<Record<SpecVersion, Level>>;
  catches: string[];
  actors: string[];
  /** More devices of an actor: actor -> device names, each logged in after registration. */
  devices: Record<string, string[]>;
  rooms: RoomSpec[];
  timeout?: DurationSpec;
  steps: Step[];
  /** The suite file as shown to the user, and the suite's area and title. */
  file: string;
  area: string;
  suiteTitle: string;
  at: string;
}

/** What a case's result says of the case itself, before its outcome: the same for a run case and a skipped one. */
export function caseIdentity(c: SuiteCase): Pick<CaseResult, 'id' | 'title' | 'file' | 'area' | 'level' | 'clauses' | 'tags'> {
  return { id: c.fullId, title: c.title, file: c.file, area: c.area, level: c.level, clauses: c.clauses, tags: c.tags };
}

export interface Suite {
  file: string;
  title: string;
  /** One line on what the cases check (the suites table of docs/suites-catalogue.md). */
  summary?: string;
  area: string;
  cases: SuiteCase[];
}
