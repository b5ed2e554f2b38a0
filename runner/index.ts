// The runner's programmatic API (runner contract v1): run suites against a target and get the report.
export { runSuites, DEFAULT_TARGET, DEFAULT_JOBS, TOOL, type RunOptions } from './run-suites.js';
export { loadSuites, loadSuiteFile, parseSuiteText, discoverSuiteFiles } from './load-suite.js';
export { loadTargetProfile, parseTargetProfile, DEFAULT_TIMERS, type TargetProfile, type Capability, type Timers } from './load-target.js';
export { loadExpectations, expectationsFromResults, writeExpectations } from './expectations.js';
export { ConfigError } from './config-error.js';
export { RUNNER_CONTRACT, OUTCOMES, type Report, type CaseResult, type Outcome, type RunListener, type RunInfo, type Exchange } from './report-types.js';
export type { Check } from './checks.js';
export type { Suite, SuiteCase, Level } from './suite-types.js';
