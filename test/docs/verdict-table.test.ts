// The per-clause verdicts of docs/results.md (scripts/reports/verdict-table.ts).
import { expect } from 'chai';
import { verdictOf, verdictTable } from '../../scripts/reports/verdict-table.js';
import type { SpecVersion } from '../../project/spec-versions.js';

const pass = (id: string) => ({ id, clauses: ['c'], outcome: 'pass' });
const xfail = (id: string, reason: string) => ({ id, clauses: ['c'], outcome: 'xfail', expectation: { reason } });

describe('synapse verdict table', () => {
  it('a clause whose cases all pass conforms', () => {
    expect(verdictOf([pass('a#x'), pass('a#y')])).to.equal('conforms');
  });

  it('an expected DEVIATION or a failure makes the clause deviate, naming the passing rest', () => {
    expect(verdictOf([xfail('a#x', 'DEVIATION r0: no'), pass('a#y')])).to.equal('**deviates**: a#x (its 1 other case passes)');
    expect(verdictOf([{ id: 'a#z', clauses: ['c'], outcome: 'fail' }])).to.equal('**deviates**: a#z');
  });

  it("an expected CASE failure is the case's fault, not the server's", () => {
    expect(verdictOf([pass('a#y'), xfail('a#x', 'CASE waits too little')])).to.equal('conforms; case issue: a#x');
  });

  it('skipped-only and case-less clauses say so', () => {
    expect(verdictOf([{ id: 'a#x', clauses: ['c'], outcome: 'skip', message: 'not claimed' }])).to.equal('not tested (not claimed)');
    expect(verdictOf([])).to.equal('no case');
  });

  it('a column per report; a clause binds a target of its own text or one whose cases name it', () => {
    const clause = (id: string, spec: SpecVersion) => ({ id, level: 'MUST', scope: 'server', spec });
    const v1 = {
      target: { name: 'hs', spec_version: 'v1.19' },
      cases: [
        { id: 'a#shared', clauses: ['v1-shared'], outcome: 'pass' },
        { id: 'a#r0', clauses: ['r0-only'], outcome: 'skip', message: 'applies to spec r0; the target implements v1.19' },
      ],
    };
    const r0 = {
      target: { name: 'hs-r0', spec_version: 'r0' },
      cases: [
        { id: 'a#shared', clauses: ['v1-shared'], outcome: 'fail' },
        { id: 'a#r0', clauses: ['r0-only'], outcome: 'xfail', expectation: { reason: 'DEVIATION r0-only' } },
      ],
    };
    const table = verdictTable([v1, r0], [clause('v1-shared', 'v1.19'), clause('r0-only', 'r0'), clause('early-only', 'early')]).split('\n');
    expect(table[0]).to.equal('| clause | level | hs (v1.19): cases passed, verdict | hs-r0 (r0): cases passed, verdict |');
    expect(table.slice(2)).to.deep.equal([
      '| `v1-shared` | MUST | 1/1: conforms | 0/1: **deviates**: a#shared |',
      '| `r0-only` | MUST | - | 0/1: **deviates**: a#r0 |',
    ]);
  });
});
