// `validate --spec-dir` on real trees of the spec's history (extracted from the bundle in ../shared):
// each layout, the file only PyYAML reads, the missing $ref, the r0 and early releases, and the
// release read from the tree. Every JSON report is also checked against schemas/validate-report.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { runValidate } from '../../cli/validate.js';
import { loadSchemaRegistry } from '../../project/schemas.js';
import { detectLayout, detectRelease } from '../../validator/spec-layout.js';
import { specTree } from './spec-bundle.js';

interface Finding {
  pointer: string;
  keyword: string;
  file: string;
  line: number;
  column: number;
}
interface Report {
  spec: { release: string; release_source: string; era: string; chosen_by: string; release_schemas: { alias: string }[] };
  summary: { checked: number; valid: number; invalid: number; disagreements: number; warnings: number; problems: number };
  results: { file: string; label: string; schema: string; valid: boolean; errors: Finding[]; official?: { valid: boolean; errors: Finding[] } }[];
  disagreements: { label: string; ours: string; official: string; official_errors: Finding[]; stricter: { pointer: string; clause: string }[] }[];
  warnings: string[];
  notes: string[];
  problems: string[];
}

async function check(specDir: string, specVersion?: string) {
  let stdout = '';
  let stderr = '';
  const status = await runValidate({ paths: [], specDir, specVersion, format: 'json' }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  const report = JSON.parse(stdout) as Report;
  expect(loadSchemaRegistry().validate('validate-report', report), 'the report follows schemas/validate-report.schema.json').to.deep.equal([]);
  return { status, report, stderr };
}

const counts = (r: Report) => r.summary;
const byLabel = (r: Report, label: string) => {
  const found = r.results.find((x) => x.label === label);
  expect(found, `an example labelled "${label}"`).to.not.equal(undefined);
  return found!;
};

describe('validate --spec-dir on the releases of the spec', function () {
  this.timeout(60_000);

  it('v1.1 (data/): the missing $ref of a server-server example is a warning, and the 8 presence examples check', async () => {
    const { status, report } = await check(specTree('v1.1'));
    expect(status).to.equal(0);
    expect(counts(report)).to.deep.equal({ checked: 8, valid: 8, invalid: 0, disagreements: 0, warnings: 1, problems: 0 });
    expect(report.warnings[0]).to.match(/data\/api\/server-server\/transactions\.yaml:72:31: example \$ref "edu\.json" names a missing file$/);
    expect(report.spec).to.include({ release: 'v1.1', release_source: 'config.toml', era: 'v1.19', chosen_by: 'the tree' });
  });

  it('v1.2: client_event.yaml, which PyYAML reads and a strict YAML reader refuses, is read as PyYAML reads it', async () => {
    const { status, report } = await check(specTree('v1.2'));
    expect(status).to.equal(0);
    expect(counts(report)).to.deep.equal({ checked: 8, valid: 8, invalid: 0, disagreements: 0, warnings: 0, problems: 0 });
    expect(report.notes).to.have.length(1);
    expect(report.notes[0]).to.match(
      /data\/api\/client-server\/definitions\/client_event\.yaml:45:1: a flow collection continues on a line indented no deeper than its key; PyYAML/,
    );
  });

  it('v1.19 with data/ alone: the v1.19 schemas, the release unknown and said so', async () => {
    const { status, report } = await check(specTree('v1.19', ['data']));
    expect(status).to.equal(0);
    expect(counts(report)).to.include({ checked: 9, valid: 9 });
    expect(report.spec).to.include({ release: 'v1.x', era: 'v1.19' });
    expect(report.spec.release_source).to.match(/nothing in the tree names the release/);
  });

  it('r0.0.0 (api/ and event-schemas/ at the top level, Swagger 2.0 examples as JSON text): r0 schemas, verdicts and disagreements', async () => {
    const { status, report } = await check(specTree('r0.0.0'));
    expect(status).to.equal(1);
    expect(report.spec).to.include({ release: 'r0.0.0', release_source: 'changelogs/client_server.rst', era: 'r0' });
    expect(counts(report)).to.deep.equal({ checked: 10, valid: 8, invalid: 2, disagreements: 4, warnings: 0, problems: 0 });
    // The event example (a file without extension) carries an avatar_url that is no mxc URI; the spec
    // fixed it in 2021. Ours says why it is stricter than r0's own schema, which accepts any string.
    const event = byLabel(report, 'm.presence event of the example file');
    expect(event).to.include({ valid: false, schema: 'matrix/legacy/r0-m.presence' });
    expect(event.errors.map((e) => [e.file.endsWith('event-schemas/examples/m.presence'), e.line, e.column, e.pointer, e.keyword])).to.deep.equal([
      [true, 3, 19, '/content/avatar_url', 'pattern'],
    ]);
    const stricter = report.disagreements.find((d) => d.label === event.label)!;
    expect(stricter).to.include({ ours: 'rejects', official: 'accepts' });
    expect(stricter.stricter[0]!.clause).to.match(/mxc:\/\/ URI/);
    // The JSON text examples of the presence endpoints, each against our r0 schema for it.
    expect(byLabel(report, 'PUT /presence/{userId}/status request body example')).to.include({ valid: true, schema: 'matrix/legacy/r0-put-presence-request' });
    expect(byLabel(report, 'GET /presence/{userId}/status 200 response example')).to.include({ valid: true, schema: 'matrix/legacy/r0-get-presence-response' });
    expect(byLabel(report, 'POST /presence/list/{userId} request body example')).to.include({
      valid: true,
      schema: 'matrix/legacy/early-presence-list-request',
    });
    // r0.0.0's own event schema requires event_id, which its presence-list and /sync examples lack.
    const list = report.disagreements.find((d) => d.label === 'm.presence event at /0 of the GET /presence/list/{userId} 200 response example')!;
    expect(list).to.include({ ours: 'accepts', official: 'rejects' });
    expect(list.official_errors.map((e) => `${e.pointer} ${e.keyword}`)).to.deep.equal(['/event_id required']);
  });

  it('r0.6.1 with only api/ and event-schemas/: the release range from its own schemas, values merged through a $ref located in their file', async () => {
    const { status, report } = await check(specTree('client_server/r0.6.1', ['api', 'event-schemas']));
    expect(status).to.equal(1);
    expect(report.spec).to.include({ release: 'r0.5.0–r0.6.1', era: 'r0' });
    expect(report.spec.release_source).to.match(/its presence schemas/);
    expect(counts(report)).to.deep.equal({ checked: 8, valid: 4, invalid: 4, disagreements: 4, warnings: 3, problems: 0 });
    expect(report.warnings.map((w) => w.replace(/^.*?(api\/)/, '$1'))).to.deep.equal([
      'api/server-server/invites-v1.yaml:138:31: example $ref "../../../event-schemas/examples/invite_room_state.json" names a missing file',
      'api/server-server/invites-v2.yaml:134:29: example $ref "../../../event-schemas/examples/invite_room_state.json" names a missing file',
      'api/server-server/transactions.yaml:72:31: example $ref "edu.json" names a missing file',
    ]);
    // The /sync example names the event example by $ref (through a symbolic link): the bad avatar_url
    // is reported where it is written.
    const sync = byLabel(report, 'm.presence event at /presence/events/0 of the GET /sync 200 response example');
    expect(sync.file).to.match(/api\/client-server\/sync\.yaml$/);
    expect(sync.errors[0]).to.include({ line: 6, column: 19, pointer: '/content/avatar_url' });
    expect(sync.errors[0]!.file).to.match(/(^|\/)event-schemas\/examples\/m\.presence$/);
  });

  it("r0.6.1 with a free_for_chat example: valid under the r0 schemas, and r0.6.1's own schema says it no longer has it", async () => {
    const tree = mkdtempSync(join(tmpdir(), 'mpc-r0-ffc-'));
    try {
      cpSync(specTree('client_server/r0.6.1', ['api', 'event-schemas']), tree, { recursive: true, verbatimSymlinks: true });
      const presence = join(tree, 'api/client-server/presence.yaml');
      writeFileSync(presence, readFileSync(presence, 'utf8').replace('"presence": "online"', '"presence": "free_for_chat"'));
      const { report } = await check(tree);
      const put = byLabel(report, 'PUT /presence/{userId}/status request body example');
      expect(put).to.include({ valid: true, schema: 'matrix/legacy/r0-put-presence-request' });
      const disagreement = report.disagreements.find((d) => d.label === put.label)!;
      expect(disagreement).to.include({ ours: 'accepts', official: 'rejects' });
      expect(disagreement.official_errors.map((e) => [e.pointer, e.keyword, e.line])).to.deep.equal([['/presence', 'enum', 55]]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("v0.2.0 (early, api/client-server/v1): the early schemas, with v0.2.0's own GET response schema", async () => {
    const { status, report } = await check(specTree('0.2.0'));
    expect(status).to.equal(0);
    expect(report.spec).to.include({ release: 'v0.2.0', release_source: 'CHANGELOG.rst', era: 'early' });
    expect(report.spec.release_schemas.map((r) => r.alias)).to.deep.equal(['matrix/legacy/early-v0.2.0-get-presence-response']);
    expect(counts(report)).to.deep.equal({ checked: 7, valid: 7, invalid: 0, disagreements: 3, warnings: 0, problems: 0 });
    // "status_msg": null is valid in v0.2.0, though not in the 2014 text our early schemas follow.
    expect(byLabel(report, 'GET /presence/{userId}/status 200 response example')).to.include({
      valid: true,
      schema: 'matrix/legacy/early-v0.2.0-get-presence-response',
    });
    expect(byLabel(report, 'm.presence event of the example file')).to.include({ valid: true, schema: 'matrix/legacy/early-m.presence' });
  });

  it('the 2014 tree (Swagger 1.2 api-docs, models without examples) is recognised, with nothing to check', async () => {
    const { status, report } = await check(specTree('2d5bb01a', ['swagger']));
    expect(status).to.equal(2);
    expect(report.problems[0]).to.match(/no presence examples in this tree \(early Swagger 1\.2 layout/);
  });

  it('May 2015: the first event examples, beside the Swagger 1.2 api-docs, against the early schemas', async () => {
    const { status, report } = await check(specTree('6f842da2', ['api', 'event-schemas']));
    expect(status).to.equal(0);
    expect(report.spec).to.include({ era: 'early', release: 'early' });
    expect(report.results.map((r) => [r.label, r.schema, r.valid, r.official?.valid])).to.deep.equal([
      ['m.presence event of the example file', 'matrix/legacy/early-m.presence', true, true],
    ]);
  });

  it("June 2015 (api/client-server/v1): JSON text examples the spec's tooling could not parse are named with their place", async () => {
    const { status, report } = await check(specTree('334e1046', ['api', 'event-schemas', 'CHANGELOG.rst']));
    expect(status).to.equal(2);
    expect(report.spec).to.include({ release: 'v0.1.0', era: 'early' });
    // The presence list example is presence's own: a problem. The broken /events example is not: a warning.
    expect(report.problems).to.have.length(1);
    expect(report.problems[0]).to.match(/api\/client-server\/v1\/presence\.yaml:187:19: the example is not valid JSON: /);
    expect(report.warnings[0]).to.match(/api\/client-server\/v1\/sync\.yaml:341:28: the example is not valid JSON: /);
    // v0.1.0 had a string status_msg, so the GET example's null is invalid, and its own schema says so too.
    const get = byLabel(report, 'GET /presence/{userId}/status 200 response example');
    expect([get.schema, get.valid, get.official?.valid]).to.deep.equal(['matrix/legacy/early-get-presence-response', false, false]);
  });

  it('--spec-version overrides the era the tree would choose, and says so', async () => {
    const { report } = await check(specTree('v1.2'), 'r0');
    expect(report.spec).to.include({ era: 'r0', chosen_by: '--spec-version', release: 'v1.2' });
    expect(byLabel(report, 'PUT /presence/{userId}/status request body example').schema).to.equal('matrix/legacy/r0-put-presence-request');
  });

  it('--spec-version current names the v1.19 schemas, as the tree would choose them, but chosen by the option', async () => {
    const old = await check(specTree('v1.2'), 'current');
    const named = await check(specTree('v1.2'), 'v1.19');
    expect(old.report.spec).to.include({ era: 'v1.19', chosen_by: '--spec-version' });
    expect(old.report).to.deep.equal(named.report);
    expect(old.stderr).to.equal('validate: --spec-version current is now called v1.19\n');
  });

  describe('the release, read from the tree alone (only api/ and event-schemas/)', () => {
    const cases: [string, string][] = [
      ['r0.0.1', 'r0.0.0–r0.1.0'],
      ['client-server/r0.2.0', 'r0.2.0–r0.3.0'],
      ['client_server/r0.4.0', 'r0.4.0'],
      ['client_server/r0.5.0', 'r0.5.0–r0.6.1'],
      ['0.2.0', 'v0.2.0'],
    ];
    for (const [ref, release] of cases) {
      it(`${ref} -> ${release}`, () => {
        const root = specTree(ref, ['api', 'event-schemas']);
        expect(detectRelease(root, detectLayout(root)!).release).to.equal(release);
      });
    }
  });
});

describe('validate --spec-dir: what decides the verdict', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mpc-spec-tree-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  const event = '{"type": "m.presence", "sender": "@a:example.org", "content": {"presence": "online"}}\n';

  it('an unreadable file that does not concern presence is a warning; the check goes on', async () => {
    write('data/event-schemas/examples/m.presence.yaml', event);
    write('data/api/client-server/rooms.yaml', 'paths:\n  /rooms: [1,\n');
    const { status, report } = await check(dir);
    expect(status).to.equal(0);
    expect(counts(report)).to.include({ checked: 1, valid: 1, warnings: 1, problems: 0 });
    expect(report.warnings[0]).to.match(/data\/api\/client-server\/rooms\.yaml:\d+:\d+: not valid YAML: /);
  });

  it('an unreadable file that concerns presence is a problem (exit 2), named with line and reason', async () => {
    write('data/event-schemas/examples/m.presence.yaml', event);
    write('data/api/client-server/presence.yaml', 'paths:\n  "/presence/{userId}/status": {get: [\n');
    const { status, report, stderr } = await check(dir);
    expect(status).to.equal(2);
    expect(counts(report)).to.include({ checked: 1, valid: 1, problems: 1 });
    expect(stderr).to.match(/validate: .*data\/api\/client-server\/presence\.yaml:\d+:\d+: not valid YAML: /);
  });

  it('an example written as JSON text that is not JSON is located in the YAML file', async () => {
    write('data/event-schemas/examples/m.presence.yaml', event);
    write(
      'data/api/client-server/presence.yaml',
      [
        'paths:',
        '  "/presence/{userId}/status":',
        '    get:',
        '      responses:',
        '        200:',
        '          examples:',
        '            application/json: |-',
        '              {',
        '                "presence": "online",',
        '              }',
        '',
      ].join('\n'),
    );
    const { status, report } = await check(dir);
    expect(status).to.equal(2);
    expect(report.problems[0]).to.match(/data\/api\/client-server\/presence\.yaml:10:15: the example is not valid JSON/);
  });
});
