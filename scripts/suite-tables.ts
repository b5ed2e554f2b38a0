// The suites table of README.md, generated from the suite files (their summary line, case counts per
// level and per spec text) and the clause catalogue. A test checks that README.md contains exactly this
// table, so the counts cannot drift from the suites.
import { pathToFileURL } from 'node:url';
import { basename, join } from 'node:path';
import { suitesDir } from '../project/paths.js';
import { loadClauses } from '../runner/load/load-clauses.js';
import { loadSuites } from '../runner/load/load-suite.js';
import type { SuiteCase } from '../runner/load/suite-types.js';
import { clauseCoverage, coverageBySpec } from '../runner/suite-tools/coverage.js';

const LEVELS = ['MUST', 'SHOULD', 'MAY', 'INFO'] as const;
const TEXTS = ['v1.19', 'r0', 'early'] as const;

function byLevel(cases: SuiteCase[]): string {
  return LEVELS.map((l) => [l, cases.filter((c) => c.level === l).length] as const)
    .filter(([, n]) => n > 0)
    .map(([l, n]) => `${n} ${l}`)
    .join(', ');
}

function byText(cases: SuiteCase[]): string {
  return TEXTS.map((t) => `${cases.filter((c) => !c.spec_versions || c.spec_versions.includes(t)).length}`).join(' / ');
}

export async function suitesTable(): Promise<string> {
  const suites = await loadSuites([suitesDir]);
  const rows = ['| file | cases | v1.19 / r0 / early | what it checks |', '| --- | --- | --- | --- |'];
  for (const s of suites) rows.push(`| \`${basename(s.file)}\` | ${s.cases.length} (${byLevel(s.cases)}) | ${byText(s.cases)} | ${s.summary ?? s.title} |`);
  const all = suites.flatMap((s) => s.cases);
  const clauses = await loadClauses(join(suitesDir, 'clauses.yaml'));
  const { server, uncovered } = clauseCoverage(clauses, suites);
  const perText = coverageBySpec(server, uncovered)
    .map((t) => `${t.covered}/${t.server} of ${t.spec}`)
    .join(', ');
  return [
    ...rows,
    '',
    `${all.length} cases: ${byLevel(all)}; ${byText(all)} apply to a server of v1.19 / r0 / the early API. ` +
      `Server clauses with a case: ${perText} (\`matrix-presence-conformance coverage\`).`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await suitesTable());
