// Turns runs' JSON reports into the per-clause verdict table of docs/results.md: for every clause of
// suites/clauses.yaml that binds a report's target (its own spec text's, or named by a case of that
// text; out-of-scope ones left out), the cases that check it and what the target did, a column per
// report ("-" where the clause does not bind that target).
//
//   npx tsx scripts/reports/verdict-table.ts [REPORT.json...]           writes the table into docs/results.md
//   npx tsx scripts/reports/verdict-table.ts --check [REPORT.json...]   exits 1 when docs/results.md differs
//   npx tsx scripts/reports/verdict-table.ts --print [REPORT.json...]   prints the table
//
// Without reports, the real servers' saved runs (SAVED_RUNS, fixtures/reports/): what docs/results.md
// shows, and what test/docs/generated.test.ts regenerates to tell that it is current.
//
// Verdicts: those of project/clause-verdict.ts (conforms, deviates, case issue, not tested, no case),
// with the cases behind them.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot, suitesDir } from '../../project/paths.js';
import { clauseVerdict, type VerdictCase } from '../../project/clause-verdict.js';
import { loadClauses, loadReport, type Clause as CatalogueClause } from '../../runner/index.js';
import { inRange, releaseNamed } from '../../project/releases.js';
import { replaceMarkedSection, writeOrCheck, type GeneratedFile } from '../lib/generated-file.js';

/** The marked section of docs/results.md that holds the table. */
export const PER_CLAUSE_SECTION = 'per-clause';
export const RESULTS_FILE = join(projectRoot, 'docs', 'results.md');
const RESULTS: GeneratedFile = { file: RESULTS_FILE, command: 'npx tsx scripts/reports/verdict-table.ts' };

/** The saved runs of the table's columns, in order: each real server by the v1.19 text, then by r0. */
export const SAVED_RUNS = [
  'fixtures/reports/synapse-1.160.0.json',
  'fixtures/reports/synapse-r0-1.160.0.json',
  'fixtures/reports/dendrite-v0.13.8.json',
  'fixtures/reports/dendrite-r0-v0.13.8.json',
];

/** What the table reads of a clause of the catalogue (the runner's loadClauses). */
export type Clause = Pick<CatalogueClause, 'id' | 'level' | 'scope' | 'spec' | 'releases'>;
type ReportCase = VerdictCase & { clauses: string[] };

export function verdictOf(cases: ReportCase[]): string {
  const v = clauseVerdict(cases);
  if (v.verdict === 'no case') return 'no case';
  if (v.verdict === 'not tested') return `not tested (${v.skipped.join('; ')})`;
  const parts: string[] = [];
  // A case can name several clauses: say when the clause's other cases pass, so a clause is not
  // blamed for another clause's failure alone.
  const others = v.passed.length > 0 ? ` (its ${v.passed.length} other case${v.passed.length > 1 ? 's pass' : ' passes'})` : '';
  if (v.deviating.length > 0) parts.push(`**deviates**: ${v.deviating.join(', ')}${others}`);
  else if (v.passed.length > 0) parts.push('conforms');
  if (v.caseIssues.length > 0) parts.push(`case issue: ${v.caseIssues.join(', ')}`);
  return parts.join('; ');
}

export interface Report {
  target: { name: string; spec_version?: string; release?: string };
  cases: ReportCase[];
}

/** A case another spec text's: the target was not judged by it. */
const otherText = (c: ReportCase): boolean => c.outcome === 'skip' && /^(applies to spec |holds (from|before) )/.test(c.message ?? '');

/** Whether the clause binds the report's target: its own text's, or named by a case of that text. */
function inText(clause: Clause, report: Report): boolean {
  const release = report.target.release ? releaseNamed(report.target.release) : undefined;
  if (release && clause.releases && !inRange(release, clause.releases)) return false;
  if ((clause.spec ?? 'v1.19') === (report.target.spec_version ?? 'v1.19')) return true;
  return report.cases.some((c) => c.clauses.includes(clause.id) && !otherText(c));
}

function cell(clause: Clause, report: Report): string {
  if (!inText(clause, report)) return '-';
  const cases = report.cases.filter((c) => c.clauses.includes(clause.id) && !otherText(c));
  const ran = cases.filter((c) => c.outcome !== 'skip');
  return `${ran.filter((c) => c.outcome === 'pass').length}/${ran.length}: ${verdictOf(cases)}`;
}

/** The table: one row per clause that binds at least one of the reports' targets, a column per report. */
export function verdictTable(reports: Report[], clauses: Clause[]): string {
  const head = reports.map((r) => `${r.target.name} (${r.target.release ?? r.target.spec_version ?? 'v1.19'}): cases passed, verdict`);
  const lines = [`| clause | level | ${head.join(' | ')} |`, `| --- | --- | ${reports.map(() => '---').join(' | ')} |`];
  for (const clause of clauses.filter((c) => c.scope !== 'out-of-scope' && reports.some((r) => inText(c, r)))) {
    lines.push(`| \`${clause.id}\` | ${clause.level} | ${reports.map((r) => cell(clause, r)).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The table of the given report files (default SAVED_RUNS), each read and checked by the runner's loadReport. */
export async function tableOf(files: readonly string[] = SAVED_RUNS): Promise<string> {
  const reports = await Promise.all(files.map((f) => loadReport(resolve(projectRoot, f))));
  return verdictTable(reports, await loadClauses(join(suitesDir, 'clauses.yaml')));
}

export async function freshResults(files?: readonly string[]): Promise<string> {
  return replaceMarkedSection(await readFile(RESULTS_FILE, 'utf8'), PER_CLAUSE_SECTION, await tableOf(files));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const chosen = files.length === 0 ? SAVED_RUNS : files.map((f) => resolve(f));
  if (args.includes('--print')) {
    process.stdout.write((await tableOf(chosen)) + '\n');
    return;
  }
  writeOrCheck(RESULTS, await freshResults(chosen), args);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`verdict-table: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
