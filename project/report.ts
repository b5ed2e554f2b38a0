// The contract between the runner and its consumers: the canonical report (schemas/report.schema.json),
// the checks it is made of, and the events reporters consume. Reporters import this module only; they
// never import runner code. Fields are only ever added within a contract version; a change in meaning
// bumps RUNNER_CONTRACT (v2 added the outcomes inconclusive and blocked, and the root causes).
import type { Release } from './releases.js';
import type { SpecVersion } from './spec-versions.js';

export const RUNNER_CONTRACT = 'v2';

/** How strong a case or check is: MUST, SHOULD and MAY can fail a run; INFO is recorded, never failed. */
export type Level = 'MUST' | 'SHOULD' | 'MAY' | 'INFO';

/** One expectation evaluated on its own. */
export interface Check {
  /** What was looked at: "status", "body.presence", "headers.content-type", "schema matrix/error". */
  path: string;
  /** What the suite wanted, in words ("\"unavailable\"", ">= 0", "one of [\"\",null]"). */
  expected: string;
  /** What the server gave (JSON value), undefined when absent. */
  actual: unknown;
  passed: boolean;
  /** "suites/status.yaml:41:9: content.presence: got \"online\", want \"unavailable\"" */
  message: string;
  level: Level;
  /** file:line:col of the matcher in the suite. */
  at: string;
  /**
   * What the check is for, when it is not the judgement the case exists for: `premise`, a condition the
   * judgement needs (broken: the case is inconclusive); `setup`, a request the case relies on and
   * another case tests (failed: the case is blocked).
   */
  role?: 'premise' | 'setup';
  /**
   * The request the check judged, as the suite writes it, users and rooms named by role:
   * "GET {api}/presence/{me}/status", "GET /sync (bob)". Root causes group checks by it.
   */
  request?: string;
}

/** A check fails a case only when it is not INFO (INFO records implementation-defined behaviour). */
export function isFailure(check: Check): boolean {
  return !check.passed && check.level !== 'INFO';
}

/**
 * pass, fail, error, timeout: the case ran and judged (error and timeout: it could not finish). skip:
 * not run. xfail, xpass: a failure expected by the expectations file, or a pass where one was expected.
 * inconclusive: a premise of the judgement was seen broken (never a failure). blocked: a request the
 * case relies on failed, and another case tests it (never a failure; that case's verdict stands).
 * Only a partial run (Report.partial) has the last two: interrupted, a case still running when the
 * run was stopped and abandoned after a grace period; not_run, a case the stopped or out-of-time run
 * never started. Neither is a pass or a failure.
 */
export type Outcome = 'pass' | 'fail' | 'error' | 'skip' | 'xfail' | 'xpass' | 'timeout' | 'inconclusive' | 'blocked' | 'interrupted' | 'not_run';
export const OUTCOMES: Outcome[] = ['pass', 'fail', 'error', 'skip', 'xfail', 'xpass', 'timeout', 'inconclusive', 'blocked', 'interrupted', 'not_run'];

/** The outcomes of a case that a partial run did not finish. */
export const UNFINISHED_OUTCOMES: ReadonlySet<string> = new Set(['interrupted', 'not_run']);

/** Outcomes that say nothing of the clauses a case names: it did not judge. */
export function isUnjudged(outcome: string): boolean {
  return outcome === 'skip' || outcome === 'inconclusive' || outcome === 'blocked' || UNFINISHED_OUTCOMES.has(outcome);
}

export interface Exchange {
  step: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  error?: string;
  duration_ms: number;
}

export interface ExpectationRef {
  expect: 'skip' | 'xfail';
  reason: string;
  issue?: string;
  /** The evidence of a deviation: the clauses broken, the words of the texts, the server's source. */
  clauses?: string[];
  quote?: string;
  source?: string[];
}

export interface CaseResult {
  id: string;
  title: string;
  file: string;
  area: string;
  level: Level;
  clauses: string[];
  tags: string[];
  outcome: Outcome;
  /** Why a case was skipped, errored or timed out; the first failure for a fail. */
  message?: string;
  duration_ms: number;
  checks: Check[];
  /** file:line:col of each failed check. */
  failed_at: string[];
  expectation?: ExpectationRef;
  /** Request/response transcript, kept for cases that did not pass. */
  transcript?: Exchange[];
  at: string;
  /** Index of the case in the whole plan (suite order, before sharding), so shard reports merge back in order. */
  position?: number;
  /** An inconclusive case: the premise seen broken, and what to change for the case to judge. */
  premise?: PremiseBreak;
  /** A blocked case: the step that failed and the case that tests what it relies on. */
  blocked_by?: { at: string; tested_by: string };
  /** The id of the root cause (Report.causes) of a case that failed, was blocked, errored or timed out. */
  cause?: string;
}

export interface PremiseBreak {
  /** file:line:col of the premise. */
  at: string;
  /** What the server showed, in words. */
  seen: string;
  /** What to change so that the case can judge: the profile value whose default did not fit. */
  change: string;
}

/**
 * One root cause: the first failed check that a group of cases share (the request, what was wanted,
 * what came back), or the error they ended on. A server that breaks one thing reads as one cause with
 * the cases under it, not as many failures.
 */
export interface RootCause {
  /** Stable within a report: "c1", "c2", ... in order of the number of cases, most first. */
  id: string;
  /** One line: "GET {api}/presence/{me}/status: status: got 404, want 200". */
  summary: string;
  /** The request, when the cause is a check on an answer. */
  request?: string;
  expected?: string;
  actual?: unknown;
  /** The worst of its cases' levels (a cause with a MUST case among its cases gates). */
  level: Level;
  /** Its cases, in report order, with their outcomes. */
  cases: { id: string; outcome: Outcome }[];
}

