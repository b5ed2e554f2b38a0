// The runner's programmatic API (runner contract v1): run suites against a target and get the report.
export { runSuites, defaultTargetFor, DEFAULT_TARGET, DEFAULT_JOBS, TOOL, type RunOptions } from './run-suites.js';
export { probeServer, type ProbeOptions, type ProbeReport } from './probe/probe-server.js';
export { writeProfile } from './probe/profile-writer.js';
export { loadSuites, loadSuiteFile, parseSuiteText, discoverSuiteFiles } from './load/load-suite.js';
export { loadTargetProfile, parseTargetProfile, DEFAULT_TIMERS, GENERIC_TARGET, type TargetProfile, type Capability, type Timers } from './load/load-target.js';
export { loadExpectations, expectationsFromResults, writeExpectations } from './load/expectations.js';
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
export type { Suite, SuiteCase } from './load/suite-types.js';
