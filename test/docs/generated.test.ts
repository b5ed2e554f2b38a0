// The generated documents are current: each generator runs in memory and its output must be what the
// file holds, or the test names the command that brings the file up to date.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { markedSection, replaceMarkedSection, staleness } from '../../scripts/lib/generated-file.js';
import { MOCK_CATALOGUE, mockCatalogue } from '../../scripts/mock-reference-tables.js';
import { SUITES_CATALOGUE, suitesCatalogue } from '../../scripts/suite-tables.js';
import { PER_CLAUSE_SECTION, RESULTS_FILE, dendriteColumns, selectColumns } from '../../scripts/synapse/verdict-table.js';

describe('generated documentation', () => {
  it('docs/suites-catalogue.md is what npm run suites-table writes', async () => {
    expect(staleness(SUITES_CATALOGUE, await suitesCatalogue())).to.equal(undefined);
  });

  it('docs/mock-catalogue.md is what npm run mock-catalogue writes', () => {
    expect(staleness(MOCK_CATALOGUE, mockCatalogue())).to.equal(undefined);
  });

  it('staleness names the file and the command, and a missing file', () => {
    const file = join(projectRoot, 'docs', 'suites-catalogue.md');
    expect(staleness({ file, command: 'npm run suites-table' }, 'not the catalogue')).to.equal('docs/suites-catalogue.md is stale: run npm run suites-table');
    expect(staleness({ file: join(projectRoot, 'docs', 'no-such.md'), command: 'x' }, '')).to.equal('docs/no-such.md is missing: run x');
  });

  it("docs/results.md's per-clause table has the verdicts of Dendrite's saved runs (fixtures/reports/)", () => {
    const table = markedSection(readFileSync(RESULTS_FILE, 'utf8'), PER_CLAUSE_SECTION);
    expect(table, 'docs/results.md lacks the per-clause markers').to.be.a('string');
    const stale =
      'the Dendrite columns of docs/results.md are stale: run npx tsx scripts/synapse/verdict-table.ts with the four reports (docs/results.md, "Per clause")';
    expect(selectColumns(table!, ['dendrite', 'dendrite-r0']) === dendriteColumns(), stale).to.equal(true);
  });

  it("docs/results.md keeps the comparison matrix's markers, where scripts/reports/readme.sh writes it", () => {
    const script = readFileSync(join(projectRoot, 'scripts', 'reports', 'readme.sh'), 'utf8');
    expect(script).to.include('results=docs/results.md');
    expect(markedSection(readFileSync(RESULTS_FILE, 'utf8'), 'compare')).to.match(/^\| \| mock \|/m);
  });

  it('a marked section is replaced and nothing around it', () => {
    const text = 'before\n<!-- t:start -->\nold\n<!-- t:end -->\nafter\n';
    expect(replaceMarkedSection(text, 't', 'new')).to.equal('before\n<!-- t:start -->\nnew\n<!-- t:end -->\nafter\n');
    expect(() => replaceMarkedSection('no markers', 't', 'new')).to.throw('no <!-- t:start -->');
  });
});
