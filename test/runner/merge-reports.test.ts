// Merging shard reports on small hand-made reports: the verdict rules, the coverage, the refusals and the
// order of cases (test/cli/report-command.test.ts compares a merge with a real unsharded run).
import { expect } from 'chai';
import type { Report, RunCoverage } from '../../project/report.js';
import { mergeCoverage, mergeReports } from '../../runner/judge/merge-reports.js';
import { loadSchemaRegistry } from '../../project/schemas.js';
import { named, result, shard } from '../reporters/report-fixtures.js';

describe('report merge', () => {
  it("joins shards in plan order and recomputes the verdict by the run's rules", () => {
    const merged = mergeReports(
      named([
        shard('1/2', [result('a#x', 'pass', { position: 0 }), result('b#z', 'fail', { position: 3, level: 'SHOULD' })]),
        shard('2/2', [result('a#y', 'error', { position: 1 }), result('b#w', 'xpass', { position: 2, level: 'MAY' })], {
          started_at: '2026-01-01T00:00:01.000Z',
          finished_at: '2026-01-01T00:00:05.000Z',
        }),
      ]),
    );
    expect(merged.cases.map((c) => c.id)).to.deep.equal(['a#x', 'a#y', 'b#w', 'b#z']);
    expect(merged.summary).to.deep.equal({ total: 4, pass: 1, fail: 1, error: 1, skip: 0, xfail: 0, xpass: 1, timeout: 0, inconclusive: 0, blocked: 0 });
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

  it('a shard that was interrupted makes the merged verdict partial, naming the missing cases; exit 1 unless accepted', () => {
    const interrupted = shard('2/2', [result('a#y', 'interrupted', { position: 1 }), result('b#w', 'not_run', { position: 2 })], {
      exit_code: 130,
      partial: { reason: 'interrupted', signal: 'SIGTERM', accepted: false, missing: ['a#y', 'b#w'] },
    });
    const shards = named([shard('1/2', [result('a#x', 'pass', { position: 0 })]), interrupted]);
    const merged = mergeReports(shards);
    expect(merged.partial).to.deep.equal({ reason: 'interrupted', signal: 'SIGTERM', accepted: false, missing: ['a#y', 'b#w'], shards: ['2/2'] });
    expect(merged.summary).to.deep.include({ pass: 1, interrupted: 1, not_run: 1 });
    expect(merged.gating_failures).to.deep.equal([]);
    // A merge is no process a signal stopped: a partial verdict fails the gate (1), not 143.
    expect(merged.exit_code).to.equal(1);
    expect(merged.merged_from!.map((m) => m.exit_code)).to.deep.equal([0, 130]);
    expect(loadSchemaRegistry().validate('report', JSON.parse(JSON.stringify(merged)))).to.deep.equal([]);
    const accepted = mergeReports(shards, { allowPartial: true });
    expect(accepted.partial!.accepted).to.equal(true);
    expect(accepted.exit_code).to.equal(0);
  });

  it('shards out of time and accepted with --allow-partial merge into an accepted partial verdict', () => {
    const outOfTime = (name: string, id: string, position: number) =>
      shard(name, [result(id, 'not_run', { position })], { partial: { reason: 'max_time', max_time_ms: 60_000, accepted: true, missing: [id] } });
    const merged = mergeReports(named([outOfTime('1/2', 'a#x', 0), outOfTime('2/2', 'a#y', 1)]));
    expect(merged.partial).to.deep.equal({ reason: 'max_time', max_time_ms: 60_000, accepted: true, missing: ['a#x', 'a#y'], shards: ['1/2', '2/2'] });
    expect(merged.exit_code).to.equal(0);
  });

  it('orders reports without positions by file and line', () => {
    const merged = mergeReports(
      named([
        shard('1/2', [result('b#z', 'pass', { at: 'suites/b.yaml:9:5' })]),
        shard('2/2', [result('b#y', 'pass', { at: 'suites/b.yaml:3:5' }), result('a#x', 'pass', { at: 'suites/a.yaml:40:5' })]),
      ]),
    );
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
    expect(refusal([shard('1/2', [result('a#x', 'pass')]), shard('2/2', [result('a#x', 'pass')])])).to.equal(
      's2.json: case a#x is also in s1.json; shards of one run never share a case',
    );
    expect(refusal([shard(undefined, []), shard('2/2', [])])).to.match(/^s1\.json: not a shard report, but s2\.json is/);
    expect(refusal([])).to.match(/at least one report/);
  });
});

describe('report merge: coverage', () => {
  it("adds up cases and keeps a clause untested only when no shard tested it, with the shards' reasons", () => {
    const one: RunCoverage = {
      MUST: {
        cases_run: 3,
        cases_not_run: { capability: 1 },
        clauses_tested: 2,
        clauses_not_tested: [
          { id: 'a', why: 'no case in this run names it' },
          { id: 'b', why: 'capability not claimed: presence_list' },
          { id: 'c', why: 'no case in this run names it' },
        ],
      },
    };
    const two: RunCoverage = {
      MUST: {
        cases_run: 4,
        cases_not_run: { capability: 2, selection: 1 },
        clauses_tested: 3,
        clauses_not_tested: [
          { id: 'b', why: 'capability not claimed: free_for_chat' },
          { id: 'c', why: 'no case in this run names it' },
        ],
      },
      SHOULD: { cases_run: 1, cases_not_run: {}, clauses_tested: 1, clauses_not_tested: [] },
    };
    expect(mergeCoverage([one, two])).to.deep.equal({
      MUST: {
        cases_run: 7,
        cases_not_run: { capability: 3, selection: 1 },
        clauses_tested: 3,
        clauses_not_tested: [
          { id: 'b', why: 'capability not claimed: presence_list; capability not claimed: free_for_chat' },
          { id: 'c', why: 'no case in this run names it' },
        ],
      },
      SHOULD: { cases_run: 1, cases_not_run: {}, clauses_tested: 1, clauses_not_tested: [] },
    });
    expect(mergeCoverage([undefined, undefined])).to.equal(undefined);
    const merged: Report = mergeReports(named([shard('1/2', [], { coverage: one }), shard('2/2', [], { coverage: two })]));
    expect(merged.coverage!.MUST!.clauses_tested).to.equal(3);
  });
});

describe("report merge: the whole run's coverage", () => {
  const whole: RunCoverage = {
    MUST: { cases_run: 2, cases_not_run: {}, clauses_tested: 1, clauses_not_tested: [{ id: 'r0-x', why: 'not selected (--grep, --tag, --level)' }] },
  };

  it('takes the coverage every shard states for the whole run, not a join of their own', () => {
    const own: RunCoverage = { MUST: { cases_run: 1, cases_not_run: {}, clauses_tested: 1, clauses_not_tested: [] } };
    const merged = mergeReports(
      named([shard('1/2', [], { coverage: own, whole_run_coverage: whole }), shard('2/2', [], { coverage: own, whole_run_coverage: whole })]),
    );
    expect(merged.coverage).to.deep.equal(whole);
    expect(merged).to.not.have.property('whole_run_coverage');
  });

  it('refuses shards that state different whole runs', () => {
    const other: RunCoverage = { MUST: { ...whole.MUST!, cases_run: 3 } };
    expect(() => mergeReports(named([shard('1/2', [], { whole_run_coverage: whole }), shard('2/2', [], { whole_run_coverage: other })]))).to.throw(
      's2.json: states another coverage of the whole run than s1.json: not shards of one plan',
    );
  });
});
