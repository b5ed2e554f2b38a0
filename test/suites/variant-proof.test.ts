// The proof that the suites pass every server that follows the spec texts, beside the fault proof
// (which shows that every case can fail): with each of the mock's variants alone (a behaviour the texts
// allow, other than Synapse's), no case fails at MUST, and a case fails at SHOULD only when the variant
// is declared to take the freedom of one of its clauses (`takes` in mock-server/variants.ts); MAY and
// INFO are never failures of the proof. Each personality (a Dendrite-like and a conduwuit-like mock,
// with their real deviations as faults) matches its expectations file exactly: every case that does not
// pass is an expected failure, and nothing passes unexpectedly.
import { expect } from 'chai';
import { runProofWorker } from './proof-worker.js';
import type { VariantCaseOutcome, VariantProofResult } from './variant-proof-worker.js';
import { VARIANT_NAMES } from '../../mock-server/variants.js';
import { appliesTo } from './variant-dialects.js';
import { DIALECT_PROFILES, SPEC_VERSION_OF } from './suite-catalogue.js';

const LIMIT_MS = 420_000;

function describeCase(c: VariantCaseOutcome): string {
  return `${c.id}: ${c.outcome}${c.failure_level ? ` at ${c.failure_level}` : ''}${c.message ? ` (${c.message})` : ''}`;
}

describe('suites: variant proof (no false reds)', function () {
  this.timeout(LIMIT_MS + 10_000);
  let result: VariantProofResult;

  before(async () => {
    result = await runProofWorker<VariantProofResult>('variant-proof-worker.ts', 'variant proof', LIMIT_MS);
  });

  it("ran every variant of the catalogue against each dialect's mock", () => {
    const expected = VARIANT_NAMES.flatMap((v) => DIALECT_PROFILES.filter((p) => appliesTo(v, { spec_version: SPEC_VERSION_OF[p]! })).map((p) => `${v}@${p}`));
    expect(Object.keys(result.variants).sort()).to.deep.equal(expected.sort());
    expect(expected.length).to.be.greaterThan(VARIANT_NAMES.length * 2);
  });

  it('with each variant alone, no case fails at MUST (nor errors or times out at MUST)', () => {
    const red = Object.entries(result.variants).flatMap(([v, r]) =>
      r.not_passed.filter((c) => c.failure_level === 'MUST').map((c) => `${v} -> ${describeCase(c)}`),
    );
    expect(red).to.deep.equal([]);
  });

  it('a case fails at SHOULD only under a variant that takes the freedom of one of its clauses', () => {
    const red = Object.entries(result.variants).flatMap(([v, r]) =>
      r.not_passed.filter((c) => c.failure_level === 'SHOULD' && !c.clauses.some((id) => r.takes.includes(id))).map((c) => `${v} -> ${describeCase(c)}`),
    );
    expect(red).to.deep.equal([]);
  });

  it('each personality matches its expectations file exactly (no unexpected failure, no xpass)', () => {
    for (const [name, r] of Object.entries(result.personalities)) {
      expect(r.not_as_expected.map(describeCase), name).to.deep.equal([]);
      expect(r.exit_code, name).to.equal(0);
    }
    expect(Object.keys(result.personalities)).to.have.length(3);
  });
});
