import { expect } from 'chai';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { inShard, parseShard, planRun } from '../../runner/plan/plan.js';
import { gatingFailures } from '../../runner/judge/verdicts.js';
import { expectationsFromResults } from '../../runner/load/expectations.js';
import type { CaseResult } from '../../project/report.js';

const suite = parseSuiteText(
  `title: T
area: status
cases:
${['a', 'b', 'c', 'd']
  .map(
    (id, i) => `  - id: ${id}
    title: Case ${id} holds
    level: ${['MUST', 'SHOULD', 'MAY', 'INFO'][i]}
    clauses: [x]
    tags: [t${i % 2}]
    ${i === 2 ? 'requires: [free_for_chat]\n    ' : ''}${i === 3 ? 'spec_versions: [r0]\n    ' : ''}steps: [ { wait: 1 } ]
`,
  )
  .join('')}`,
  'suites/s.yaml',
);
const target = parseTargetProfile('name: t\nregistration: { method: dummy }\ncapabilities: [currently_active]\n');
const skips = (sel: Parameters<typeof planRun>[2], exp = new Map()) =>
  Object.fromEntries(planRun([suite], target, sel, exp).cases.map((p) => [p.case.id, p.skip ?? 'run']));

describe('planning', () => {
  it('skips cases whose capability or spec version the target lacks', () => {
    expect(skips({})).to.deep.equal({
      a: 'run',
      b: 'run',
      c: 'the target does not claim capability free_for_chat',
      d: 'applies to spec r0; the target implements v1.19',
    });
  });

  it('filters by --grep on "<full id> <title>", --tag and --level', () => {
    expect(skips({ grep: /s#b / }).b).to.equal('run');
    expect(skips({ grep: /s#b / }).a).to.match(/not selected by --grep/);
    expect(skips({ grep: /Case a holds/ }).a).to.equal('run');
    expect(skips({ tags: ['t1'] })).to.include({ a: 'not selected by --tag t1', b: 'run' });
    expect(skips({ tags: ['status'] }).a).to.equal('run');
    expect(skips({ levels: ['SHOULD'] })).to.include({ a: 'not selected by --level SHOULD', b: 'run' });
  });

  it('applies expectations and warns about those matching no case', () => {
    const exp = new Map([
      ['s#a', { expect: 'skip' as const, reason: 'broken upstream' }],
      ['s#zz', { expect: 'xfail' as const, reason: 'gone' }],
    ]);
    const plan = planRun([suite], target, {}, exp);
    expect(plan.cases[0]!.skip).to.equal('expected skip: broken upstream');
    expect(plan.warnings).to.deep.equal(['expectation for s#zz matches no case']);
  });

  it('shards deterministically: every case in exactly one shard', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `f#case-${i}`);
    const counts = ids.map((id) => [1, 2, 3].filter((i) => inShard(id, { index: i, total: 3 })).length);
    expect(counts.every((n) => n === 1)).to.equal(true);
    const shard1 = ids.filter((id) => inShard(id, { index: 1, total: 3 }));
    expect(shard1.length).to.be.within(40, 100);
    expect(ids.filter((id) => inShard(id, { index: 1, total: 3 }))).to.deep.equal(shard1);
    expect(parseShard('2/4')).to.deep.equal({ index: 2, total: 4 });
    expect(parseShard('5/4')).to.equal(undefined);
    expect(parseShard('0/4')).to.equal(undefined);
  });
});

function result(id: string, level: CaseResult['level'], outcome: CaseResult['outcome']): CaseResult {
  return {
    id,
    title: id,
    file: 'f',
    area: 'a',
    level,
    clauses: [],
    tags: [],
    outcome,
    duration_ms: 0,
    checks: [],
    failed_at: [],
    at: 'f:1:1',
    message: `${outcome}!`,
  };
}

describe('sharding a plan', () => {
  it("leaves other shards' cases out, and the shards together plan every case once", () => {
    const ids = (i: number) => planRun([suite], target, { shard: { index: i, total: 2 } }, new Map()).cases.map((p) => p.case.fullId);
    expect([...ids(1), ...ids(2)].sort()).to.deep.equal(['s#a', 's#b', 's#c', 's#d']);
    expect(ids(1).filter((id) => ids(2).includes(id))).to.deep.equal([]);
  });
});

describe('verdicts', () => {
  it('gates on MUST failures, errors and timeouts, and on any xpass', () => {
    const results = [
      result('m1', 'MUST', 'fail'),
      result('m2', 'MUST', 'error'),
      result('m3', 'MUST', 'xfail'),
      result('s1', 'SHOULD', 'fail'),
      result('y1', 'MAY', 'timeout'),
      result('i1', 'INFO', 'fail'),
      result('x1', 'SHOULD', 'xpass'),
    ];
    expect(gatingFailures(results, false)).to.deep.equal(['m1', 'm2', 'x1']);
    expect(gatingFailures(results, true)).to.deep.equal(['m1', 'm2', 's1', 'y1', 'x1']);
    expect(gatingFailures([result('p', 'MUST', 'pass'), result('k', 'MUST', 'skip')], true)).to.deep.equal([]);
  });

  it('writes expectations that make the failures expected', () => {
    // A known failure keeps its evidence (clauses, quote, source), as Dendrite's expectations have it.
    const evidence = {
      clauses: ['v1-filter-presence'],
      quote: '"not_types: A list of event types to exclude." (event_filter.yaml:32)',
      source: ['syncapi/streams/stream_presence.go:62-153'],
    };
    const prev = new Map([
      ['b', { expect: 'xfail' as const, reason: 'known', issue: 'https://example.org/1', ...evidence }],
      ['s', { expect: 'skip' as const, reason: 'slow' }],
    ]);
    const out = expectationsFromResults(
      [result('a', 'MUST', 'fail'), result('b', 'MUST', 'xfail'), result('c', 'MUST', 'pass'), result('s', 'MUST', 'skip')],
      prev,
    );
    expect(out.cases).to.deep.equal({
      a: { expect: 'xfail', reason: 'fail: fail!' },
      b: { expect: 'xfail', reason: 'known', issue: 'https://example.org/1', ...evidence },
      s: { expect: 'skip', reason: 'slow' },
    });
  });
});
