// Verdicts that name their cause, on the bundled suites: a server configured with shorter timers than the
// generic profile says gets no failure (what its timers break ends inconclusive, naming the value to
// set), and one defect that many cases read through (conduwuit's 404 to a user's read of their own
// presence outside a room) is one root cause, failed by the case that tests it and blocking the rest,
// and counted once by the clause verdicts.
import { expect } from 'chai';
import { join } from 'node:path';
import { runSuites } from '../../runner/index.js';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import { clauseRows } from '../../project/clause-verdict.js';
import { targetsDir } from '../../project/paths.js';

describe('suites: verdicts that name their cause', function () {
  this.timeout(60_000);

  describe('a server with short timers, run without a profile', () => {
    let mock: RunningMockServer;
    before(async () => {
      // As CI set-ups often configure a server: the generic profile's 30 s sync-online timeout is 5 s here.
      mock = await startMockServer({
        config: { rate_limit: { enabled: false }, presence: { idle_timeout: 2500, sync_online_timeout: 5000, last_active_granularity: 1200 } },
        host: '127.0.0.1',
        port: 0,
      });
    });
    after(() => mock.close());

    it('has no failing case; each premise it breaks ends inconclusive and names the profile timer to set', async () => {
      const report = await runSuites({ homeserver: mock.url, expectations: false });
      const failed = report.cases.filter((c) => ['fail', 'error', 'timeout'].includes(c.outcome)).map((c) => `${c.id}: ${c.message}`);
      expect(failed).to.deep.equal([]);
      expect(report.exit_code).to.equal(0);
      const inconclusive = report.cases.filter((c) => c.outcome === 'inconclusive');
      expect(inconclusive.map((c) => c.id)).to.include('last-active#event-last-active-current');
      for (const c of inconclusive) expect(c.premise?.change, c.id).to.match(/^(idle_timeout|sync_online_timeout|last_active_granularity): the profile says /);
      expect(report.summary.inconclusive).to.equal(inconclusive.length);
    });
  });

  describe('the conduwuit-like personality, without its expectations', () => {
    it('shows its own-presence 404 as one root cause: the direct case fails, the cases that read through it are blocked', async () => {
      const report = await runSuites({ target: join(targetsDir, 'conduwuit-like.yaml'), expectations: false });
      const cause = report.causes!.find((c) => c.summary === 'GET {api}/presence/{me}/status: status: got 404, want 200');
      expect(cause, JSON.stringify(report.causes?.map((c) => c.summary))).to.not.equal(undefined);
      expect(cause!.id).to.equal('c1');
      expect(cause!.cases.filter((c) => c.outcome === 'fail').map((c) => c.id)).to.deep.equal(['status#round-trip-online']);
      const blocked = cause!.cases.filter((c) => c.outcome === 'blocked').map((c) => c.id);
      expect(blocked.length).to.be.greaterThan(10);
      for (const id of blocked) expect(report.cases.find((c) => c.id === id)!.blocked_by?.tested_by).to.equal('status#round-trip-online');
      // The clause verdicts count the defect once: no blocked case makes a clause deviate.
      for (const row of clauseRows(report)) for (const id of row.verdict.deviating) expect(blocked, `${row.clause.id} <- ${id}`).to.not.include(id);
      expect(clauseRows(report).find((r) => r.clause.id === 'v1-get-returns-state')!.verdict.deviating).to.include('status#round-trip-online');
    });
  });
});
