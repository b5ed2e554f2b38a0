// The runner against the embedded reference mock: the e2e fixture suites pass, a mock fault makes the
// right case fail, expectations turn failures into xfail and passes into xpass, and the report
// validates against schemas/report.schema.json.
import { expect } from 'chai';
import { join } from 'node:path';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { runSuites } from '../../runner/index.js';
import { projectRoot } from '../../project/paths.js';
import { loadSchemaRegistry } from '../../project/schemas.js';

const E2E = join(projectRoot, 'test/fixtures/suites/e2e');

describe('end to end against the embedded mock', function () {
  this.timeout(30_000);

  it('passes the e2e suites and writes a report that matches its schema', async () => {
    const events: string[] = [];
    const report = await runSuites({
      suites: [E2E],
      expectations: false,
      listeners: [
        {
          onRunStart: () => events.push('run-start'),
          onCaseStart: () => events.push('case-start'),
          onCaseEnd: () => events.push('case-end'),
          onRunEnd: () => {
            events.push('run-end');
          },
        },
      ],
    });
    expect(report.cases.map((c) => `${c.id}: ${c.outcome}${c.message ? ` ${c.message}` : ''}`)).to.deep.equal([
      'basic#put-get-round-trip: pass',
      'basic#watcher-sees-online: pass',
      'basic#idle-goes-unavailable: pass',
    ]);
    expect(report.exit_code).to.equal(0);
    expect(report.target.embedded_mock).to.equal(true);
    // The report names its maker as package.json does: a release bumps one version, not two.
    const manifest = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(report.tool).to.deep.equal({ name: manifest.name, version: manifest.version });
    expect(events[0]).to.equal('run-start');
    expect(events.at(-1)).to.equal('run-end');
    expect(events.filter((e) => e === 'case-end')).to.have.length(3);
    const round = JSON.parse(JSON.stringify(report)) as unknown;
    expect(loadSchemaRegistry().validate('report', round)).to.deep.equal([]);
    // The INFO check failed (no errcode on a 200) and was recorded without failing the case.
    const info = report.cases[0]!.checks.find((c) => c.level === 'INFO')!;
    expect(info.passed).to.equal(false);
  });

  it('fails the case a mock fault breaks, with the failing check and the transcript', async () => {
    const report = await runSuites({ suites: [E2E], faults: ['status-msg-dropped'], grep: /round-trip/, expectations: false });
    const c = report.cases.find((r) => r.id === 'basic#put-get-round-trip')!;
    expect(c.outcome).to.equal('fail');
    expect(c.message).to.match(/^test\/fixtures\/suites\/e2e\/basic\.yaml:\d+:\d+: status_msg: got nothing, want ".*is here"$/);
    expect(c.transcript!.length).to.be.greaterThan(2);
    expect(report.exit_code).to.equal(1);
    expect(report.gating_failures).to.deep.equal(['basic#put-get-round-trip']);
    expect(report.cases.filter((r) => r.outcome === 'skip').every((r) => /--grep/.test(r.message!))).to.equal(true);
    expect(loadSchemaRegistry().validate('report', JSON.parse(JSON.stringify(report)))).to.deep.equal([]);
  });

  it('runs the mock in-process on request, with the same verdicts', async () => {
    const report = await runSuites({ suites: [E2E], grep: /round-trip/, faults: ['status-msg-dropped'], mockIsolation: 'in-process', expectations: false });
    expect(report.cases.find((c) => c.id === 'basic#put-get-round-trip')!.outcome).to.equal('fail');
  });

  it('turns an expected failure into xfail and an unexpected pass into xpass', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-exp-'));
    const file = join(dir, 'exp.yaml');
    await writeFile(
      file,
      `cases:
  basic#put-get-round-trip: { expect: xfail, reason: status_msg is dropped, issue: "https://example.org/issues/1" }
  basic#nothing-here: { expect: skip, reason: stale }
`,
    );
    const broken = await runSuites({ suites: [E2E], faults: ['status-msg-dropped'], grep: /round-trip/, expectations: file });
    expect(broken.cases[0]!.outcome).to.equal('xfail');
    expect(broken.exit_code).to.equal(0);
    expect(broken.warnings).to.deep.equal(['expectation for basic#nothing-here matches no case']);
    const fixed = await runSuites({ suites: [E2E], grep: /round-trip/, expectations: file });
    expect(fixed.cases[0]!.outcome).to.equal('xpass');
    expect(fixed.exit_code).to.equal(1);
  });
});
