// Merging shard reports and comparing targets, on small hand-made reports: the verdict rules, the
// refusals, the order of cases, and where targets count as different.
import { expect } from 'chai';
import type { CaseResult, Outcome, Report } from '../../project/report.js';
import { compareReports, comparisonMarkdown, comparisonText, mergeReports, outcomeClass } from '../../reporters/index.js';
import { comparisonHtml } from '../../reporters/compare-html.js';
import { loadSchemaRegistry } from '../../project/schemas.js';

function result(id: string, outcome: Outcome, extra: Partial<CaseResult> = {}): CaseResult {
  return { id, title: `Title of ${id}`, file: `suites/${id.split('#')[0]}.yaml`, area: id.split('#')[0]!, level: 'MUST', clauses: ['v1-c'], tags: [], outcome, duration_ms: 5, checks: [], failed_at: [], at: `suites/${id.split('#')[0]}.yaml:${extra.position ?? 1}:5`, ...extra };
}

function shard(shardText: string | undefined, cases: CaseResult[], extra: Partial<Report> = {}): Report {
  return {
    runner_contract: 'v1', tool: { name: 'matrix-presence-conformance', version: '0.1.0' },
    target: { name: 'mock', url: 'http://127.0.0.1:1', spec_version: 'v1.19', embedded_mock: true, faults: [], profile: 'p.yaml' },
    options: { jobs: 8, strict: false, ...(shardText ? { shard: shardText } : {}) },
    started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:02.000Z', planned: cases.length, duration_ms: 2000,
    summary: { total: 0, pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, timeout: 0 }, exit_code: 0, gating_failures: [],
    warnings: ['expectation for x#y matches no case'], cases,
    clauses: [{ id: 'v1-c', level: 'MUST', scope: 'server', spec: 'v1.19', section: 'S', text: 'A clause' }, { id: 'r0-d', level: 'SHOULD', scope: 'server', spec: 'r0', section: 'S', text: 'Another' }],
    ...extra,
  };
}

const named = (reports: Report[]) => reports.map((report, i) => ({ file: `s${i + 1}.json`, report }));