/** The INFO checks of a case: implementation-defined behaviour it recorded, whatever the outcome. */
export function observations(result: CaseResult): Check[] {
  return result.checks.filter((c) => c.level === 'INFO');
}

/** A clause of the catalogue (suites/clauses.yaml), as the report carries it for rendering on its own. */
export interface ClauseInfo {
  id: string;
  level: Level;
  /** server, client or out-of-scope. */
  scope: string;
  /** The spec text the clause is of. */
  spec: SpecVersion;
  /** The releases whose text has it, where narrower than its spec text's (suites/clauses.yaml). */
  since?: Release;
  until?: Release;
  section: string;
  /** The statement, in the project's words. */
  text: string;
}

/**
 * Cases per outcome. Reports of runner contract v1 have no inconclusive and blocked counts, and reports
 * of a complete run no interrupted and not_run counts (read them with countOf).
 */
export type Summary = Record<Exclude<Outcome, 'interrupted' | 'not_run'>, number> & Partial<Record<'interrupted' | 'not_run', number>> & { total: number };

/** The signals that interrupt a run (CI cancelling a job, Ctrl-C). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** How a run ends: 0 or 1 by its verdict; 130 or 143 when SIGINT or SIGTERM interrupted it. */
export type ExitCode = 0 | 1 | 130 | 143;

/**
 * Set when the run did not finish every case it planned: it was interrupted (SIGINT, SIGTERM), or
 * `--max-time` left cases out. The verdict then covers only the cases that finished.
 */
export interface PartialRun {
  reason: 'interrupted' | 'max_time';
  /** The signal that interrupted the run. */
  signal?: StopSignal;
  /** The run's --max-time, when it had one. */
  max_time_ms?: number;
  /** Accepted as a verdict (--allow-partial): the exit code is then the finished cases' verdict. */
  accepted: boolean;
  /** The cases that did not finish (interrupted or not run), in plan order. */
  missing: string[];
  /** In a merged report: the shards that were partial. */
  shards?: string[];
}

export interface RunInfo {
  runner_contract: string;
  tool: { name: string; version: string };
  target: {
    name: string;
    url: string;
    /** The API family of the release (its spec text). */
    spec_version: SpecVersion;
    /** The release the run spoke and judged (contract v2; absent in older reports: the family's default). */
    release?: Release;
    embedded_mock: boolean;
    faults: string[];
    profile: string;
    /** What the server said about itself (runs against --homeserver). */
    server?: { versions: string[]; software?: string };
    /** Lines the run's header shows about the profile, e.g. what running without one means. */
    notes?: string[];
  };
  options: { jobs: number; strict: boolean; grep?: string; tags?: string[]; levels?: string[]; shard?: string };
  started_at: string;
  planned: number;
}

export interface Report extends RunInfo {
  finished_at: string;
  duration_ms: number;
  summary: Summary;
  exit_code: ExitCode;
  /** Cases that make the exit code 1 (failed MUST cases, xpasses; SHOULD too with --strict). */
  gating_failures: string[];
  /** The run did not finish every case it planned (interrupted, or out of time). */
  partial?: PartialRun;
  warnings: string[];
  /** What the run covered per level (cases run or not, and why; clauses tested or not). */
  coverage?: RunCoverage;
  /** In a shard's report: the coverage of the whole sharded run (every shard's report carries the same). */
  whole_run_coverage?: RunCoverage;
  cases: CaseResult[];
  /** The clause catalogue the cases name, so that a saved report renders its clause matrix alone. */
  clauses?: ClauseInfo[];
  /** The root causes of the cases that failed, were blocked, errored or timed out (runner contract v2). */
  causes?: RootCause[];
  /** Set by `report merge`: the shard reports this one joins. */
  merged_from?: { shard?: string; url: string; started_at: string; duration_ms: number; exit_code: ExitCode }[];
}

/** What a running case is doing, e.g. waiting for an event: for live progress displays. */
export interface CaseProgress {
  id: string;
  /** "waiting for presence unavailable from alice (seen by bob)", "waiting 2.0s", "provisioning". */
  activity: string;
  /** When the activity started (ms since the epoch). */
  started_at: number;
  /** How long it may take at most, when bounded (a deadline, a wait). */
  limit_ms?: number;
}

/**
 * What the runner tells reporters, in order: run-start, then case-start, case-progress (any number) and
 * case-end per case (cases run concurrently, so these interleave), then run-end with the finished report.
 */
export interface RunListener {
  onRunStart?(info: RunInfo): void;
  onCaseStart?(info: { id: string; title: string; area: string }): void;
  /** A case started something that takes a while; the latest one per case is what it is doing now. */
  onCaseProgress?(progress: CaseProgress): void;
  onCaseEnd?(result: CaseResult): void;
  onWarning?(message: string): void;
  onRunEnd?(report: Report): void | Promise<void>;
}

/** Why cases were not run: the user's selection, the target's spec version, an unclaimed capability, static users, the expectations file. */
export type NotRunReason = 'selection' | 'spec_version' | 'capability' | 'registration' | 'expectation';

/** What a run tested at one level, so that a partial run never reads like a full one. */
export interface LevelCoverage {
  /** Cases of this level that ran. */
  cases_run: number;
  /** Cases of this level that did not run, by reason. */
  cases_not_run: Partial<Record<NotRunReason, number>>;
  /** Catalogue clauses of this level that at least one run case checks. */
  clauses_tested: number;
  /** Catalogue clauses of this level that no run case checks, and why. */
  clauses_not_tested: { id: string; why: string }[];
}

/** Per level (MUST, SHOULD, MAY): how much of the suite and of the spec's clauses the run covered. */
export type RunCoverage = Partial<Record<Exclude<Level, 'INFO'>, LevelCoverage>>;
