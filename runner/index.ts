// The runner's one entry point: the library's `matrix-presence-conformance/runner` (docs/library.md) and
// everything the CLI takes from the runner. The library's part: a run (runSuites against a target), the
// report contract (runner contract v1) it returns and emits, reading suites, profiles, expectations and
// saved reports, probing a server for a profile, and merging shard reports. The CLI's part, below, is
// marked internal: the build leaves it out of the type declarations (stripInternal), so no library
// user builds on it.
export { runSuites, type RunOptions } from './run-suites.js';
export { ConfigError } from '../project/errors.js';
export { SPEC_VERSIONS, type SpecVersion } from '../project/spec-versions.js';
export { RELEASES, RELEASE_NAMES, NEXT_RELEASE, releaseNamed, type Release } from '../project/releases.js';
export {
  RUNNER_CONTRACT,
  OUTCOMES,
  isFailure,
  type Report,
  type CaseResult,
  type Outcome,
  type RunListener,
  type RunInfo,
  type Exchange,
  type Check,
  type Level,
  type PartialRun,
  type StopSignal,
  type ExitCode,
} from '../project/report.js';
export { loadSuites } from './load/load-suite.js';
export type { Suite, SuiteCase } from './load/suite-types.js';
export { loadTargetProfile, type TargetProfile, type Capability, type StaticUser, type Timers } from './load/load-target.js';
export { loadExpectations } from './load/expectations.js';
export { loadReport } from './load/load-report.js';
export { probeServer, type ProbeOptions, type ProbeReport } from './probe/probe-server.js';
export type { Finding as ProbeFinding } from './probe/findings.js';
export { writeProfile } from './probe/profile-writer.js';
export { mergeReports, type MergeOptions } from './judge/merge-reports.js';

/** @internal The CLI's: defaults of `run`. */
export { defaultTargetFor, DEFAULT_JOBS, TOOL } from './run-suites.js';
/** @internal The CLI's: `run` stopped by a signal. */
export { SIGNAL_EXIT_CODES } from './judge/verdicts.js';
export { INTERRUPT_GRACE_MS } from './execute/interruption.js';
/** @internal The CLI's: `run --update-expectations`. */
export { expectationsFromResults, writeExpectations } from './load/expectations.js';
/** @internal The CLI's: `lint` and `coverage`. */
export { loadClauses, type Clause } from './load/load-clauses.js';
/** @internal The CLI's: `profile init --users`. */
export { assertFormat } from './load/format-schemas.js';
/** @internal The CLI's: `coverage` and `run --shard`. */
export { planRun, parseShard } from './plan/plan.js';
/** @internal The CLI's: `coverage --target`. */
export { runCoverage } from './plan/run-coverage.js';
/** @internal The CLI's: `coverage`. */
export { clauseCoverage, coverageBySpec } from './suite-tools/coverage.js';
/** @internal The CLI's: `lint`. */
export { lintSuites } from './suite-tools/lint-suites.js';
/** @internal The CLI's: `profile init` with static users. */
export { usersNeededForRun } from './probe/users-needed.js';
/** @internal The CLI's: `bench --homeserver` makes its users and rooms as a run does. */
export { BenchProvisioner, type BenchPopulation, type BenchUser } from './contact/bench-population.js';
/** @internal The CLI's: `bench --timers` reads whose presence an event is as a run does. */
export { presenceUserOf } from './dialect/dialects.js';
