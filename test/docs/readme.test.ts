// The README's promises that can drift from the code: its counts, the quick start's commands, what CI
// runs (its results at a glance: results.test.ts); and that it stays a front door: at most 300 lines, with a table of contents that matches its
// headings. The target-profile reference beside its schema is checked here too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import { VARIANT_NAMES } from '../../mock-server/variants.js';
import { suitesDir } from '../../project/paths.js';
import { loadSuites } from '../../runner/load/load-suite.js';
import { headings, readDoc, section } from './markdown.js';

const readme = readDoc('README.md');
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
  it('is at most 300 lines', () => {
    expect(readme.trimEnd().split('\n').length).to.be.at.most(300);
  });

  it('opens with a table of contents whose entries are its second-level headings, in order', () => {
    const contents = section(readme, 'Contents');
    const entries = [...contents.matchAll(/^- \[([^\]]+)\]\(#([^)]+)\)$/gm)].map((m) => ({ title: m[1], anchor: m[2] }));
    const sections = headings(readme)
      .filter((h) => h.level === 2 && h.title !== 'Contents')
      .map((h) => ({ title: h.title, anchor: h.anchor }));
    expect(entries).to.deep.equal(sections);
    expect(headings(readme)[1]?.title, 'the table of contents comes first').to.equal('Contents');
  });

  it("the introduction counts the mock's faults and variants as the catalogues hold them", () => {
    const intro = section(readme, 'What it is, and for whom').replace(/\s+/g, ' ');
    expect(intro).to.include(`whose ${FAULT_NAMES.length} deliberate faults`);
    expect(intro).to.include(`whose ${VARIANT_NAMES.length} variants`);
  });

  it('the introduction counts the cases as the suites hold them', async () => {
    const cases = (await loadSuites([suitesDir])).flatMap((suite) => suite.cases);
    expect(section(readme, 'What it is, and for whom').replace(/\s+/g, ' ')).to.include(`${cases.length} declarative YAML cases`);
  });

  it('quick start: installs, runs the CLI the package ships, and runs the test script', () => {
    const quickStart = section(readme, 'Quick start');
    const commands = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split('\n'));
    expect(commands.map((line) => line.replace(/\s+#.*$/, ''))).to.deep.equal(['npm ci && npx matrix-presence-conformance run', 'npm test']);
    expect(manifest.bin).to.have.property('matrix-presence-conformance');
    expect(manifest.scripts.test).to.be.a('string');
  });

  it(".ci/run runs the README's test command", () => {
    const ci = readFileSync(join(projectRoot, '.ci', 'run'), 'utf8');
    expect(ci).to.match(/^npm test$/m);
  });
});

describe('docs/profiles.md', () => {
  it('the field reference names every field of schemas/target.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(projectRoot, 'schemas', 'target.schema.json'), 'utf8')) as SchemaNode;
    const fields = section(readDoc('docs/profiles.md'), 'The fields');
    const missing = propertyPaths(schema).filter((path) => !fields.includes(`\`${path}\``) && !fields.includes(`\`${path}[]\``));
    expect(missing).to.deep.equal([]);
  });
});
