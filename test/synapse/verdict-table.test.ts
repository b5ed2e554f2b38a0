// The per-clause verdicts of docs/synapse.md (scripts/synapse/verdict-table.ts).
import { expect } from 'chai';
import { verdictOf } from '../../scripts/synapse/verdict-table.js';

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

  it('an expected CASE failure is the case\'s fault, not the server\'s', () => {
    expect(verdictOf([pass('a#y'), xfail('a#x', 'CASE waits too little')])).to.equal('conforms; case issue: a#x');
  });

  it('skipped-only and case-less clauses say so', () => {
    expect(verdictOf([{ id: 'a#x', clauses: ['c'], outcome: 'skip', message: 'not claimed' }])).to.equal('not tested (not claimed)');
    expect(verdictOf([])).to.equal('no case');
  });
});
