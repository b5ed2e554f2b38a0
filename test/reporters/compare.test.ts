// Comparing targets on small hand-made reports: where targets count as different, labels, renderings.
import { expect } from 'chai';
import type { Outcome } from '../../project/report.js';
import { compareReports, comparisonMarkdown, comparisonText } from '../../reporters/index.js';
import { outcomeClass } from '../../reporters/compare-reports.js';
import { comparisonHtml } from '../../reporters/compare-html.js';
import { named, result, shard, v2Report } from './report-fixtures.js';

describe('report compare', () => {
  const a = shard(undefined, [result('a#x', 'pass'), result('a#y', 'fail'), result('a#z', 'skip', { clauses: ['r0-d'] })]);
  const b = shard(undefined, [
    result('a#x', 'pass'),
    result('a#y', 'xfail', { expectation: { expect: 'xfail', reason: 'known' } }),
    result('a#z', 'pass', { clauses: ['r0-d'] }),
  ]);
  const c = shard(undefined, [result('a#x', 'timeout')]);
  c.target = { ...c.target, name: 'synapse' };

  it('compares outcomes by what they say about the server; fail and xfail agree', () => {
    expect(['pass', 'xpass', 'fail', 'xfail', 'error', 'timeout', 'skip', null].map((o) => outcomeClass(o as Outcome | null))).to.deep.equal([
      'passed',
      'passed',
      'failed',
      'failed',
      'no verdict',
      'no verdict',
      'skipped',
      'absent',
    ]);
    const cmp = compareReports(named([a, b]));
    expect(cmp.cases.map((x) => [x.id, x.differs])).to.deep.equal([
      ['a#x', false],
      ['a#y', false],
      ['a#z', true],
    ]);
    expect(cmp.clauses.map((x) => [x.id, x.verdicts, x.differs])).to.deep.equal([
      ['v1-c', ['deviates', 'deviates'], false],
      ['r0-d', ['not tested', 'conforms'], true],
    ]);
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
    expect(text).to.match(/\n {2}a#x +MUST +pass +timeout\n/);
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

  it('keeps inconclusive and blocked apart: a change from pass, but no failure', () => {
    expect(['inconclusive', 'blocked'].map((o) => outcomeClass(o as Outcome))).to.deep.equal(['inconclusive', 'blocked']);
    const before = v2Report([result('a#x', 'pass'), result('a#y', 'pass'), result('a#z', 'fail')]);
    const after = v2Report([
      result('a#x', 'blocked', { blocked_by: { at: 'suites/a.yaml:3:9', tested_by: 'a#z' } }),
      result('a#y', 'inconclusive', { premise: { at: 'suites/a.yaml:9:9', seen: 'offline at once', change: 'timers.idle_timeout_ms' } }),
      result('a#z', 'fail'),
    ]);
    const cmp = compareReports(named([before, after]), ['old', 'new']);
    expect(cmp.cases.map((c) => [c.id, c.outcomes, c.differs])).to.deep.equal([
      ['a#x', ['pass', 'blocked'], true],
      ['a#y', ['pass', 'inconclusive'], true],
      ['a#z', ['fail', 'fail'], false],
    ]);
    expect(comparisonText(cmp)).to.include('  [2] new: 3 cases (1 fail, 1 inconclusive, 1 blocked), exit 1;');
    const md = comparisonMarkdown(cmp);
    expect(md).to.include('| `a#x` | MUST | pass | blocked |');
    expect(md).to.include('| `a#y` | MUST | pass | inconclusive |');
    expect(md).to.include('| cases | 2 pass, 1 fail | 1 fail, 1 inconclusive, 1 blocked |');
    const html = comparisonHtml(cmp);
    expect(html).to.include('<span class="b" style="background:#1b7c83">blocked</span>');
    expect(html).to.include('<span class="b" style="background:#8250df">1 inconclusive</span>');
    // A v1 report (no inconclusive or blocked count) beside a v2 one.
    const v1 = shard(undefined, [result('a#x', 'pass')]);
    v1.summary = { ...v1.summary, total: 1, pass: 1 };
    const mixed = comparisonText(compareReports(named([v1, after])));
    expect(mixed).to.include('[1] mock (s1): 1 cases (1 pass), exit 0;');
    expect(mixed).to.not.include('undefined');
  });
});
