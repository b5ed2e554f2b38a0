// Turns a run's JSON report into the per-clause verdict table of docs/synapse.md: for every clause of
// suites/clauses.yaml (except out-of-scope ones), the cases that check it and what the target did.
//
//   npx tsx scripts/synapse/verdict-table.ts REPORT.json > table.md
//
// Verdicts: "conforms" (every case that ran passed), "deviates" (a case failed, or is an expected
// failure whose reason starts with DEVIATION), "case issue" (expected failure whose reason starts with
// CASE: the case, not the server, is at fault), "not tested" (all its cases skipped, with why),
// "no case".
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { projectRoot } from '../../project/paths.js';

interface Clause {
  id: string;
  level: string;
  scope: string;
  source: { spec: string; section: string };
}
interface ReportCase {
  id: string;
  clauses: string[];
  outcome: string;
  message?: string;
  expectation?: { reason: string };
}

export function verdictOf(cases: ReportCase[]): string {
  if (cases.length === 0) return 'no case';
  const ran = cases.filter((c) => c.outcome !== 'skip');
  if (ran.length === 0) return `not tested (${[...new Set(cases.map((c) => c.message ?? 'skipped'))].join('; ')})`;
  const parts: string[] = [];
  const deviating = ran.filter(
    (c) => ['fail', 'error', 'timeout'].includes(c.outcome) || (c.outcome === 'xfail' && !c.expectation?.reason.startsWith('CASE')),
  );
  const caseIssues = ran.filter((c) => c.outcome === 'xfail' && c.expectation?.reason.startsWith('CASE'));
  const passed = ran.filter((c) => c.outcome === 'pass' || c.outcome === 'xpass');
  // A case can name several clauses: say when the clause's other cases pass, so a clause is not
  // blamed for another clause's failure alone.
  const others = passed.length > 0 ? ` (its ${passed.length} other case${passed.length > 1 ? 's pass' : ' passes'})` : '';
  if (deviating.length > 0) parts.push(`**deviates**: ${deviating.map((c) => c.id).join(', ')}${others}`);
  else if (passed.length > 0) parts.push('conforms');
  if (caseIssues.length > 0) parts.push(`case issue: ${caseIssues.map((c) => c.id).join(', ')}`);
  return parts.join('; ');
}

async function main(): Promise<void> {
  const reportFile = process.argv[2];
  if (reportFile === undefined) throw new Error('usage: verdict-table.ts REPORT.json');
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as { target: { name: string }; cases: ReportCase[] };
  const catalogue = parse(await readFile(join(projectRoot, 'suites', 'clauses.yaml'), 'utf8')) as { clauses: Clause[] };
  const lines = ['| clause | level | cases passed | ' + report.target.name + ' verdict |', '| --- | --- | --- | --- |'];
  for (const clause of catalogue.clauses.filter((c) => c.scope !== 'out-of-scope')) {
    const cases = report.cases.filter((c) => c.clauses.includes(clause.id));
    const ran = cases.filter((c) => c.outcome !== 'skip');
    const passed = ran.filter((c) => c.outcome === 'pass').length;
    lines.push(`| \`${clause.id}\` | ${clause.level} | ${passed}/${ran.length} | ${verdictOf(cases)} |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`verdict-table: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
