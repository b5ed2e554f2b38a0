// The `run` command as a user meets it: exit codes 0/1/2, messages, report files.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';

const E2E = 'test/fixtures/suites/e2e';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), 'run', ...args],
      { cwd: projectRoot, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('run command', function () {
  this.timeout(60_000);

  it('exits 0 and prints a summary when every MUST case passes', async () => {
    const r = await cli([E2E, '--grep', 'round-trip|watcher']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/cases against mock \(the embedded mock at http:\/\/127\.0\.0\.1:\d+\)/);
    expect(r.stdout).to.match(/^status \(2\/2 pass\)$/m);
    expect(r.stdout).to.not.include('idle-goes-unavailable');
    expect(r.stdout).to.match(
      /^3 cases: 2 pass, 1 skip in \d+(\.\d)?m?s(; \d+ info observations?( \(\d+ deviating\))?(, listed without --quiet)?)? — OK( \(partial: [^)]*\))?$/m,
    );
    expect(r.stdout).to.equal(stripVTControlCharacters(r.stdout)); // no colours when not on a TTY
  });

  it('exits 1 on a MUST failure, shows got/want with the place, and writes JSON and JUnit reports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-cli-'));
    const r = await cli([E2E, '--grep', 'round-trip', '--fault', 'status-msg-dropped', '--report-json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml')]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/✗ fail +MUST +basic#put-get-round-trip/);
    expect(r.stdout).to.match(/test\/fixtures\/suites\/e2e\/basic\.yaml:\d+:\d+: status_msg: got nothing, want ".*is here"/);
    expect(r.stdout).to.match(/FAILED \(1 gating: basic#put-get-round-trip\)/);
    const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as { exit_code: number; target: { faults: string[] } };
    expect(report.exit_code).to.equal(1);
    expect(report.target.faults).to.deep.equal(['status-msg-dropped']);
    expect(await readFile(join(dir, 'r.xml'), 'utf8')).to.match(/<failure type="MUST fail"/);
  });

  it('writes an expectations file with --update-expectations that makes the next run pass', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-cli-'));
    const file = join(dir, 'exp.yaml');
    const first = await cli([E2E, '--grep', 'round-trip', '--fault', 'status-msg-dropped', '--update-expectations', file]);
    expect(first.code).to.equal(1);
    expect(await readFile(file, 'utf8')).to.match(/basic#put-get-round-trip:\n\s+expect: xfail\n\s+reason: ['"]?fail: /);
    const second = await cli([E2E, '--grep', 'round-trip', '--fault', 'status-msg-dropped', '--expectations', file]);
    expect(second.code).to.equal(0);
    expect(second.stdout).to.match(/~ xfail/);
  });

  it('exits 2 with file:line:col for a bad suite, before any request', async () => {
    const r = await cli(['test/fixtures/suites/invalid/bad-level.yaml']);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim()).to.equal(
      'test/fixtures/suites/invalid/bad-level.yaml:6:5: suite /cases/0/level: got "MUSTNT", want one of MUST, SHOULD, MAY, INFO',
    );
    expect(r.stdout).to.equal('');
  });

  it('exits 2 for bad options and files', async () => {
    expect((await cli(['--shard', '3/2'])).stderr).to.match(/--shard <i\/n>.*want i\/n/);
    expect((await cli(['--jobs', '0'])).code).to.equal(2);
    expect((await cli(['--level', 'MOST'])).stderr).to.include('unknown level MOST');
    expect((await cli(['--homeserver', 'ftp://x'])).code).to.equal(2);
    const missing = await cli(['--target', 'nope.yaml']);
    expect(missing.code).to.equal(2);
    expect(missing.stderr.trim()).to.equal('nope.yaml: cannot read: no such file');
    expect((await cli(['--homeserver', 'http://127.0.0.1:9', '--fault', 'never-idle'])).stderr).to.include('cannot be combined with --homeserver');
    const badOut = await cli(['--junit', '/nonexistent-dir/r.xml']);
    expect(badOut.code).to.equal(2);
    expect(badOut.stderr.trim()).to.equal('--junit /nonexistent-dir/r.xml: folder /nonexistent-dir does not exist');
  });

  it('exits 2 with one clear sentence, in bounded time, when the homeserver refuses connections', async () => {
    const started = Date.now();
    const r = await cli([E2E, '--grep', 'round-trip', '--homeserver', 'http://127.0.0.1:9']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('cannot reach the homeserver at http://127.0.0.1:9: connection refused by 127.0.0.1:9');
    expect(r.stdout).to.not.match(/provisioning/);
    expect(Date.now() - started).to.be.lessThan(20_000);
  });
});
