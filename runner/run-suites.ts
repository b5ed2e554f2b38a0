// The programmatic API of a run, the stages in order (docs/architecture.md): load and validate -> plan
// -> start the embedded mock (provision) or reach --homeserver and make first contact (contact) ->
// provision and execute cases in a pool, each step judging its answers -> apply expectations -> judge
// the verdict -> emit events and the canonical report.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../project/errors.js';
import { startEmbeddedMock, type EmbeddedMock, type MockIsolation } from './provision/embedded-mock.js';
import { executeCase } from './execute/execute-case.js';
import type { SchemaValidator } from './judge/expect.js';
import { loadExpectations, type Expectations } from './load/expectations.js';
import { loadSuites } from './load/load-suite.js';
import { GENERIC_TARGET, loadTargetProfile, type TargetProfile } from './load/load-target.js';
import { checkHomeserverReachable, discoverRelease, type AdvertisedVersions } from './contact/reach-homeserver.js';
import { firstContact } from './contact/first-contact.js';
import { genericProfileNotes } from './plan/generic-profile-notes.js';
import { ProbeSession } from './contact/probe-session.js';
import { familyOf } from '../project/releases.js';
import { readServerSoftware } from './contact/server-identity.js';
import { actorsOf } from './probe/users-needed.js';
import { planRun, type PlannedCase, type Selection } from './plan/plan.js';
import { runCoverage } from './plan/run-coverage.js';
import { dialectFor } from './dialect/dialects.js';
import { runWallClock, VirtualClock, type Clock } from '../project/clock.js';
import { clauseInfo, loadClauses, type Clause } from './load/load-clauses.js';
import { runPool } from './execute/pool.js';
import { projectRoot, suitesDir, targetsDir } from '../project/paths.js';
import { ProvisioningState } from './provision/provision.js';
import { RUNNER_CONTRACT, type CaseProgress, type CaseResult, type PartialRun, type Report, type RunInfo, type RunListener } from '../project/report.js';
import { Redactor, withoutUserInfo } from '../project/redact.js';
import { caseIdentity, type Level, type Suite, type SuiteCase } from './load/suite-types.js';
import { exitCodeOf, gatingFailures, missingCases, summarize } from './judge/verdicts.js';
import { Interruption, INTERRUPT_GRACE_MS } from './execute/interruption.js';
import { TimeBudget } from './plan/time-budget.js';
import { caseTimeoutMs } from './plan/time-limit.js';
import { expressionVariables } from './load/load-target.js';
import { formatDuration } from '../project/format-duration.js';
import { withRootCauses } from '../project/root-causes.js';
import { loadSchemaRegistry } from '../project/schemas.js';

const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };
/** What a report names as its maker: the package's own name and version, never a copy of them. */
export const TOOL = { name: manifest.name, version: manifest.version };
export const DEFAULT_TARGET = join(targetsDir, 'mock.yaml');
export const DEFAULT_JOBS = 8;
/** The first contact's checks (users, presence on) must end in bounded time whatever the server does. */
const FIRST_CONTACT_BUDGET_MS = 60_000;

/** The profile when none is given: the embedded mock's own, or for another server the generic one. */
export function defaultTargetFor(homeserver: string | undefined): string {
  return homeserver ? GENERIC_TARGET : DEFAULT_TARGET;
}

export interface RunOptions {
  /** Suite files or folders (default suites/), or suites already loaded. */
  suites?: string[] | Suite[];
  /** A target profile file or a loaded profile (default: defaultTargetFor(homeserver)). */
  target?: string | TargetProfile;
  /** The server to test; without it the embedded mock is started from the profile. */
  homeserver?: string;
  /** Extra mock faults for the embedded mock (added to the profile's mock.faults). */
  faults?: string[];
  /** Extra mock variants for the embedded mock (added to the profile's mock.variants). */
  variants?: string[];
  /**
   * Time against the embedded mock: `virtual` (the default) shares a virtual clock with a mock in this
   * thread, so that waits on presence timers cost nothing; `real` runs on the wall clock, the mock in
   * a worker thread (or in-process, `mockIsolation`). A run against --homeserver is always real.
   */
  time?: 'virtual' | 'real';
  /** With real time: where the embedded mock runs, a worker thread (default; a blocked mock cannot hang the run) or in-process. */
  mockIsolation?: MockIsolation;
  grep?: RegExp | string;
  tags?: string[];
  levels?: Level[];
  ids?: string[];
  shard?: { index: number; total: number };
  jobs?: number;
  strict?: boolean;
  /** An expectations file; default the profile's; false for none. */
  expectations?: string | false;
  listeners?: RunListener[];
  /** Schema lookups for `expect.schema` (default the project's schema registry). */
  schemas?: SchemaValidator;
  /** The clause catalogue for the coverage summary (default suites/clauses.yaml; false for none). */
  clauses?: string | false;
  /**
   * Against --homeserver, check before the first case that users can be had and presence is on, and
   * stop with one sentence otherwise (default true). False leaves each case to find out: for tests of
   * single steps against fakes that answer only what the step needs.
   */
  firstContact?: boolean;
  /**
   * Stops the run when aborted, its reason the signal ('SIGINT' or 'SIGTERM'): no case starts after
   * the stop, running cases get `interruptGraceMs` (default INTERRUPT_GRACE_MS) to end and are then
   * abandoned as `interrupted`, and the report (partial) still comes, with the rest `not_run`.
   */
  stop?: AbortSignal;
  interruptGraceMs?: number;
  /** The run's time budget in ms (--max-time): a case starts only when its own time limit fits in what is left. */
  maxTimeMs?: number;
  /** A run that left cases out for time is judged by the cases that finished, instead of failing (--allow-partial). */
  allowPartial?: boolean;
}

