// Each release the proofs stand on, end to end as a user meets it: the reference mock serving that
// release alone on a port (mock --spec-version R), a profile written by profile init against it, and a
// --strict run with that profile that is green. Alongside, what each mock refuses that its release did
// not have, so that "green" cannot come from a mock that serves everything.
import { expect } from 'chai';
import { startMockServer } from '../../mock-server/index.js';
import type { MockSpecVersionName } from '../../mock-server/config.js';
import { sendRequest } from '../../runner/http/http-client.js';
import { probeServer } from '../../runner/probe/probe-server.js';
import { writeProfile } from '../../runner/probe/profile-writer.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { runSuites } from '../../runner/run-suites.js';

/** Short timers, so that profile init measures them in seconds and the run waits little. */
const TIMERS = { idle_timeout: 2500, sync_online_timeout: 5000, last_active_granularity: 1200 };

interface Outcome {
  release: string;
  written: string;
  /** The presence_list_path line profile init wrote, if any. */
  listPath?: string;
  /** How many presence-list cases passed. */
  listCasesPassed: number;
  exitCode: number;
  counts: string;
  notGreen: string[];
}

async function endToEnd(specVersion: MockSpecVersionName, listPath: 'per_user' | 'own' = 'per_user'): Promise<Outcome> {
  const mock = await startMockServer({
    config: { spec_version: specVersion, presence: TIMERS, rate_limit: { enabled: false }, legacy: { presence_list_path: listPath } },
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const report = await probeServer({ homeserver: mock.url, measureTimers: true, maxWaitMs: 8_000 });
    const { text } = writeProfile(report);
    const run = await runSuites({ target: parseTargetProfile(text), homeserver: mock.url, strict: true, expectations: false });
    const count = (outcome: string) => run.cases.filter((c) => c.outcome === outcome).length;
    return {
      release: report.release,
      written: /^spec_version: (.+)$/m.exec(text)?.[1] ?? '(none)',
      listPath: /^presence_list_path: (\S+)/m.exec(text)?.[1],
      listCasesPassed: run.cases.filter((c) => c.id.startsWith('legacy#presence-list-') && c.outcome === 'pass').length,
      exitCode: run.exit_code,
      counts: `${count('pass')} pass, ${count('skip')} skip`,
      notGreen: run.cases.filter((c) => !['pass', 'skip'].includes(c.outcome)).map((c) => `${c.id}: ${c.outcome} ${c.message ?? ''}`),
    };
  } finally {
    await mock.close();
  }
}

describe('each release end to end: mock --spec-version R, profile init, run --strict', function () {
  this.timeout(180_000);
  // The five releases the fault and variant proofs run on, given as a user would name them.
  const releases: [name: MockSpecVersionName, release: string][] = [
    ['r0.0.0', 'r0.0.0'],
    ['r0.6.1', 'r0.6.1'],
    ['v1.19', 'v1.19'],
    ['next', 'v1.20'],
    ['early', 'early'],
  ];
  let outcomes: Map<string, Outcome>;
  let ownList: Outcome;

  before(async () => {
    const [own, ...each] = await Promise.all([endToEnd('early', 'own'), ...releases.map(([name]) => endToEnd(name))]);
    ownList = own!;
    outcomes = new Map(each.map((o, i) => [releases[i]![0], o]));
  });

  for (const [name, release] of releases) {
    it(`${name}: profile init finds ${release}, and the strict run with its profile is green`, () => {
      const o = outcomes.get(name)!;
      expect(o.release).to.equal(release);
      expect(o.written).to.equal(release);
      expect(o.notGreen, o.counts).to.deep.equal([]);
      expect(o.exitCode).to.equal(0);
      // Something ran: a profile that claims nothing would be green by skipping everything.
      expect(Number(o.counts.split(' ')[0])).to.be.greaterThan(60);
    });
  }

  it('the presence list where the early API and r0.0.0 served it, and where the early prose puts it: profile init finds each, and its cases pass', () => {
    expect([outcomes.get('early')!.listPath, outcomes.get('r0.0.0')!.listPath, outcomes.get('r0.6.1')!.listPath]).to.deep.equal([
      'per_user',
      'per_user',
      undefined,
    ]);
    expect([outcomes.get('early')!.listCasesPassed, outcomes.get('r0.0.0')!.listCasesPassed]).to.deep.equal([2, 2]);
    expect(ownList.listPath).to.equal('own');
    expect(ownList.notGreen, ownList.counts).to.deep.equal([]);
    expect(ownList.listCasesPassed).to.equal(2);
  });
});

describe('each release refuses what it did not have', () => {
  async function withRelease<T>(specVersion: MockSpecVersionName, fn: (url: string, token: string, userId: string) => Promise<T>): Promise<T> {
    const mock = await startMockServer({
      config: { spec_version: specVersion, registration: { users: [{ localpart: 'alice', access_token: 'alice-token' }] } },
      host: '127.0.0.1',
      port: 0,
    });
    try {
      return await fn(mock.url, 'alice-token', '@alice:localhost');
    } finally {
      await mock.close();
    }
  }
  const get = (url: string, headers: Record<string, string> = {}) => sendRequest({ method: 'GET', url, headers }, 5_000);

  it('r0.0.0: no /versions, no header token, only the query string', async () => {
    await withRelease('r0.0.0', async (url, token, me) => {
      const status = `${url}/_matrix/client/r0/presence/${encodeURIComponent(me)}/status`;
      expect((await get(`${url}/_matrix/client/versions`)).status).to.equal(404);
      expect((await get(status, { authorization: `Bearer ${token}` })).status).to.equal(401);
      expect((await get(`${status}?access_token=${token}`)).status).to.not.equal(401);
      expect((await get(`${url}/_matrix/client/v3/presence/${encodeURIComponent(me)}/status?access_token=${token}`)).status).to.equal(404);
    });
  });

  it('a run without a profile finds the release as profile init does, /versions or not', async () => {
    for (const [specVersion, release] of [
      ['r0.0.0', 'r0.0.0'],
      ['early', 'early'],
      ['r0.4.0', 'r0.4.0'],
    ] as const) {
      const mock = await startMockServer({ config: { spec_version: specVersion }, host: '127.0.0.1', port: 0 });
      try {
        const run = await runSuites({ homeserver: mock.url, expectations: false, grep: /^status#round-trip-online / });
        expect([run.target.release, run.exit_code], specVersion).to.deep.equal([release, 0]);
        expect(run.cases.find((c) => c.id === 'status#round-trip-online')?.outcome, specVersion).to.equal('pass');
      } finally {
        await mock.close();
      }
    }
  });

  it('next (v1.20): the query-string token is no longer read', async () => {
    await withRelease('next', async (url, token, me) => {
      const status = `${url}/_matrix/client/v3/presence/${encodeURIComponent(me)}/status`;
      expect((await get(`${status}?access_token=${token}`)).status).to.equal(401);
      expect((await get(status, { authorization: `Bearer ${token}` })).status).to.not.equal(401);
      expect(((await get(`${url}/_matrix/client/versions`)).json as { versions: string[] }).versions).to.include('v1.20');
    });
  });

  it('early: only the early prefix, and the presence list at /presence/list/{userId}', async () => {
    await withRelease('early', async (url, token, me) => {
      expect((await get(`${url}/_matrix/client/versions`)).status).to.equal(404);
      expect((await get(`${url}/_matrix/client/r0/presence/${encodeURIComponent(me)}/status?access_token=${token}`)).status).to.equal(404);
      expect((await get(`${url}/_matrix/client/api/v1/presence/list/${encodeURIComponent(me)}?access_token=${token}`)).status).to.equal(200);
      expect((await get(`${url}/_matrix/client/api/v1/presence/list?access_token=${token}`)).status).to.equal(404);
    });
  });
});
