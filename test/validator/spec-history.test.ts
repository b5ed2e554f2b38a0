// `validate --spec-history` on the spec's real history (the bundle in ../shared), restricted with
// --history-tags to one release of each layout so it stays quick; the whole history is
// `npm run spec-history` (docs/validate.md has its figures).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runValidate, type ValidateCommandOptions } from '../../cli/validate.js';
import { loadSchemaRegistry } from '../../project/schemas.js';
import type { SpecHistory } from '../../validator/spec-history.js';
import { specBundle, specClone } from './spec-bundle.js';

async function history(options: Partial<ValidateCommandOptions>) {
  let stdout = '';
  let stderr = '';
  const status = await runValidate({ paths: [], ...options }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('validate --spec-history', function () {
  this.timeout(120_000);
  const tags = '^(0\\.2\\.0|r0\\.0\\.0|client_server/r0\\.6\\.1|v1\\.1|v1\\.8)$';
  let report: SpecHistory;
  let status: number;

  before(async () => {
    const r = await history({ specHistory: specBundle, historyTags: tags, format: 'json' });
    status = r.status;
    report = JSON.parse(r.stdout) as SpecHistory;
  });

  it('reads the bundle, checks the chosen tags oldest first and then HEAD, and names what it skipped', () => {
    expect(loadSchemaRegistry().validate('validate-history', report), 'the report follows schemas/validate-history.schema.json').to.deep.equal([]);
    expect(report.used.map((u) => u.ref)).to.deep.equal(['0.2.0', 'r0.0.0', 'client_server/r0.6.1', 'v1.1', 'v1.8', 'main']);
    expect(report.rows.map((r) => r.release)).to.deep.equal(['v0.2.0', 'r0.0.0', 'r0.6.1', 'v1.1', 'v1.8', 'unstable']);
    expect(report.skipped).to.deep.include({ tag: 'v1.19', reason: 'does not match --history-tags' });
    expect(report.skipped.map((s) => s.tag)).to.include('server_server/r0.1.4');
    // r0 examples are invalid (the avatar_url that is no mxc URI), so the run's status is 1.
    expect(status).to.equal(1);
  });

  it('counts each release as `validate --spec-dir` does', () => {
    const summaries = Object.fromEntries(
      report.rows.map((r) => [r.ref, [r.summary.checked, r.summary.valid, r.summary.invalid, r.summary.disagreements, r.summary.warnings]]),
    );
    expect(summaries).to.deep.equal({
      '0.2.0': [7, 7, 0, 3, 0],
      'r0.0.0': [10, 8, 2, 4, 0],
      'client_server/r0.6.1': [8, 4, 4, 4, 3],
      'v1.1': [8, 8, 0, 0, 1],
      'v1.8': [8, 8, 0, 0, 0],
      main: [9, 9, 0, 0, 0],
    });
  });

  it('follows one example across layouts: when it appeared, changed, broke and was mended', () => {
    const column = (key: string) => {
      const found = report.columns.find((c) => c.key === key);
      expect(found, key).to.not.equal(undefined);
      return report.rows.map((r) => {
        const cell = r.cells[found!.id];
        return cell ? `${cell.status}${cell.changed ? ' changed' : ''}${cell.disagrees ? ' disagrees' : ''}` : 'missing';
      });
    };
    // The event example: event-schemas/examples/v1/m.presence (early), .../m.presence (r0), data/.../m.presence.yaml (v1.x).
    expect(column('m.presence event of the example file event-schemas/examples/m.presence')).to.deep.equal([
      'valid',
      'invalid disagrees',
      'invalid changed disagrees',
      'valid changed',
      'valid',
      'valid',
    ]);
    // The presence list went in r0.5.0.
    expect(column('POST /presence/list/{userId} request body example')).to.deep.equal(['valid', 'valid', 'missing', 'missing', 'missing', 'missing']);
    // The appservice transaction example gained a presence event in v1.13.
    expect(column('m.presence event at /ephemeral/1 of the PUT /transactions/{txnId} request body example')).to.deep.equal([
      'missing',
      'missing',
      'missing',
      'missing',
      'missing',
      'valid',
    ]);
    // v1.8 moved to OpenAPI 3 named examples; the GET example keeps its column.
    expect(column('GET /presence/{userId}/status 200 response example')).to.deep.equal(['valid', 'valid changed', 'valid', 'valid', 'valid', 'valid']);
  });

  it('prints the table with the legend, on a checkout as on a bundle', async () => {
    const r = await history({ specHistory: specClone(), historyTags: '^(r0\\.0\\.0|v1\\.19)$' });
    expect(r.status).to.equal(1);
    expect(r.stdout).to.match(/^spec history of .*: 3 releases checked in ([\d.]+m?s|\d+m( [\d.]+s)?)$/m);
    expect(r.stdout).to.match(/^used: r0\.0\.0, v1\.19, main$/m);
    expect(r.stdout).to.match(/^ {2}E1 {3}m\.presence event of the example file event-schemas\/examples\/m\.presence$/m);
    expect(r.stdout).to.match(/^r0\.0\.0 +2015-12-09 +r0\.0\.0 +FAIL! +ok .*10 checked, 8 valid, 2 invalid, 4 disagreeing$/m);
    expect(r.stdout).to.match(/^v1\.19 +2026-07-08 +v1\.19 +ok\* +ok/m);
    expect(r.stdout).to.include('ok valid, FAIL invalid, - missing; * changed since the nearest earlier release that has it');
  });

  describe('exits 2 with one clear line', () => {
    let empty: string;
    before(() => {
      empty = mkdtempSync(join(tmpdir(), 'mpc-not-a-repo-'));
    });
    after(() => rmSync(empty, { recursive: true, force: true }));

    const cases: [string, () => Partial<ValidateCommandOptions>, RegExp][] = [
      ['a folder that is no git repository', () => ({ specHistory: empty }), /not a git repository/],
      ['a missing repository', () => ({ specHistory: join(empty, 'nope') }), /no such file or folder/],
      ['a bad --history-tags', () => ({ specHistory: empty, historyTags: '(' }), /--history-tags: not a regular expression/],
      ['tags that match nothing', () => ({ specHistory: specClone(), historyTags: '^nothing$' }), /no tags to check match \^nothing\$/],
      ['PATHs besides', () => ({ specHistory: empty, paths: ['x.json'] }), /--spec-history checks each release against its own era/],
      ['--history-tags without --spec-history', () => ({ paths: ['x.json'], historyTags: 'v1' }), /--history-tags applies to --spec-history/],
    ];
    for (const [what, options, message] of cases) {
      it(what, async () => {
        const r = await history(options());
        expect(r.status).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(r.stderr).to.not.match(/\n\s+at /);
      });
    }
  });
});