async function resolveSuites(suites: RunOptions['suites']): Promise<Suite[]> {
  if (suites === undefined) return loadSuites([suitesDir]);
  if (suites.length > 0 && typeof suites[0] !== 'string') return suites as Suite[];
  return loadSuites(suites as string[]);
}

/** Every `expect.schema` must name a known schema: checked before any request, like the rest of a suite. */
function checkSchemaNames(cases: SuiteCase[], schemas: () => SchemaValidator & { find?: (a: string) => unknown }): void {
  const problems: string[] = [];
  for (const c of cases) {
    for (const step of c.steps) {
      if (step.kind !== 'request' || step.expect?.schema === undefined) continue;
      let registry;
      try {
        registry = schemas();
      } catch (err) {
        throw new ConfigError(`${step.expect.schemaAt}: cannot load the schema registry: ${(err as Error).message}`);
      }
      if (registry.find && !registry.find(step.expect.schema)) problems.push(`${step.expect.schemaAt}: unknown schema "${step.expect.schema}"`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
}

/** The clause catalogue, when there is one (a run of one's own suites may have none). */
async function catalogue(option: RunOptions['clauses']): Promise<Clause[] | undefined> {
  if (option === false) return undefined;
  const file = option ?? join(suitesDir, 'clauses.yaml');
  if (option === undefined && !existsSync(file)) return undefined;
  return loadClauses(file);
}

/**
 * The run's redactor, told the secrets the profile holds: the shared secret, static users' tokens and
 * the listed `secrets`. Each case works with a fork of it that also learns, on the wire, whatever else is
 * secret (tokens, passwords, nonces, MACs).
 */
function redactorFor(profile: TargetProfile): Redactor {
  const redactor = new Redactor();
  redactor.addSecret(profile.registration.shared_secret);
  for (const user of profile.registration.users ?? []) redactor.addSecret(user.access_token, 'token');
  for (const secret of profile.secrets ?? []) redactor.addSecret(secret);
  return redactor;
}

function skippedResult(p: PlannedCase): CaseResult {
  const c = p.case;
  return {
    ...caseIdentity(c),
    outcome: 'skip',
    message: p.skip,
    duration_ms: 0,
    checks: [],
    failed_at: [],
    ...(p.expectation ? { expectation: p.expectation } : {}),
    at: c.at,
  };
}

/** A case that a stopped or out-of-time run never started. */
function notRunResult(p: PlannedCase, message: string): CaseResult {
  return { ...skippedResult(p), outcome: 'not_run', message };
}

/** The part of a run that a stop cut short: what a partial report says (undefined for a whole run). */
function partialRun(results: CaseResult[], interruption: Interruption, budget: TimeBudget | undefined, accepted: boolean): PartialRun | undefined {
  const missing = missingCases(results);
  const maxTime = budget ? { max_time_ms: budget.maxMs } : {};
  if (interruption.stopped) return { reason: 'interrupted', signal: interruption.by, ...maxTime, accepted, missing };
  if (missing.length > 0) return { reason: 'max_time', ...maxTime, accepted, missing };
  return undefined;
}

/** xfail expectations turn a non-pass into xfail and a pass into xpass. */
function applyExpectation(result: CaseResult, p: PlannedCase): CaseResult {
  if (!p.expectation) return result;
  const withRef = { ...result, expectation: p.expectation };
  if (p.expectation.expect !== 'xfail') return withRef;
  if (result.outcome === 'pass') {
    return { ...withRef, outcome: 'xpass', message: `passed, but expected to fail: ${p.expectation.reason}` };
  }
  // A case that did not judge neither confirms nor refutes the expected failure.
  if (result.outcome === 'inconclusive' || result.outcome === 'blocked') return withRef;
  return { ...withRef, outcome: 'xfail' };
}

function emit(listeners: RunListener[], fn: (l: RunListener) => void): void {
  for (const l of listeners) fn(l);
}

/**
 * Runs suites against a target and returns the report. Throws ConfigError (exit 2) for bad suites,
 * profiles, expectations or options, before any request is sent.
 */
export async function runSuites(options: RunOptions = {}): Promise<Report> {
  const listeners = options.listeners ?? [];
  const started = Date.now();
  const loaded = typeof options.target === 'object' ? options.target : await loadTargetProfile(options.target ?? defaultTargetFor(options.homeserver));
  const suites = await resolveSuites(options.suites);
  const schemas = options.schemas ? () => options.schemas! : () => loadSchemaRegistry();
  checkSchemaNames(
    suites.flatMap((s) => s.cases),
    schemas,
  );
  const expectationsFile = options.expectations === false ? undefined : (options.expectations ?? loaded.expectations);
  const expectations: Expectations = expectationsFile ? await loadExpectations(expectationsFile) : new Map();
  let grep: RegExp | undefined;
  try {
    grep = typeof options.grep === 'string' ? new RegExp(options.grep) : options.grep;
  } catch (err) {
    throw new ConfigError(`--grep: invalid regular expression: ${(err as Error).message}`);
  }
  const selection: Selection = { grep, tags: options.tags, levels: options.levels, ids: options.ids, shard: options.shard };
  const jobs = options.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ConfigError(`--jobs must be a whole number of at least 1, not ${jobs}`);
  let profile = loaded;
  let advertised: AdvertisedVersions | undefined;
  if (options.homeserver && loaded.generic) {
    // Without a profile the release to speak is not assumed either: the highest the server advertises
    // (without /versions, r0.0.0 or early, as profile init finds them).
    const discovered = await discoverRelease(options.homeserver, loaded.timers.request_timeout);
    advertised = discovered.advertised;
    profile = { ...loaded, release: discovered.release, spec_version: familyOf(discovered.release) };
  }
  const plan = planRun(suites, profile, selection, expectations);
  const clauses = await catalogue(options.clauses);
  // Where each case stands in the whole plan, whatever the shard: merged shard reports keep suite order.
  const position = new Map(suites.flatMap((s) => s.cases).map((c, i) => [c.fullId, i]));
  const redactor = redactorFor(profile);

  const toRun = plan.cases.filter((p) => !p.skip);
  const faults = options.faults ?? [];
  const virtual = !options.homeserver && (options.time ?? 'virtual') === 'virtual';
  const clock: Clock = virtual ? new VirtualClock() : runWallClock;
  const provisioning = new ProvisioningState(profile);
  const dialect = dialectFor(profile.release);
  const interruption = new Interruption(options.stop, options.interruptGraceMs);
  const budget = options.maxTimeMs === undefined ? undefined : new TimeBudget(options.maxTimeMs, started);
  const prepare = async (): Promise<{ mock?: EmbeddedMock; server?: RunInfo['target']['server'] }> => {
    // No need to start a mock when nothing runs (everything filtered out or skipped).
    if (!options.homeserver && toRun.length > 0) {
      return { mock: await startEmbeddedMock(profile, { faults, variants: options.variants }, virtual ? { clock } : { isolation: options.mockIsolation }) };
    }
    if (!options.homeserver || toRun.length === 0) return {};
    // Not a homeserver, no users to be had, presence off: one sentence before any case (exit 2).
    advertised ??= await checkHomeserverReachable(options.homeserver, profile.timers.request_timeout, dialect);
    const deadline = Date.now() + FIRST_CONTACT_BUDGET_MS;
    // Separate sessions: a server that hangs on the optional version endpoints has not stopped answering.
    const { software } = await readServerSoftware(new ProbeSession(options.homeserver, deadline, profile.timers.request_timeout));
    const session = new ProbeSession(options.homeserver, deadline, profile.timers.request_timeout, dialect);
    if (options.firstContact !== false) await firstContact(session, dialect, profile, provisioning, actorsOf(toRun.map((p) => p.case)));
    return { server: { versions: advertised.versions, ...(software ? { software } : {}) } };
  };
  const preparing = prepare();
  const prepared = await interruption.unlessStopped(preparing);
  if (prepared === 'stopped') {
    // Stopped before the first case: nothing ran, and a mock that starts after all is closed at once.
    preparing.then((p) => p.mock?.close()).catch(() => undefined);
  }
  const { mock, server } = prepared === 'stopped' ? {} : prepared;
  const baseUrl = options.homeserver ?? mock?.url ?? 'http://127.0.0.1:0';
  const notes = profile.generic && options.homeserver ? genericProfileNotes(profile, plan.cases, options.homeserver) : [];
  const info: RunInfo = {
    runner_contract: RUNNER_CONTRACT,
    tool: TOOL,
    target: {
      name: profile.name,
      url: withoutUserInfo(baseUrl),
      spec_version: profile.spec_version,
      release: profile.release,
      embedded_mock: !options.homeserver,
      faults: options.homeserver ? [] : [...profile.mock.faults, ...faults],
      profile: profile.source,
      ...(server ? { server } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    },
    options: {
      jobs,
      strict: options.strict ?? false,
      ...(grep ? { grep: grep.source } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.levels ? { levels: options.levels } : {}),
      ...(options.shard ? { shard: `${options.shard.index}/${options.shard.total}` } : {}),
    },
    started_at: new Date(started).toISOString(),
    planned: plan.cases.length,
  };
  emit(listeners, (l) => l.onRunStart?.(info));
  for (const w of plan.warnings) emit(listeners, (l) => l.onWarning?.(w));

  const results = new Map<PlannedCase, CaseResult>();
  // A case's result comes redacted from executeCase (by what the case saw and the profile's secrets).
  const finish = (p: PlannedCase, result: CaseResult) => {
    const placed = { ...result, position: position.get(p.case.fullId) };
    results.set(p, placed);
    emit(listeners, (l) => l.onCaseEnd?.(placed));
  };
  const onProgress = (progress: CaseProgress) => emit(listeners, (l) => l.onCaseProgress?.(progress));
  try {
    for (const p of plan.cases.filter((pc) => pc.skip)) finish(p, skippedResult(p));
    const variables = expressionVariables(profile);
    await runPool(toRun, jobs, async (p) => {
      if (interruption.stopped) return finish(p, notRunResult(p, `not run: the run was interrupted (${interruption.by}) before it started`));
      const leftOut = budget?.leavesOut(caseTimeoutMs(p.case, variables));
      if (leftOut) return finish(p, notRunResult(p, leftOut));
      emit(listeners, (l) => l.onCaseStart?.({ id: p.case.fullId, title: p.case.title, area: p.case.area }));
      const caseStarted = Date.now();
      const raw = await interruption.withinGrace(executeCase(p.case, { baseUrl, profile, provisioning, schemas, clock, redactor, onProgress }));
      if (raw !== 'abandoned') return finish(p, applyExpectation(raw, p));
      const grace = formatDuration(options.interruptGraceMs ?? INTERRUPT_GRACE_MS);
      const message = `interrupted (${interruption.by}): still running ${grace} after the stop, and abandoned`;
      finish(p, { ...notRunResult(p, message), outcome: 'interrupted', duration_ms: Date.now() - caseStarted });
    });
  } finally {
    interruption.dispose();
    // Abandoned cases may still hold connections to the mock: its close is not waited for long then.
    const closing = mock?.close();
    if (interruption.stopped) await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    else await closing;
    if (clock instanceof VirtualClock) clock.stop();
  }

  // The report lists cases in suite order, whatever order they finished in.
  const ordered = plan.cases.map((p) => results.get(p)!);
  const strict = options.strict ?? false;
  const gating = gatingFailures(ordered, strict);
  const partial = partialRun(ordered, interruption, budget, options.allowPartial ?? false);
  const report: Report = withRootCauses({
    ...info,
    finished_at: new Date().toISOString(),
    duration_ms: Date.now() - started,
    summary: summarize(ordered),
    exit_code: exitCodeOf(gating, partial, interruption.stopped ? interruption.by : undefined),
    gating_failures: gating,
    ...(partial ? { partial } : {}),
    warnings: plan.warnings,
    coverage: runCoverage(plan.cases, clauses, profile),
    // Coverage depends on the plan alone, not on outcomes: a shard can state the whole run's, which
    // `report merge` then takes as the merged report's (runner/judge/merge-reports.ts).
    ...(options.shard
      ? { whole_run_coverage: runCoverage(planRun(suites, profile, { ...selection, shard: undefined }, expectations).cases, clauses, profile) }
      : {}),
    cases: ordered,
    ...(clauses ? { clauses: clauseInfo(clauses) } : {}),
  });
  for (const l of listeners) await l.onRunEnd?.(report);
  return report;
}
