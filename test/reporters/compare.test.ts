// Comparing targets on small hand-made reports: where targets count as different, labels, renderings.
import { expect } from 'chai';
import type { Outcome } from '../../project/report.js';
import { compareReports, comparisonMarkdown, comparisonText } from '../../reporters/index.js';
import { outcomeClass } from '../../reporters/compare-reports.js';
import { comparisonHtml } from '../../reporters/compare-html.js';
import { named, result, shard } from './report-fixtures.js';

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
});
