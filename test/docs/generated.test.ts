// The generated documents are current: each generator runs in memory and its output must be what the
// file holds, or the test names the command that brings the file up to date.
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { replaceMarkedSection, staleness } from '../../scripts/lib/generated-file.js';
import { MOCK_CATALOGUE, mockCatalogue } from '../../scripts/mock-reference-tables.js';
import { SUITES_CATALOGUE, suitesCatalogue } from '../../scripts/suite-tables.js';
import { freshResults as withComparison } from '../../scripts/reports/comparison.js';
import { RESULTS_FILE, freshResults as withVerdictTable } from '../../scripts/reports/verdict-table.js';

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

  it("docs/results.md's per-clause table is what scripts/reports/verdict-table.ts makes of the saved runs (fixtures/reports/)", async () => {
    expect(staleness({ file: RESULTS_FILE, command: 'npx tsx scripts/reports/verdict-table.ts' }, await withVerdictTable())).to.equal(undefined);
  });

  it("docs/results.md's comparison matrix is what scripts/reports/comparison.ts makes of the mock's runs and the saved ones", async function () {
    this.timeout(60_000); // four runs of the whole suite against the embedded mock, on virtual time
    expect(staleness({ file: RESULTS_FILE, command: 'npx tsx scripts/reports/comparison.ts' }, await withComparison())).to.equal(undefined);
  });

  it('a marked section is replaced and nothing around it', () => {
    const text = 'before\n<!-- t:start -->\nold\n<!-- t:end -->\nafter\n';
    expect(replaceMarkedSection(text, 't', 'new')).to.equal('before\n<!-- t:start -->\nnew\n<!-- t:end -->\nafter\n');
    expect(() => replaceMarkedSection('no markers', 't', 'new')).to.throw('no <!-- t:start -->');
  });
});
