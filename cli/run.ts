// `run`: the suites against a homeserver (or, with no --homeserver, against the embedded mock started
// from the target profile). Exit 0 when no MUST case failed and nothing passed unexpectedly, 1
// otherwise, 2 for usage, configuration or suite errors (runner contract v2, INTERPRETING.md). SIGINT
// or SIGTERM stops the run with its reports written (exit 130 or 143); a second signal ends it at once.
import { Command, Option, InvalidArgumentError } from 'commander';
import { ConfigError } from '../project/errors.js';
import {
  DEFAULT_JOBS,
  INTERRUPT_GRACE_MS,
  SIGNAL_EXIT_CODES,
  type StopSignal,
  defaultTargetFor,
  expectationsFromResults,
  loadExpectations,
  loadTargetProfile,
  parseShard,
  runSuites,
  writeExpectations,
} from '../runner/index.js';
import type { Level } from '../project/report.js';
import { displayPath } from '../project/paths.js';
import { formatDuration } from '../project/format-duration.js';
import { removeUnfinishedWrites } from '../project/atomic-write.js';
import { checkOutputPath, exitCodeOf } from './command.js';
import { addReportOutputs, checkReportOutputs, chosenReporters, type ReportOutputOptions } from './report.js';

const LEVELS: Level[] = ['MUST', 'SHOULD', 'MAY', 'INFO'];

function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('want a whole number of at least 1');
  return n;
}

