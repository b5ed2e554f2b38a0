// The comparison matrix of docs/results.md (between the <!-- compare:start --> and <!-- compare:end -->
// markers): the reference mock and its personalities, run here against the embedded mock, beside the
// real servers' saved runs (fixtures/reports/). Everything it reads is in the repository, so
// test/docs/generated.test.ts regenerates the matrix and fails when the file is stale.
//
//   npx tsx scripts/reports/comparison.ts            writes the matrix into docs/results.md
//   npx tsx scripts/reports/comparison.ts --check    exits 1 when docs/results.md differs
//
// A new real run replaces its file in fixtures/reports/ (npm run synapse -- --report-json FILE, the
// same for dendrite); then this script, and scripts/reports/verdict-table.ts for the per-clause table
// (npm run results-tables runs both).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../project/paths.js';
import { loadReport, runSuites, type Report } from '../../runner/index.js';
import { compareReports, comparisonMarkdown } from '../../reporters/index.js';
import { replaceMarkedSection, writeOrCheck, type GeneratedFile } from '../lib/generated-file.js';
import { RESULTS_FILE } from './verdict-table.js';

export const COMPARE_SECTION = 'compare';
const RESULTS: GeneratedFile = { file: RESULTS_FILE, command: 'npx tsx scripts/reports/comparison.ts' };

interface Column {
  label: string;
  /** What the legend says of the column; none for the reference mock itself. */
  legend?: string;
}

/** The embedded mock's targets: the reference mock and its personalities (a profile each, with its expectations file). */
const MOCK_TARGETS: (Column & { target?: string })[] = [
  { label: 'mock' },
  { label: 'dendrite-like', target: 'fixtures/targets/dendrite-like.yaml', legend: 'an imitation read from code and held to the real Dendrite run' },
  { label: 'conduwuit-like', target: 'fixtures/targets/conduwuit-like.yaml', legend: 'an imitation read from code' },
  { label: 'tuwunel-like', target: 'fixtures/targets/tuwunel-like.yaml', legend: 'an imitation read from code' },
];

/** The real servers' saved runs, judged by the v1.19 text. */
export const SAVED_RUNS: (Column & { report: string })[] = [
  { label: 'synapse', report: 'fixtures/reports/synapse-1.160.0.json', legend: "Debian's matrix-synapse 1.160.0, measured (`npm run synapse`, docs/synapse.md)" },
  { label: 'dendrite', report: 'fixtures/reports/dendrite-v0.13.8.json', legend: 'Dendrite v0.13.8, measured (`npm run dendrite`, docs/dendrite.md)' },
];

/** The matrix with its legend, from reports in the order of MOCK_TARGETS then SAVED_RUNS. */
export function comparisonSection(reports: Report[]): string {
  const columns: Column[] = [...MOCK_TARGETS, ...SAVED_RUNS];
  if (reports.length !== columns.length) throw new Error(`want ${columns.length} reports, one per column, got ${reports.length}`);
  const comparison = compareReports(
    reports.map((report, i) => ({ file: columns[i]!.label, report })),
    columns.map((c) => c.label),
  );
  const legend = [
    ...MOCK_TARGETS.filter((t) => t.legend !== undefined).map((t) => `- **${t.label}**: ${t.legend}, \`run --target ${t.target}\``),
    ...SAVED_RUNS.map((r) => `- **${r.label}**: ${r.legend}`),
  ];
  return `${legend.join('\n')}\n\n${comparisonMarkdown(comparison)}`;
}

/** The mock targets run now (virtual time: a few seconds in all), the real servers read from their saved runs. */
export async function currentReports(): Promise<Report[]> {
  const mockRuns: Report[] = [];
  for (const t of MOCK_TARGETS) mockRuns.push(await runSuites(t.target === undefined ? {} : { target: join(projectRoot, t.target) }));
  const saved = await Promise.all(SAVED_RUNS.map((r) => loadReport(join(projectRoot, r.report))));
  return [...mockRuns, ...saved];
}

export async function freshResults(): Promise<string> {
  return replaceMarkedSection(await readFile(RESULTS_FILE, 'utf8'), COMPARE_SECTION, comparisonSection(await currentReports()));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  freshResults()
    .then((text) => writeOrCheck(RESULTS, text, process.argv.slice(2)))
    .catch((err: unknown) => {
      process.stderr.write(`comparison: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    });
}
