// The contract between the runner and its consumers: the canonical report (schemas/report.schema.json),
// the checks it is made of, and the events reporters consume. Reporters import this module only; they
// never import runner code. Runner contract v1: fields are only ever added; a change in meaning bumps
// RUNNER_CONTRACT.
import type { SpecVersion } from './spec-versions.js';

export const RUNNER_CONTRACT = 'v1';

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
}

/** A check fails a case only when it is not INFO (INFO records implementation-defined behaviour). */
export function isFailure(check: Check): boolean {
  return !check.passed && check.level !== 'INFO';
}

export type Outcome = 'pass' | 'fail' | 'error' | 'skip' | 'xfail' | 'xpass' | 'timeout';
export const OUTCOMES: Outcome[] = ['pass', 'fail', 'error', 'skip', 'xfail', 'xpass', 'timeout'];

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
  section: string;
  /** The statement, in the project's words. */
  text: string;
}

export type Summary = Record<Outcome, number> & { total: number };

export interface RunInfo {
  runner_contract: string;
  tool: { name: string; version: string };
  target: {
    name: string;
    url: string;
    spec_version: SpecVersion;
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
  exit_code: 0 | 1;
  /** Cases that make the exit code 1 (failed MUST cases, xpasses; SHOULD too with --strict). */
  gating_failures: string[];
  warnings: string[];
  /** What the run covered per level (cases run or not, and why; clauses tested or not). */
  coverage?: RunCoverage;
  /** In a shard's report: the coverage of the whole sharded run (every shard's report carries the same). */
  whole_run_coverage?: RunCoverage;
  cases: CaseResult[];
  /** The clause catalogue the cases name, so that a saved report renders its clause matrix alone. */
  clauses?: ClauseInfo[];
  /** Set by `report merge`: the shard reports this one joins. */
  merged_from?: { shard?: string; url: string; started_at: string; duration_ms: number; exit_code: 0 | 1 }[];
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
