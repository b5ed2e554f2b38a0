// The soak (scripts/soak/run-soak.ts), short: a few hundred long-polling watchers in a client of
// their own and a stream of presence changes from many users, against the mock in its own process.
// Nothing lost, nothing failed but rate-limited PUTs, memory back near its baseline. No timing is
// asserted. `npm run soak` is the long version (thousands of watchers; docs/benchmarks.md).
import { expect } from 'chai';
import { DEFAULT_SOAK, heapReturned, runSoak, type SoakOptions } from '../../scripts/soak/run-soak.js';

const SHORT: SoakOptions = {
  ...DEFAULT_SOAK,
  watchers: 300,
  changers: 6,
  rooms: 3,
  durationMs: 2_000,
  changesPerSecond: 30,
  longPollMs: 1_000,
  changerConnections: 6,
  // Each changer has a connection of its own and sends several PUTs in the 2 s: with a bucket of one
  // that drains every 2 s, some are refused however slow the machine is.
  rateLimit: { per_second: 0.5, burst: 1 },
};

describe('soak (short)', function () {
  this.timeout(90_000);

  it('loses no update, fails no request but rate-limited ones, and returns to its memory baseline', async () => {
    const r = await runSoak(SHORT);
    expect(r.failures, r.failures.join('\n')).to.deep.equal([]);
    expect(r.lostUpdates).to.equal(0);
    expect(r.serverDisagrees).to.equal(0);
    expect(r.puts.failed).to.equal(0);
    expect(r.syncs.failed).to.equal(0);
    // The run did what it says: changes were accepted, some refused by the limit, and delivered.
    expect(r.puts.ok).to.be.greaterThan(0);
    expect(r.puts.rateLimited).to.be.greaterThan(0);
    expect(r.syncs.presenceEvents).to.be.greaterThan(0);
    expect(heapReturned(r), JSON.stringify(r.heapMiB)).to.equal(true);
  });

  it('counts lost updates when the server drops them (the no-sync-delivery fault)', async () => {
    const r = await runSoak({ ...SHORT, watchers: 60, durationMs: 500, faults: ['no-sync-delivery'] });
    expect(r.puts.ok).to.be.greaterThan(0);
    expect(r.lostUpdates).to.be.greaterThan(0);
  });
});
