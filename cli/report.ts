// `report`: work on saved JSON reports (schemas/report.schema.json), without running anything.
//   report merge SHARD.json...     the shards of one `run --shard i/n` joined into one report; exits as
//                                  the unsharded run would (0, or 1 when a case gates, or when a shard
//                                  was partial without --allow-partial), 2 on bad input
//   report compare A.json B.json   targets side by side by clause and by case, where they differ
//   report render REPORT.json      any reporter over a saved report (--html, --junit, ...)
// Every report read is validated and redacted again (runner/load/load-report.ts).
import { Command, Option } from 'commander';
import { writeFileAtomic } from '../project/atomic-write.js';
import type { Report, RunListener } from '../project/report.js';
import { displayPath } from '../project/paths.js';
import { loadReport, mergeReports } from '../runner/index.js';
import {
  ConsoleReporter,
  GitHubAnnotationsReporter,
  HtmlReporter,
  JsonReporter,
  JUnitReporter,
  compareReports,
  comparisonHtml,
  comparisonMarkdown,
  comparisonText,
} from '../reporters/index.js';
import { action, checkOutputPath, EXIT } from './command.js';

/** The report outputs `run`, `report merge` and `report render` share. */
export interface ReportOutputOptions {
  reportJson?: string;
  junit?: string;
  html?: string;
  githubAnnotations?: boolean;
  quiet?: boolean;
}

export function checkReportOutputs(opts: ReportOutputOptions): void {
  checkOutputPath('--report-json', opts.reportJson);
  checkOutputPath('--junit', opts.junit);
  checkOutputPath('--html', opts.html);
}

/** The reporters the options ask for; the console one first, unless `console` is false. */
export function chosenReporters(opts: ReportOutputOptions, console = true): RunListener[] {
  const listeners: RunListener[] = console ? [new ConsoleReporter({ verbose: !opts.quiet })] : [];
  if (opts.reportJson) listeners.push(new JsonReporter(opts.reportJson));
  if (opts.junit) listeners.push(new JUnitReporter(opts.junit));
  if (opts.html) listeners.push(new HtmlReporter(opts.html));
  if (opts.githubAnnotations) listeners.push(new GitHubAnnotationsReporter());
  return listeners;
}

async function emitReport(report: Report, listeners: RunListener[]): Promise<void> {
  for (const l of listeners) await l.onRunEnd?.(report);
}

/** Declares the ReportOutputOptions on a command. */
export function addReportOutputs(command: Command): Command {
  return command
    .option('--report-json <file>', 'write the canonical JSON report')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--github-annotations', 'print GitHub Actions annotations (failed checks, INFO observations) at their suite lines')
    .option('--quiet', 'list only the cases that did not pass');
}

async function loadAll(files: string[]): Promise<{ file: string; report: Report }[]> {
  return Promise.all(files.map(async (file) => ({ file: displayPath(file), report: await loadReport(file) })));
}

async function mergeAction(files: string[], opts: ReportOutputOptions & { allowPartial?: boolean }): Promise<number> {
  checkReportOutputs(opts);
  const merged = mergeReports(await loadAll(files), { allowPartial: opts.allowPartial });
  await emitReport(merged, chosenReporters(opts));
  return merged.exit_code;
}

interface CompareOptions {
  label: string[];
  json?: string;
  html?: string;
  markdown?: string;
  all?: boolean;
}

async function compareAction(files: string[], opts: CompareOptions): Promise<number> {
  checkOutputPath('--json', opts.json);
  checkOutputPath('--html', opts.html);
  checkOutputPath('--markdown', opts.markdown);
  const comparison = compareReports(await loadAll(files), opts.label);
  process.stdout.write(comparisonText(comparison, opts.all));
  if (opts.json) await writeFileAtomic(opts.json, `${JSON.stringify(comparison, null, 2)}\n`);
  if (opts.html) await writeFileAtomic(opts.html, comparisonHtml(comparison));
  if (opts.markdown) await writeFileAtomic(opts.markdown, comparisonMarkdown(comparison));
  return EXIT.ok;
}

async function renderAction(file: string, opts: ReportOutputOptions & { console?: boolean }): Promise<number> {
  checkReportOutputs(opts);
  const report = await loadReport(file);
  const anyFile = Boolean(opts.reportJson || opts.junit || opts.html || opts.githubAnnotations);
  await emitReport(report, chosenReporters(opts, opts.console ?? !anyFile));
  return EXIT.ok;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('merge shard reports, compare targets, or render a saved report');
  addReportOutputs(
    report
      .command('merge')
      .description('join the JSON reports of the shards of one run (run --shard i/n) into one; exits as the unsharded run would')
      .argument('<reports...>', "the shards' JSON reports (--report-json), every i of n once"),
  )
    .option('--allow-partial', 'when a shard was interrupted or out of time, exit by the verdict of the cases that finished instead of 1')
    .action(action('report merge: ', mergeAction));
  report
    .command('compare')
    .description("put several targets' JSON reports side by side, by clause and by case, and show where they differ")
    .argument('<reports...>', 'JSON reports, one per target')
    .addOption(new Option('--label <name>', 'a column name per report, in order (repeatable; default: the target name)').argParser(collect).default([]))
    .option('--json <file>', 'write the comparison as JSON')
    .option('--html <file>', 'write the comparison as a self-contained HTML page')
    .option('--markdown <file>', 'write the comparison as Markdown tables')
    .option('--all', 'list every clause and case, not only those that differ')
    .action(action('report compare: ', compareAction));
  addReportOutputs(
    report
      .command('render')
      .description('render a saved JSON report with any reporter (console when no other output is chosen)')
      .argument('<report>', 'a JSON report (--report-json, or report merge)'),
  )
    .option('--console', 'also print the console report')
    .action(action('report render: ', renderAction));
}