describe('report merge', () => {
  it('joins shards in plan order and recomputes the verdict by the run\'s rules', () => {
    const merged = mergeReports(named([
      shard('1/2', [result('a#x', 'pass', { position: 0 }), result('b#z', 'fail', { position: 3, level: 'SHOULD' })]),
      shard('2/2', [result('a#y', 'error', { position: 1 }), result('b#w', 'xpass', { position: 2, level: 'MAY' })], { started_at: '2026-01-01T00:00:01.000Z', finished_at: '2026-01-01T00:00:05.000Z' }),
    ]));
    expect(merged.cases.map((c) => c.id)).to.deep.equal(['a#x', 'a#y', 'b#w', 'b#z']);
    expect(merged.summary).to.deep.equal({ total: 4, pass: 1, fail: 1, error: 1, skip: 0, xfail: 0, xpass: 1, timeout: 0 });
    // An error of a MUST case and any xpass gate; a SHOULD failure does not without --strict.
    expect(merged.gating_failures).to.deep.equal(['a#y', 'b#w']);
    expect(merged.exit_code).to.equal(1);
    expect(merged.options).to.deep.equal({ jobs: 8, strict: false });
    expect(merged.warnings).to.deep.equal(['expectation for x#y matches no case']);
    expect(merged.duration_ms).to.equal(5000);
    expect(merged.planned).to.equal(4);
    expect(merged.merged_from!.map((m) => m.shard)).to.deep.equal(['1/2', '2/2']);
    expect(loadSchemaRegistry().validate('report', JSON.parse(JSON.stringify(merged)))).to.deep.equal([]);
  });

  it('under --strict a SHOULD failure gates the merged run too; a clean set exits 0', () => {
    const strict = (r: Report) => ({ ...r, options: { ...r.options, strict: true } });
    const merged = mergeReports(named([strict(shard('1/2', [result('b#z', 'fail', { level: 'SHOULD' })])), strict(shard('2/2', []))]));
    expect(merged.exit_code).to.equal(1);
    expect(mergeReports(named([shard('1/2', [result('a#x', 'pass')]), shard('2/2', [result('a#y', 'xfail')])])).exit_code).to.equal(0);
  });

  it('orders reports without positions by file and line', () => {
    const merged = mergeReports(named([shard('1/2', [result('b#z', 'pass', { at: 'suites/b.yaml:9:5' })]), shard('2/2', [result('b#y', 'pass', { at: 'suites/b.yaml:3:5' }), result('a#x', 'pass', { at: 'suites/a.yaml:40:5' })])]));
    expect(merged.cases.map((c) => c.id)).to.deep.equal(['a#x', 'b#y', 'b#z']);
  });

  it('refuses a missing or repeated shard, shards of another run, a case twice, a mix of shard and whole runs', () => {
    const refusal = (reports: Report[]) => {
      try {
        mergeReports(named(reports));
        return 'merged';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(refusal([shard('1/3', []), shard('3/3', [])])).to.equal('shard 2/3 missing: a verdict needs every shard of the run');
    expect(refusal([shard('1/2', []), shard('1/2', [])])).to.equal('s2.json: shard 1/2 is also s1.json');
    expect(refusal([shard('1/2', []), shard('2/3', [])])).to.equal('s2.json: shard 2/3, but s1.json is one of 2 shards');
    const faulty = shard('2/2', []);
    faulty.target = { ...faulty.target, faults: ['never-idle'] };
    expect(refusal([shard('1/2', []), faulty])).to.match(/^s2\.json: not a shard of the same run as s1\.json: target /);
    const strict = shard('2/2', []);
    strict.options = { ...strict.options, strict: true };
    expect(refusal([shard('1/2', []), strict])).to.match(/selection .*"strict":false.* vs .*"strict":true/);
    expect(refusal([shard('1/2', [result('a#x', 'pass')]), shard('2/2', [result('a#x', 'pass')])])).to.equal('s2.json: case a#x is also in s1.json; shards of one run never share a case');
    expect(refusal([shard(undefined, []), shard('2/2', [])])).to.match(/^s1\.json: not a shard report, but s2\.json is/);
    expect(refusal([])).to.match(/at least one report/);
  });
});

describe('report compare', () => {
  const a = shard(undefined, [result('a#x', 'pass'), result('a#y', 'fail'), result('a#z', 'skip', { clauses: ['r0-d'] })]);
  const b = shard(undefined, [result('a#x', 'pass'), result('a#y', 'xfail', { expectation: { expect: 'xfail', reason: 'known' } }), result('a#z', 'pass', { clauses: ['r0-d'] })]);
  const c = shard(undefined, [result('a#x', 'timeout')]);
  c.target = { ...c.target, name: 'synapse' };

  it('compares outcomes by what they say about the server; fail and xfail agree', () => {
    expect(['pass', 'xpass', 'fail', 'xfail', 'error', 'timeout', 'skip', null].map((o) => outcomeClass(o as Outcome | null)))
      .to.deep.equal(['passed', 'passed', 'failed', 'failed', 'no verdict', 'no verdict', 'skipped', 'absent']);
    const cmp = compareReports(named([a, b]));
    expect(cmp.cases.map((x) => [x.id, x.differs])).to.deep.equal([['a#x', false], ['a#y', false], ['a#z', true]]);
    expect(cmp.clauses.map((x) => [x.id, x.verdicts, x.differs])).to.deep.equal([['v1-c', ['deviates', 'deviates'], false], ['r0-d', ['not tested', 'conforms'], true]]);
  });

  it('labels targets by name, made unique by file; a case a report lacks is absent', () => {
    const cmp = compareReports(named([a, b, c]));
    expect(cmp.targets.map((t) => t.label)).to.deep.equal(['mock (s1)', 'mock (s2)', 'synapse']);
    expect(compareReports(named([a, c]), ['old', 'new']).targets.map((t) => t.label)).to.deep.equal(['old', 'new']);
    expect(cmp.cases.find((x) => x.id === 'a#y')!.outcomes).to.deep.equal(['fail', 'xfail', null]);
    // v1-c deviates everywhere (fail, xfail, timeout): no difference.
    expect(cmp.summary).to.deep.equal({ cases: 3, cases_differing: 3, clauses: 2, clauses_differing: 1 });
    expect(cmp.targets[2]!.clause_verdicts).to.include({ deviates: 1, 'no case': 1 });
  });

  it('renders as text, Markdown and HTML', () => {
    const cmp = compareReports(named([a, { ...c, summary: { ...c.summary, total: 1, timeout: 1 }, exit_code: 1 }]), ['mock', 'synapse']);
    const text = comparisonText(cmp);
    expect(text).to.include('  [2] synapse: 1 cases (1 timeout), exit 1; clauses: 1 deviates, 1 no case');
    expect(text).to.match(/\n  a#x +MUST +pass +timeout\n/);
    const same = comparisonText(compareReports(named([a, b])));
    expect(same).to.include('cases that differ: 1 of 3');
    expect(same).to.not.match(/^ +a#x /m);
    expect(comparisonText(compareReports(named([a, b])), true)).to.match(/^ +a#x +MUST +pass +pass$/m);
    const md = comparisonMarkdown(cmp);
    expect(md).to.include('| | mock | synapse |');
    expect(md).to.include('| `a#x` | MUST | pass | **timeout** |');
    expect(md).to.include('| `r0-d` | SHOULD | not tested | no case |');
    const html = comparisonHtml(cmp);
    expect(html).to.match(/<tr data-kind="case" data-text="[^"]*" data-level="must" data-differs="yes"><td><code>a#x<\/code>/);
    expect(html).to.not.match(/<script[^>]*\ssrc=|<link\b/);
  });
});
