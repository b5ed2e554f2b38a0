// The runner's one entry point: the library's `matrix-presence-conformance/runner` (docs/library.md) and
// everything the CLI takes from the runner. A run: runSuites against a target, with the report contract
// (runner contract v1) it returns and emits. The rest is what the other commands are made of: loading
// suites, profiles, expectations and saved reports, planning and coverage, linting suites, probing a
// server for a profile, and merging shard reports.
export { runSuites, defaultTargetFor, DEFAULT_TARGET, DEFAULT_JOBS, TOOL, type RunOptions } from './run-suites.js';
export { ConfigError } from '../project/errors.js';
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
} from '../project/report.js';

export { loadSuites, loadSuiteFile, parseSuiteText, discoverSuiteFiles } from './load/load-suite.js';
export type { Suite, SuiteCase } from './load/suite-types.js';
export {
  loadTargetProfile,
  parseTargetProfile,
  DEFAULT_TIMERS,
  GENERIC_TARGET,
  type TargetProfile,
  type Capability,
  type StaticUser,
  type Timers,
} from './load/load-target.js';
export { loadExpectations, expectationsFromResults, writeExpectations } from './load/expectations.js';
export { loadClauses, type Clause } from './load/load-clauses.js';
export { loadReport } from './load/load-report.js';
export { assertFormat } from './load/format-schemas.js';

export { planRun, parseShard } from './plan/plan.js';
export { runCoverage } from './plan/run-coverage.js';
export { clauseCoverage, coverageBySpec } from './suite-tools/coverage.js';
export { lintSuites } from './suite-tools/lint-suites.js';

export { probeServer, type ProbeOptions, type ProbeReport } from './probe/probe-server.js';
export type { Finding } from './probe/findings.js';
export { writeProfile } from './probe/profile-writer.js';
export { usersNeededForRun } from './probe/users-needed.js';

export { mergeReports } from './judge/merge-reports.js';