function parseLevels(value: string, previous: Level[] = []): Level[] {
  const levels = value.split(',').map((v) => v.trim().toUpperCase());
  const bad = levels.filter((l) => !LEVELS.includes(l as Level));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown level ${bad.join(', ')}; want ${LEVELS.join(', ')}`);
  return [...previous, ...(levels as Level[])];
}

/** A --homeserver value: an http(s) URL, without trailing slashes. */
export function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('want an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('want an http:// or https:// URL');
  return value.replace(/\/+$/, '');
}

function parseShardOption(value: string): { index: number; total: number } {
  const shard = parseShard(value);
  if (!shard) throw new InvalidArgumentError('want i/n with 1 <= i <= n, e.g. 2/4');
  return shard;
}

const TIME_UNITS_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A --max-time value: "90s", "10m", "1h30m", "1500ms" (a unit is required: a bare number is ambiguous). */
export function parseMaxTime(value: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(value.trim());
  const parts = m ? ([m[1] && ['h', m[1]], m[2] && ['m', m[2]], m[3] && ['s', m[3]], m[4] && ['ms', m[4]]].filter(Boolean) as [string, string][]) : [];
  const ms = parts.reduce((total, [unit, n]) => total + Number(n) * TIME_UNITS_MS[unit]!, 0);
  if (parts.length === 0 || !(ms > 0)) throw new InvalidArgumentError('want a duration such as 90s, 10m, 1h30m or 1500ms');
  return Math.round(ms);
}

/**
 * Turns SIGINT and SIGTERM into a stop of the run: the first one stops it, with the reports written;
 * a second one ends the process at once (its temporary report files removed). `release` restores
 * the default handling once the run is over.
 */
function stopOnSignals(): { stop: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = (signal: StopSignal) => {
    if (controller.signal.aborted) {
      removeUnfinishedWrites();
      process.stderr.write(`${signal} again: stopping at once, without reports\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    process.stderr.write(
      `${signal}: stopping: no case starts any more, running cases get ${formatDuration(INTERRUPT_GRACE_MS)} to finish, then the reports are written (a second signal stops at once)\n`,
    );
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function parseGrep(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (err) {
    throw new InvalidArgumentError(`invalid regular expression: ${(err as Error).message}`);
  }
}

interface RunCommandOptions extends ReportOutputOptions {
  target?: string;
  homeserver?: string;
  grep?: RegExp;
  tag?: string[];
  level?: Level[];
  shard?: { index: number; total: number };
  jobs: number;
  strict?: boolean;
  expectations?: string | false;
  updateExpectations?: string;
  fault?: string[];
  realTime?: boolean;
  maxTime?: number;
  allowPartial?: boolean;
}

async function runAction(suitePaths: string[], opts: RunCommandOptions): Promise<number> {
  if (opts.homeserver && opts.fault?.length) throw new ConfigError('--fault switches on defects of the embedded mock; it cannot be combined with --homeserver');
  checkReportOutputs(opts);
  checkOutputPath('--update-expectations', opts.updateExpectations);
  const profile = await loadTargetProfile(opts.target ?? defaultTargetFor(opts.homeserver));
  const listeners = chosenReporters(opts);
  const signals = stopOnSignals();
  const report = await runSuites({
    suites: suitePaths.length > 0 ? suitePaths : undefined,
    target: profile,
    homeserver: opts.homeserver,
    faults: opts.fault,
    grep: opts.grep,
    tags: opts.tag,
    levels: opts.level,
    shard: opts.shard,
    jobs: opts.jobs,
    strict: opts.strict,
    expectations: opts.expectations,
    listeners,
    time: opts.realTime ? 'real' : 'virtual',
    stop: signals.stop,
    maxTimeMs: opts.maxTime,
    allowPartial: opts.allowPartial,
  }).finally(() => {
    // Past the run, a signal ends the process as usual; while the reports were written it did not.
    if (!signals.stop.aborted) signals.release();
  });
  if (opts.updateExpectations && report.partial) {
    // The cases a partial run did not finish would lose their entries: the file is not written.
    process.stderr.write(`expectations not written to ${displayPath(opts.updateExpectations)}: the run did not finish every case\n`);
  } else if (opts.updateExpectations) {
    const previousFile = opts.expectations === false ? undefined : (opts.expectations ?? profile.expectations);
    const previous = previousFile ? await loadExpectations(previousFile) : undefined;
    await writeExpectations(opts.updateExpectations, expectationsFromResults(report.cases, previous));
    console.log(`expectations written to ${displayPath(opts.updateExpectations)}`);
  }
  return report.exit_code;
}

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('run the suites against a homeserver, or against the embedded mock when no --homeserver is given')
    .argument('[suites...]', 'suite files or folders (default: the suites/ folder)')
    .option(
      '--target <file>',
      "target profile (timers, registration, capabilities); default: the embedded mock's fixtures/targets/mock.yaml, or with --homeserver the generic fixtures/targets/generic.yaml, which claims no optional behaviour",
    )
    .option('--homeserver <url>', 'base URL of the server to test (default: start the embedded mock)', parseUrl)
    .option('--grep <regex>', 'only cases whose "<full id> <title>" matches', parseGrep)
    .option('--tag <tags>', 'only cases with one of these tags or areas (repeatable, comma-separated)', collect)
    .option('--level <levels>', 'only cases of these levels: MUST,SHOULD,MAY,INFO', parseLevels)
    .option('--shard <i/n>', 'run the i-th of n deterministic slices of the cases', parseShardOption)
    .option('--jobs <n>', 'cases run at once', parseJobs, DEFAULT_JOBS)
    .option('--strict', 'SHOULD and MAY failures also fail the run')
    .option('--expectations <file>', "expectations file (default: the target profile's)")
    .option('--no-expectations', "ignore the profile's expectations file")
    .option('--update-expectations <file>', "write an expectations file that makes this run's failures expected");
  addReportOutputs(run)
    .addOption(new Option('--fault <name>', 'switch on a deliberate defect of the embedded mock (repeatable)').argParser(collect))
    .option('--real-time', 'against the embedded mock: wait on the wall clock (the mock in a worker thread) instead of a virtual clock shared with it')
    .option('--max-time <duration>', "the run's time budget (90s, 10m, 1h30m): a case starts only when its own time limit fits in what is left", parseMaxTime)
    .option('--allow-partial', 'a run that left cases out for time exits by the verdict of the cases that finished, instead of 1')
    .action(async (suitePaths: string[], opts: RunCommandOptions) => {
      const code = await exitCodeOf(() => runAction(suitePaths, opts));
      process.exitCode = code;
      // An interrupted run ends as soon as its reports are written: abandoned cases are not waited for.
      if (code === SIGNAL_EXIT_CODES.SIGINT || code === SIGNAL_EXIT_CODES.SIGTERM) process.exit(code);
      // Everything the run opened is closed by now; this only guards CI against a stray handle.
      setTimeout(() => process.exit(code), 2000).unref();
    });
}
