// Turns runs' JSON reports into the per-clause verdict table of the README and docs/synapse.md: for every
// clause of suites/clauses.yaml that binds a report's target (its own spec text's, or named by a case of
// that text; out-of-scope ones left out), the cases that check it and what the target did, a column per
// report ("-" where the clause does not bind that target).
//
//   npx tsx scripts/synapse/verdict-table.ts V1-REPORT.json R0-REPORT.json > table.md
//
// Verdicts: those of project/clause-verdict.ts (conforms, deviates, case issue, not tested, no case),
// with the cases behind them.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { projectRoot } from '../../project/paths.js';
import { clauseVerdict, type VerdictCase } from '../../project/clause-verdict.js';

interface Clause {
  id: string;
  level: string;
  scope: string;
  source: { spec: string; section: string };
}
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

interface Report {
  target: { name: string; spec_version?: string };
  cases: ReportCase[];
}

/** A case another spec text's: the target was not judged by it. */
const otherText = (c: ReportCase): boolean => c.outcome === 'skip' && (c.message ?? '').startsWith('applies to spec');

/** Whether the clause binds the report's target: its own text's, or named by a case of that text. */
function inText(clause: Clause, report: Report): boolean {
  if (clause.source.spec === (report.target.spec_version ?? 'v1.19')) return true;
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
  const head = reports.map((r) => `${r.target.name} (${r.target.spec_version ?? 'v1.19'}): cases passed, verdict`);
  const lines = [`| clause | level | ${head.join(' | ')} |`, `| --- | --- | ${reports.map(() => '---').join(' | ')} |`];
  for (const clause of clauses.filter((c) => c.scope !== 'out-of-scope' && reports.some((r) => inText(c, r)))) {
    lines.push(`| \`${clause.id}\` | ${clause.level} | ${reports.map((r) => cell(clause, r)).join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: verdict-table.ts REPORT.json [REPORT.json...]');
  const reports = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Report));
  const catalogue = parse(await readFile(join(projectRoot, 'suites', 'clauses.yaml'), 'utf8')) as { clauses: Clause[] };
  process.stdout.write(verdictTable(reports, catalogue.clauses) + '\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`verdict-table: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
