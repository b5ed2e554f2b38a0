// The `validate` command: in-process through runValidate (fast, exact output), plus one run of the
// built CLI to show the wiring, the exit status and the absence of stack traces.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { fixturesDir, projectRoot } from '../../project/paths.js';
import { runValidate } from '../../cli/validate.js';

const specDir = join(projectRoot, '..', 'shared', 'matrix-spec-v1.19');

async function validate(options: Parameters<typeof runValidate>[0]) {
  let stdout = '';
  let stderr = '';
  const status = await runValidate(options, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('validate command', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mpc-validate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  it('exits 0 on a folder of valid payloads, choosing each schema automatically', async () => {
    const r = await validate({ paths: [join(fixturesDir, 'valid', 'matrix', 'm.presence')] });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/spec-example\.json:1:1 \[matrix\/m\.presence\]/);
    expect(r.stdout).to.match(/6 checked: 6 valid, 0 invalid\n$/);
  });

  it('exits 1 and names file:line:column, pointer, got and want', async () => {
    const file = write('bad.json', '{\n  "type": "m.presence",\n  "sender": "@a:example.org",\n  "content": { "presence": "away" }\n}\n');
    const r = await validate({ paths: [file] });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.include(`${file}:4:28: /content/presence: got "away", want one of online, offline, unavailable`);
  });

  it('checks every document of a YAML stream against the schema named by --schema', async () => {
    const file = write('two.yaml', 'presence: online\n---\npresence: free_for_chat\n');
    const current = await validate({ paths: [file], schema: 'matrix/put-presence-request' });
    expect(current.status).to.equal(1);
    expect(current.stdout).to.include(`${file}:3:11: /presence: got "free_for_chat"`);
    const r0 = await validate({
      paths: [file],
      schema: 'https://matrix-presence-conformance.example/schemas/matrix/legacy/r0-put-presence-request.schema.json',
    });
    expect(r0.status).to.equal(0);
  });

  it('chooses legacy schemas with --spec-version', async () => {
    const file = write('early.json', '{"type": "m.presence", "content": {"user_id": "@a:example.org", "presence": "hidden"}}');
    expect((await validate({ paths: [file] })).status).to.equal(1);
    expect((await validate({ paths: [file], specVersion: 'r0' })).status).to.equal(1);
    const early = await validate({ paths: [file], specVersion: 'early' });
    expect(early.status).to.equal(0);
    expect(early.stdout).to.include('[matrix/legacy/early-m.presence]');
  });

  it('takes --spec-version current, the old name of v1.19, with the same result and a one-line note', async () => {
    const file = write('r0.json', '{"presence": "free_for_chat"}');
    const named = await validate({ paths: [file], specVersion: 'v1.19' });
    const old = await validate({ paths: [file], specVersion: 'current' });
    expect(named.status).to.equal(1);
    expect(old.status).to.equal(named.status);
    expect(old.stdout).to.equal(named.stdout);
    expect(named.stderr).to.equal('');
    expect(old.stderr).to.equal('validate: --spec-version current is now called v1.19\n');
    // It is still a --spec-version: --spec-history refuses it like any other.
    const history = await validate({ paths: [], specHistory: dir, specVersion: 'current' });
    expect(history.status).to.equal(2);
    expect(history.stderr).to.match(/--spec-history checks each release against its own era/);
  });

  it('prints a JSON report with --format json', async () => {
    const file = write('429.yaml', 'errcode: M_LIMIT_EXCEEDED\nretry_after_ms: -5\n');
    const r = await validate({ paths: [file], format: 'json' });
    expect(r.status).to.equal(1);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      summary: { invalid: number };
      results: { schema: string; errors: { pointer: string; line: number; column: number; keyword: string }[] }[];
    };
    expect(report.ok).to.equal(false);
    expect(report.summary.invalid).to.equal(1);
    expect(report.results[0]!.schema).to.equal('matrix/rate-limited');
    expect(report.results[0]!.errors).to.deep.include.members([
      { ...report.results[0]!.errors[0]!, pointer: '/retry_after_ms', line: 2, column: 17, keyword: 'minimum' },
    ]);
  });

  describe('exits 2 with one clear line and no stack trace', () => {
    const cases: [string, () => Parameters<typeof runValidate>[0], RegExp][] = [
      ['no input', () => ({ paths: [] }), /give at least one PATH/],
      [
        'an unknown schema',
        () => ({ paths: [join(dir, 'x.json')], schema: 'matrix/nope' }),
        /unknown schema "matrix\/nope"; known Matrix schemas: .*matrix\/m\.presence/,
      ],
      ['a missing file', () => ({ paths: [join(dir, 'missing.json')] }), /missing\.json: no such file or folder/],
      ['broken JSON', () => ({ paths: [write('broken.json', '{"presence": }')] }), /broken\.json:1:14: not valid JSON/],
      ['broken YAML', () => ({ paths: [write('broken.yaml', 'a: [1,\n')] }), /broken\.yaml:\d+:\d+: not valid YAML/],
      ['a payload of no known kind', () => ({ paths: [write('what.json', '{"foo": 1}')] }), /cannot tell which schema applies .*name one with --schema/],
      ['a folder without payloads', () => ({ paths: [dir] }), /no \.json, \.yaml or \.yml files in this folder/],
      ['a spec dir that is not a spec tree', () => ({ paths: [], specDir: dir }), /not a Matrix spec tree/],
      ['a bad --spec-version', () => ({ paths: ['x'], specVersion: 'r1' }), /--spec-version must be one of v1\.19, r0, early, not "r1"/],
      ['a bad --format', () => ({ paths: ['x'], format: 'xml' }), /--format must be text or json/],
    ];
    for (const [what, options, message] of cases) {
      it(what, async () => {
        const r = await validate(options());
        expect(r.status).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(r.stderr).to.not.match(/\n\s+at /);
      });
    }
  });

  it('validates every presence example of the v1.19 spec tree, and finds all nine', async () => {
    const r = await validate({ paths: [], specDir, format: 'json' });
    const report = JSON.parse(r.stdout) as {
      results: { file: string; label: string; schema: string; valid: boolean; official?: { valid: boolean } }[];
      disagreements: unknown[];
    };
    expect(r.status, r.stdout).to.equal(0);
    expect(report.results).to.have.length(9);
    const found = report.results.map((x) => `${x.file.slice(x.file.indexOf('data/'))} ${x.schema} ${x.label}`);
    expect(found).to.have.members([
      'data/event-schemas/examples/m.presence.yaml matrix/m.presence m.presence event of the example file',
      'data/api/client-server/presence.yaml matrix/put-presence-request PUT /presence/{userId}/status request body example',
      'data/api/client-server/presence.yaml matrix/put-presence-response PUT /presence/{userId}/status 200 response example',
      'data/api/client-server/presence.yaml matrix/get-presence-response GET /presence/{userId}/status 200 response example',
      'data/api/client-server/presence.yaml matrix/error GET /presence/{userId}/status 403 response example',
      'data/api/client-server/sync.yaml matrix/sync-presence GET /sync 200 response example, presence section',
      'data/api/client-server/sync.yaml matrix/m.presence m.presence event at /presence/events/0 of the GET /sync 200 response example',
      'data/api/client-server/old_sync.yaml matrix/m.presence m.presence event at /presence/0 of the GET /initialSync 200 response example',
      'data/api/application-service/transactions.yaml matrix/m.presence m.presence event at /ephemeral/1 of the PUT /transactions/{txnId} request body example',
    ]);
    // Every example also passes its official schema, so nothing disagrees.
    expect(report.results.every((x) => x.valid && x.official?.valid === true)).to.equal(true);
    expect(report.disagreements).to.deep.equal([]);
  });

  it('reports where the official schema and ours disagree on a spec example', async () => {
    // A small spec tree: the official event schema and an example the official schema accepts
    // (last_active_ago 12.5, a `number`) but ours rejects (an integer).
    const tree = join(dir, 'spec');
    for (const rel of [
      'data/event-schemas/schema/m.presence.yaml',
      'data/event-schemas/schema/core-event-schema/event.yaml',
      'data/event-schemas/examples/core/event.json',
    ]) {
      mkdirSync(dirname(join(tree, rel)), { recursive: true });
      cpSync(join(specDir, rel), join(tree, rel));
    }
    writeFileSync(
      join(tree, 'data/event-schemas/examples/m.presence.yaml'),
      '{\n  "$ref": "core/event.json",\n  "sender": "@example:localhost",\n  "type": "m.presence",\n  "content": {\n    "presence": "online",\n    "last_active_ago": 12.5\n  }\n}\n',
    );
    const r = await validate({ paths: [], specDir: tree });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/m\.presence\.yaml:7:24: \/content\/last_active_ago: got 12\.5, want type integer/);
    expect(r.stdout).to.match(
      /DISAGREE .*m\.presence\.yaml:1:1 m\.presence event of the example file \[matrix\/m\.presence\]: ours rejects, the tree's schema \(data\/event-schemas\/schema\/m\.presence\.yaml\) accepts/,
    );
    expect(r.stdout).to.match(/ours is stricter at \/content\/last_active_ago: Milliseconds since the user's last pro-active event/);
  });

  it('reports a spec example $ref to a missing file as unreadable input', async () => {
    const tree = join(dir, 'spec');
    mkdirSync(join(tree, 'data/event-schemas/examples'), { recursive: true });
    writeFileSync(join(tree, 'data/event-schemas/examples/m.presence.yaml'), '{"$ref": "core/nope.json", "type": "m.presence"}\n');
    const r = await validate({ paths: [], specDir: tree });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include('example $ref "core/nope.json" names a missing file');
  });

  it('runs from the built CLI with the documented exit statuses', async () => {
    const cli = join(projectRoot, 'dist', 'cli', 'main.js');
    const run = promisify(execFile);
    const good = await run(process.execPath, [cli, 'validate', join(fixturesDir, 'valid', 'matrix', 'error')]);
    expect(good.stdout).to.match(/3 checked: 3 valid, 0 invalid/);
    const file = write('bad.yaml', 'presence: away\n');
    const bad = await run(process.execPath, [cli, 'validate', file]).then(
      () => undefined,
      (e: unknown) => e as { code: number; stdout: string },
    );
    expect(bad).to.have.property('code', 1);
    expect(bad!.stdout).to.include(`${file}:1:11: /presence: got "away"`);
    const usage = await run(process.execPath, [cli, 'validate', '--spec-version', 'r9', file]).then(
      () => undefined,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(usage).to.have.property('code', 2);
    expect(usage!.stderr).to.equal('validate: --spec-version must be one of v1.19, r0, early, not "r9"\n');
  });
});
