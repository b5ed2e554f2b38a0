// `report merge / compare / render` as CI uses them. The merge is tested against the real thing: the
// same selection run whole and in three shards, the shards merged, and the merged report must carry the
// unsharded run's verdict, exit code, gating cases, warnings and cases in order, once with a failing
// run (exit 1) and once with its failures made expected (exit 0).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';
import type { Report } from '../../project/report.js';
import { loadSchemaRegistry } from '../../project/schemas.js';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...args],
      { cwd: projectRoot, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

async function readReport(file: string): Promise<Report> {
  return JSON.parse(await readFile(file, 'utf8')) as Report;
}

/** What must be the same whether a run was sharded or not. */
function verdictOf(r: Report) {
  return {
    exit_code: r.exit_code,
    summary: r.summary,
    gating_failures: r.gating_failures,
    warnings: r.warnings,
    cases: r.cases.map((c) => `${c.id} ${c.outcome}`),
    planned: r.planned,
    coverage: r.coverage,
  };
}

// A selection across several suite files, with a fault that fails some of its cases.
const SELECTION = ['--grep', '^(status|errors|auth|legacy)#', '--fault', 'status-msg-dropped'];

describe('report command', function () {
  this.timeout(180_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mpc-report-'));
  });

  /** The selection run whole and as three shards (all at once), then the shards merged. */
  async function wholeAndMerged(name: string, extra: string[], wholeExtra: string[] = []) {
    const file = (f: string) => join(dir, `${name}-${f}`);
    const runs = await Promise.all([
      cli(['run', ...SELECTION, ...extra, ...wholeExtra, '--quiet', '--report-json', file('whole.json')]),
      ...[1, 2, 3].map((i) => cli(['run', ...SELECTION, ...extra, '--quiet', '--shard', `${i}/3`, '--report-json', file(`shard${i}.json`)])),
    ]);
    for (const r of runs) expect(r.stderr).to.equal('');
    const merge = await cli([
      'report',
      'merge',
      file('shard1.json'),
      file('shard2.json'),
      file('shard3.json'),
      '--report-json',
      file('merged.json'),
      '--junit',
      file('merged.xml'),
      '--quiet',
    ]);
    return { whole: runs[0]!, merge, wholeReport: await readReport(file('whole.json')), merged: await readReport(file('merged.json')), file };
  }

  it('merge of the shards gives the unsharded verdict and exit code (failing run: 1)', async () => {
    const expectations = join(dir, 'bogus.yaml');
    // An entry matching no case: every shard warns about it; the merged report must say it once.
    await writeFile(expectations, 'cases:\n  nowhere#nothing: { expect: xfail, reason: "matches no case" }\n');
    // The whole run also writes the expectations file the next test uses.
    const { whole, merge, wholeReport, merged, file } = await wholeAndMerged(
      'failing',
      ['--expectations', expectations],
      ['--update-expectations', join(dir, 'expected.yaml')],
    );
    expect(whole.code).to.equal(1);
    expect(merge.code).to.equal(whole.code);
    expect(verdictOf(merged)).to.deep.equal(verdictOf(wholeReport));
    expect(merged.warnings).to.deep.equal(['expectation for nowhere#nothing matches no case']);
    expect(merged.merged_from!.map((m) => m.shard)).to.deep.equal(['1/3', '2/3', '3/3']);
    expect(loadSchemaRegistry().validate('report', merged)).to.deep.equal([]);
    // The console verdict line of the merge is the unsharded run's, but for the time.
    const verdictLine = (out: string) =>
      out
        .split('\n')
        .find((l) => /^\d+ cases: /.test(l))!
        .replace(/ in [\d.]+m?s/, '');
    expect(verdictLine(merge.stdout)).to.equal(verdictLine(whole.stdout));
    expect(await readFile(file('merged.xml'), 'utf8')).to.match(/<testsuites name="matrix-presence-conformance against mock" tests="\d+" failures="[1-9]\d*"/);
  });

  it('merge of the shards gives the unsharded verdict and exit code (failures expected: 0)', async () => {
    const expectations = join(dir, 'expected.yaml');
    const { whole, merge, wholeReport, merged } = await wholeAndMerged('expected', ['--expectations', expectations]);
    expect(whole.code).to.equal(0);
    expect(wholeReport.summary.xfail).to.be.greaterThan(0);
    expect(merge.code).to.equal(0);
    expect(verdictOf(merged)).to.deep.equal(verdictOf(wholeReport));
  });

  it('merge refuses an incomplete set of shards with exit 2 and one line', async () => {
    const r = await cli(['report', 'merge', join(dir, 'failing-shard1.json'), join(dir, 'failing-shard3.json')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('report merge: shard 2/3 missing: a verdict needs every shard of the run\n');
  });

  it('compare prints where targets differ and writes JSON, HTML and Markdown', async () => {
    const r = await cli([
      'report',
      'compare',
      join(dir, 'failing-whole.json'),
      join(dir, 'expected-whole.json'),
      '--label',
      'failing',
      '--label',
      'expected',
      '--json',
      join(dir, 'cmp.json'),
      '--html',
      join(dir, 'cmp.html'),
      '--markdown',
      join(dir, 'cmp.md'),
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^2 targets compared:\n {2}\[1\] failing: \d+ cases/);
    // fail and xfail say the same about the server: the two runs do not differ.
    expect(r.stdout).to.include('cases that differ: 0 of');
    const cmp = JSON.parse(await readFile(join(dir, 'cmp.json'), 'utf8')) as { targets: { label: string }[] };
    expect(cmp.targets.map((t) => t.label)).to.deep.equal(['failing', 'expected']);
    expect(await readFile(join(dir, 'cmp.html'), 'utf8')).to.match(/^<!doctype html>/);
    expect(await readFile(join(dir, 'cmp.md'), 'utf8')).to.match(/^\| \| failing \| expected \|/);
  });

  it('render draws a saved report with any reporter, the console when nothing else is asked', async () => {
    const saved = join(dir, 'failing-whole.json');
    const quiet = await cli(['report', 'render', saved, '--html', join(dir, 'r.html'), '--junit', join(dir, 'r.xml')]);
    expect(quiet.code).to.equal(0);
    expect(quiet.stdout).to.equal('');
    expect(await readFile(join(dir, 'r.html'), 'utf8')).to.include('<table class="glance">');
    expect(await readFile(join(dir, 'r.xml'), 'utf8')).to.include('<failure type="MUST fail"');
    const console = await cli(['report', 'render', saved, '--quiet']);
    expect(console.stdout).to.match(/FAILED \(\d+ gating: /);
    const annotations = await cli(['report', 'render', saved, '--github-annotations']);
    // One annotation per root cause: the status_msg the fault drops, at the first case that shows it.
    expect(annotations.stdout).to.match(
      /^::error file=suites\/\w+\.yaml,line=\d+,col=\d+,title=MUST c1%3A GET {api}\/presence\/{me}\/status%3A status_msg%3A got nothing \(\d+ cases\)::fail: /m,
    );
    expect(annotations.stdout).to.match(/^::notice file=suites\/errors\.yaml,line=\d+,col=\d+,title=INFO errors#/m);
  });

  it('refuses a file that is not a report, naming where', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...(await readReport(join(dir, 'failing-whole.json'))), cases: 3 }, null, 2));
    const r = await cli(['report', 'render', broken]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^report render: .*broken\.json:\d+:3: report \/cases: got 3, want type array\n$/);
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{ "a": ');
    const bad = await cli(['report', 'compare', notJson]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^report compare: .*not\.json:1:\d+/);
    const missing = await cli(['report', 'merge', join(dir, 'nope.json')]);
    expect(missing.stderr).to.match(/nope\.json: cannot read: no such file/);
  });
});
