// The clause catalogue and the suites' bookkeeping: the catalogue is valid and its ids unique, every
// case names real clauses and at least one fault, and no server-scoped clause is left without a case.
import { expect } from 'chai';
import { loadSchemaRegistry } from '../../project/schemas.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import type { SuiteCase } from '../../runner/load/suite-types.js';
import { loadAllCases, readClauseCatalogue, type Clause } from './suite-catalogue.js';

// Server-scoped clauses no case can check, each with the reason (also in the clause's note).
const UNCOVERABLE: Record<string, string> = {};

describe('suites: clause catalogue', () => {
  const catalogue = readClauseCatalogue();
  let cases: SuiteCase[];
  before(async () => {
    cases = await loadAllCases();
  });

  it('matches schemas/clauses.schema.json', () => {
    expect(loadSchemaRegistry().validate('clauses', catalogue)).to.deep.equal([]);
  });

  it('rejects a clause without a level (the schema can fail)', () => {
    const broken = { ...catalogue, clauses: [{ ...catalogue.clauses[0], level: undefined }] };
    const violations = loadSchemaRegistry().validate('clauses', JSON.parse(JSON.stringify(broken)));
    expect(violations.map((v) => v.pointer)).to.include('/clauses/0/level');
  });

  it('has no duplicate clause ids', () => {
    const seen = new Set<string>();
    const duplicates = catalogue.clauses.map((c) => c.id).filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    expect(duplicates).to.deep.equal([]);
  });

  it('covers all five spec texts and the v1.19 presence endpoints', () => {
    const documents = new Set(catalogue.clauses.map((c) => c.source.document));
    for (const doc of [
      '1-current-presence-tail.md',
      '2-current-presence-module.md',
      '3-r0-presence-module.rst',
      '4-early-client-server-api.rst',
      '5-early-events.rst',
      'presence.yaml',
    ]) {
      expect(documents, doc).to.include(doc);
    }
  });

  it('every case names only clauses of the catalogue', () => {
    const ids = new Set(catalogue.clauses.map((c) => c.id));
    const unknown = cases.flatMap((c) => c.clauses.filter((id) => !ids.has(id)).map((id) => `${c.fullId}: ${id}`));
    expect(unknown).to.deep.equal([]);
  });

  it('no case checks an out-of-scope clause', () => {
    const outOfScope = new Set(catalogue.clauses.filter((c) => c.scope === 'out-of-scope').map((c) => c.id));
    const wrong = cases.flatMap((c) => c.clauses.filter((id) => outOfScope.has(id)).map((id) => `${c.fullId}: ${id}`));
    expect(wrong).to.deep.equal([]);
  });

  it('every server-scoped clause has a case (or a recorded reason why none can exist)', () => {
    const named = new Set(cases.flatMap((c) => c.clauses));
    const uncovered = catalogue.clauses.filter((c: Clause) => c.scope === 'server' && !named.has(c.id) && !(c.id in UNCOVERABLE)).map((c) => c.id);
    expect(uncovered).to.deep.equal([]);
    for (const id of Object.keys(UNCOVERABLE)) expect(named.has(id), `${id} is covered now; drop it from UNCOVERABLE`).to.equal(false);
  });
});

describe('suites: cases', () => {
  let cases: SuiteCase[];
  before(async () => {
    cases = await loadAllCases();
  });

  it('every case that can fail names at least one fault in catches; an INFO case names none', () => {
    expect(cases.filter((c) => c.level !== 'INFO' && c.catches.length === 0).map((c) => c.fullId)).to.deep.equal([]);
    expect(cases.filter((c) => c.level === 'INFO' && c.catches.length > 0).map((c) => c.fullId)).to.deep.equal([]);
  });

  it('every fault in catches is in mock-server/faults.ts', () => {
    const known = new Set<string>(FAULT_NAMES);
    const unknown = cases.flatMap((c) => c.catches.filter((f) => !known.has(f)).map((f) => `${c.fullId}: ${f}`));
    expect(unknown).to.deep.equal([]);
  });

  it('titles state what is, without "should"', () => {
    expect(cases.filter((c) => /\bshould\b/i.test(c.title)).map((c) => c.fullId)).to.deep.equal([]);
  });

  it('every case has a level and tags', () => {
    expect(cases.filter((c) => c.tags.length === 0).map((c) => c.fullId)).to.deep.equal([]);
  });
});
