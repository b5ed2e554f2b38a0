import { expect } from 'chai';
import { evaluateMatcher, evaluatePathMatchers, type MatchContext } from '../../runner/judge/matchers.js';
import { isFailure } from '../../project/report.js';
import { DEFAULT_TIMERS } from '../../runner/load/load-target.js';
import type { ValueMatcher } from '../../runner/load/suite-types.js';

const ctx: MatchContext = { timers: { ...DEFAULT_TIMERS, last_active_granularity: 400 }, level: 'MUST', render: (v) => v };
const at = 'suites/x.yaml:3:9';

function run(m: Omit<ValueMatcher, 'at'>, value: unknown, found = value !== undefined) {
  return evaluateMatcher({ ...m, at }, 'content.presence', found, value, ctx);
}

describe('matchers', () => {
  const cases: [string, Omit<ValueMatcher, 'at'>, unknown, unknown][] = [
    ['equals', { equals: 'online' }, 'online', 'offline'],
    ['equals (deep)', { equals: { a: [1] } }, { a: [1] }, { a: [1, 2] }],
    ['one_of', { one_of: ['', null] }, null, 'x'],
    ['type', { type: 'integer' }, 5, 5.5],
    ['type list', { type: ['string', 'null'] }, null, 1],
    ['matches', { matches: '^application/json' }, 'application/json; charset=utf-8', 'text/plain'],
    ['gt', { gt: 0 }, 1, 0],
    ['gte', { gte: 0 }, 0, -1],
    ['lt', { lt: '1s' }, 999, 1000],
    ['lte with a timer', { lte: 'last_active_granularity + 1s' }, 1400, 1401],
    ['present', { present: true }, null, undefined],
  ];
  for (const [name, matcher, good, bad] of cases) {
    it(`${name}: passes on ${JSON.stringify(good)} and fails on ${JSON.stringify(bad) ?? 'absence'}`, () => {
      expect(run(matcher, good).every((c) => c.passed)).to.equal(true);
      const failed = run(matcher, bad);
      expect(failed.some((c) => !c.passed)).to.equal(true);
      expect(failed.find((c) => !c.passed)!.message).to.match(/^suites\/x\.yaml:3:9: content\.presence: got .*, want /);
    });
  }

  it('absent passes only when the path is missing', () => {
    expect(run({ absent: true }, undefined, false)[0]!.passed).to.equal(true);
    expect(run({ absent: true }, null, true)[0]!.passed).to.equal(false);
  });

  it('optional passes when absent and applies its conditions when present', () => {
    expect(run({ optional: true, equals: 'offline' }, undefined, false).every((c) => c.passed)).to.equal(true);
    expect(run({ optional: true, equals: 'offline' }, 'online').every((c) => c.passed)).to.equal(false);
  });

  it('formats the failure as got/want with the location', () => {
    const [check] = run({ equals: 'unavailable' }, 'online');
    expect(check!.message).to.equal('suites/x.yaml:3:9: content.presence: got "online", want "unavailable"');
    expect(check).to.include({ path: 'content.presence', expected: '"unavailable"', actual: 'online', passed: false });
  });

  it('says where two strings part when got and want would not show it', () => {
    const [composed] = run({ equals: 'Cafe\u0301!' }, 'Caf\u00e9!');
    expect(composed!.message).to.equal(
      'suites/x.yaml:3:9: content.presence: got "Caf\u00e9!", want "Cafe\u0301!" (they part at code point 3: got U+00E9 U+0021, want U+0065 U+0301 U+0021; 5 code points, want 6)',
    );
    const long = 'x'.repeat(300);
    const [cut] = run({ equals: `${long} end😀` }, long);
    expect(cut!.expected).to.match(/\(they part at code point 300: got the end, want U\+0020 U\+0065 U\+006E U\+0064 \.\.\.; 300 code points, want 305\)$/);
    // A difference plain to see gets no note.
    expect(run({ equals: '  two' }, 'two')[0]!.expected).to.equal('"  two"');
  });

  it('fails a condition on a missing value instead of throwing', () => {
    const checks = run({ type: 'string', gte: 0, matches: 'x' }, undefined, false);
    expect(checks).to.have.length(3);
    expect(checks.every((c) => !c.passed && c.message.includes('got nothing'))).to.equal(true);
  });

  it('records INFO checks without making them failures', () => {
    const [check] = run({ equals: 'x', level: 'INFO' }, 'y');
    expect(check!.passed).to.equal(false);
    expect(isFailure(check!)).to.equal(false);
  });

  it('evaluates every matcher of a list on its own', () => {
    const checks = evaluatePathMatchers(
      [
        { path: 'a', equals: 1, at },
        { path: 'b', equals: 2, at },
        { path: 'c', type: 'string', at },
      ],
      { a: 0, b: 2 },
      'body',
      ctx,
    );
    expect(checks.map((c) => c.passed)).to.deep.equal([false, true, false]);
  });
});
