// The proof that the suites test something: every case fails against a mock with a fault it claims to
// catch, and the whole suite passes with --strict against the mock without faults.
//
// What counts as "fails": at least one of the case's checks failed, i.e. outcome `fail`, or `error`
// after a failed check (e.g. a 429 expected, a 200 got, and the capture of retry_after_ms that follows
// cannot happen). An `error` or `timeout` with no failed check does not count: the fault broke the
// case's machinery (provisioning, transport) before the case could judge the behaviour it is about.
//
// A case that escapes its fault while sixteen faulty mocks share the machine is run once more alone
// (fault-proof-worker.ts); only a failure then counts, and the outcome is marked rerun_alone.
//
// The runs happen in a child process (fault-proof-worker.ts) with a hard time limit, so a mock that
// blocks its event loop fails this test instead of hanging mocha.
import { expect } from 'chai';
import { runProofWorker } from './proof-worker.js';
import type { CaseOutcome, FaultProofResult } from './fault-proof-worker.js';
import { DIALECT_PROFILES } from './suite-catalogue.js';

const LIMIT_MS = 300_000;

function caught(c: CaseOutcome): boolean {
  return c.failed_checks > 0 && (c.outcome === 'fail' || c.outcome === 'error');
}

function describeCase(c: CaseOutcome): string {
  return `${c.id}: ${c.outcome}${c.message ? ` (${c.message})` : ''}`;
}

describe('suites: fault proof (every suite against the embedded mock)', function () {
  this.timeout(LIMIT_MS + 10_000);
  let result: FaultProofResult;

  before(async () => {
    result = await runProofWorker<FaultProofResult>('fault-proof-worker.ts', 'fault proof', LIMIT_MS);
  });

  it("the whole suite passes with --strict against each dialect's mock without faults", () => {
    expect(Object.keys(result.baseline)).to.deep.equal(DIALECT_PROFILES);
    for (const [profile, baseline] of Object.entries(result.baseline)) {
      const notPassed = baseline.cases.filter((c) => c.outcome !== 'pass').map(describeCase);
      expect(notPassed, profile).to.deep.equal([]);
      expect(baseline.exit_code, profile).to.equal(0);
    }
  });

  it('every case fails against each fault it claims to catch', () => {
    const escaped: string[] = [];
    for (const [fault, { cases }] of Object.entries(result.faults)) {
      expect(cases.length, `${fault}: no case ran`).to.be.greaterThan(0);
      for (const c of cases) if (!caught(c)) escaped.push(`${fault} -> ${describeCase(c)}`);
    }
    expect(escaped).to.deep.equal([]);
  });

  it('every fault a case claims is implemented by the mock', () => {
    expect(Object.keys(result.missing)).to.deep.equal([]);
  });

  it('every case that can fail (not INFO) is proven by at least one implemented fault, in each dialect it runs in', function () {
    const proven = new Set(Object.entries(result.faults).flatMap(([key, f]) => f.cases.filter(caught).map((c) => `${c.id}@${key.split('@')[1]}`)));
    const unproven = Object.entries(result.baseline)
      .flatMap(([profile, b]) => b.cases.filter((c) => c.level !== 'INFO').map((c) => `${c.id}@${profile}`))
      .filter((id) => !proven.has(id));
    expect(unproven, `cases no fault makes fail: ${unproven.join(', ')}`).to.deep.equal([]);
  });
});
