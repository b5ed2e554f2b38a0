// The README's promises that can drift from the code: the quick start's commands, what CI runs, and
// the target-profile reference beside its schema, the suites table beside the suites.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { suitesTable } from '../../scripts/suite-tables.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import { VARIANT_NAMES } from '../../mock-server/variants.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  type?: string;
}

function propertyPaths(node: SchemaNode, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    return child.properties ? propertyPaths(child, `${path}.`) : [path];
  });
}

describe('README.md', () => {
  it("the introduction counts the mock's faults and variants as the catalogues hold them", () => {
    const intro = readme.slice(0, readme.indexOf('## Quick start')).replace(/\s+/g, ' ');
    expect(intro).to.include(`whose ${FAULT_NAMES.length} deliberate faults`);
    expect(intro).to.include(`whose ${VARIANT_NAMES.length} variants`);
  });

  it('quick start: installs, runs the CLI the package ships, and runs the test script', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Commands'));
    expect(quickStart).to.include('npm ci && npx matrix-presence-conformance run');
    expect(quickStart).to.include('npm test');
    expect(manifest.bin).to.have.property('matrix-presence-conformance');
    expect(manifest.scripts.test).to.be.a('string');
  });

  it(".ci/run runs the README's test command", () => {
    const ci = readFileSync(join(projectRoot, '.ci', 'run'), 'utf8');
    expect(ci).to.match(/^npm test$/m);
  });

  it('the target-profile reference names every field of schemas/target.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(projectRoot, 'schemas', 'target.schema.json'), 'utf8')) as SchemaNode;
    const section = readme.slice(readme.indexOf('## Target profiles'), readme.indexOf('## The suites'));
    const missing = propertyPaths(schema).filter((path) => !section.includes(`\`${path}\``) && !section.includes(`\`${path}[]\``));
    expect(missing).to.deep.equal([]);
  });

  it('contains the suites table generated from the suite files (npm run suites-table)', async () => {
    expect(readme).to.include(await suitesTable());
  });
});
