// `bench --homeserver`: the method's own tests. Against the embedded mock on a port with its faults, a
// dropped delivery shows as lost and a delayed one in the percentiles; the client's CPU is reported; an
// address outside loopback is refused from the URL alone, before anything is sent anywhere.
import net from 'node:net';
import { expect } from 'chai';
import nock from 'nock';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import { BenchProvisioner, loadTargetProfile, type TargetProfile } from '../../runner/index.js';
import { benchCommand, benchTable, checkBenchAddress, type BenchCommandOptions } from '../../cli/bench.js';
import { benchHomeserver, DEFAULT_SETTINGS, type BenchReport, type BenchSettings } from '../../cli/bench/bench-run.js';
import { isLoopbackUrl } from '../../cli/bench/loopback.js';
import { exitCodeOf } from '../../cli/command.js';
import { join } from 'node:path';
import { targetsDir } from '../../project/paths.js';

/** A small, quick measurement: fan-out only, a few rounds, no warm-up. */
const QUICK: BenchSettings = { ...DEFAULT_SETTINGS, watchers: [10], rounds: 3, warmUpRounds: 0, settleMs: 300, throughput: false };

async function benchMock(config: object, profile: TargetProfile, settings: BenchSettings = QUICK): Promise<BenchReport> {
  const mock: RunningMockServer = await startMockServer({ config: { rate_limit: { enabled: false }, ...config } });
  const provisioner = new BenchProvisioner(mock.url, profile);
  try {
    return await benchHomeserver(settings, { provisioner, profile, tool: 'test' });
  } finally {
    provisioner.close();
    await mock.close();
  }
}

describe('bench --homeserver', function () {
  this.timeout(120_000);
  let profile: TargetProfile;

  before(async () => {
    const mock = await loadTargetProfile(join(targetsDir, 'mock.yaml'));
    // A lost change is counted once its delivery deadline has passed: short here, so the test is quick.
    profile = { ...mock, timers: { ...mock.timers, delivery_deadline: 1_500 } };
  });

  it('measures a correct mock with nothing lost, and reports the client CPU beside the figure', async () => {
    const r = await benchMock({}, profile);
    expect(r.error).to.equal(undefined);
    const f = r.fanOut[0]!.server;
    expect(f.rounds).to.equal(3);
    expect(f.deliveries).to.equal(30);
    expect(f.lost).to.equal(0);
    expect(f.clientCpuShare).to.be.a('number').that.is.greaterThan(0).and.lessThan(4);
    expect(benchTable(r)).to.match(/one change to 10 watchers: p50 \/ p99 \/ max \(3 rounds\) \| [\d.]+ \/ [\d.]+ \/ [\d.]+ ms, 0 lost \| \d+%/);
  });

  it('shows a delivery the server drops (fault no-sync-delivery) as lost', async () => {
    const r = await benchMock({ faults: ['no-sync-delivery'] }, profile, { ...QUICK, rounds: 2 });
    const f = r.fanOut[0]!.server;
    expect(f.lost).to.be.greaterThan(0);
    expect(benchTable(r)).to.match(/, 20 lost in rounds 1 \(10\), 2 \(10\) of 2/);
    expect(f.lostByRound).to.deep.equal([10, 10]);
  });

  it('refuses a release whose server read the token from the query string alone, before asking it anything', async () => {
    const r0 = await loadTargetProfile(join(targetsDir, 'mock-r0.yaml'));
    expect(r0.release).to.equal('r0.0.0');
    expect(() => new BenchProvisioner('http://127.0.0.1:9', r0)).to.throw(/Authorization header, which r0\.0\.0 did not read \(it came in r0\.3\.0\)/);
  });

  it('shows a delivery the server delays by 300 ms (variant late-delivery) in the percentiles', async () => {
    const r = await benchMock({ variants: ['late-delivery'] }, profile);
    const f = r.fanOut[0]!.server;
    expect(f.lost).to.equal(0);
    expect(f.p50).to.be.at.least(250);
  });

  it('counts 429s under the profile rate limit, waits them out, and reports them', async () => {
    const mock: RunningMockServer = await startMockServer({ config: { rate_limit: { enabled: true, per_second: 1, burst: 1 } } });
    const provisioner = new BenchProvisioner(mock.url, profile);
    try {
      const r = await benchHomeserver(
        { ...DEFAULT_SETTINGS, watchers: [], throughput: true, connections: 2, throughputSeconds: 1, throughputRounds: 1 },
        { provisioner, profile, tool: 'test' },
      );
      const put = r.throughput.find((t) => t.method === 'PUT')!.server;
      expect(put.rateLimited).to.be.greaterThan(0);
      // Waited out: two users at 1/s for about a second each, not thousands of refused requests.
      expect(put.rateLimited).to.be.lessThan(50);
      expect(r.throughput.find((t) => t.method === 'GET')!.server.ok).to.be.greaterThan(0);
    } finally {
      provisioner.close();
      await mock.close();
    }
  });
});

describe('bench: loopback only', () => {
  it('tells loopback addresses from the URL alone', () => {
    for (const url of ['http://127.0.0.1:8008', 'http://127.3.2.1', 'http://localhost:8008', 'http://[::1]:8008', 'http://LOCALHOST'])
      expect(isLoopbackUrl(url), url).to.equal(true);
    for (const url of [
      'http://192.0.2.1:8008',
      'http://10.0.0.1',
      'http://0.0.0.0:8008',
      'http://128.0.0.1',
      'http://[::2]',
      'http://matrix.example.org',
      'http://localhost.example.org',
    ])
      expect(isLoopbackUrl(url), url).to.equal(false);
    expect(() => checkBenchAddress('http://192.0.2.1:8008', true)).not.to.throw();
  });

  it('refuses a server outside loopback without --allow-remote, and opens no socket to find out', async () => {
    const connects: unknown[] = [];
    const original = net.Socket.prototype.connect;
    nock.disableNetConnect();
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      connects.push(args[0]);
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof original;
    const stderr: string[] = [];
    try {
      for (const homeserver of ['http://192.0.2.1:8008', 'http://matrix.example.org']) {
        const opts: BenchCommandOptions = { ...DEFAULT_SETTINGS, homeserver, warmUp: 0, throughput: true, throughputSeconds: 1, throughputRounds: 1 };
        const code = await exitCodeOf(() => benchCommand(opts), 'bench: ', { stdout: () => undefined, stderr: (t) => stderr.push(t) });
        expect(code).to.equal(2);
      }
    } finally {
      net.Socket.prototype.connect = original;
      nock.enableNetConnect();
    }
    expect(connects).to.deep.equal([]);
    expect(stderr.join('')).to.match(/bench: http:\/\/192\.0\.2\.1:8008 is not a loopback address .*--allow-remote/);
    expect(stderr.join('')).to.match(/matrix\.example\.org is not a loopback address/);
  });
});
