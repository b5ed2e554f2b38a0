// sync_until with a `trigger` and `within`: a request sent while the watcher's long-poll waits, and a
// bound on how long after it the matching event arrives. Against a fake that long-polls for real (it
// wakes its waiting /sync on a presence PUT, or, in "late" mode, answers only at the timeout like the
// mock's long-poll-not-woken fault), and against the embedded mock with and without that fault.
import type { ServerResponse } from 'node:http';
import { expect } from 'chai';
import { runSuites } from '../../runner/index.js';
import { caseTimeoutMs } from '../../runner/plan/time-limit.js';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { ConfigError } from '../../project/errors.js';
import type { CaseResult } from '../../project/report.js';
import { json, startFakeHomeserver, type FakeHomeserver, type SeenRequest } from './fake-homeserver.js';

const PROFILE = `name: fake
registration: { method: dummy }
timers: { request_timeout: 1000, sync_poll_timeout: 50, delivery_deadline: 1000 }
`;

function suiteText(steps: string): string {
  return `title: Trigger
area: trigger
cases:
  - id: c
    title: A change wakes the long-poll
    level: MUST
    clauses: [x]
    actors: [alice, bob]
    steps:
${steps}`;
}

/** poll 400 ms, trigger after 30 ms, event within 100 ms (400 >= 30 + 2 x 100). */
const WATCH = (extra = '', within = '100ms') => `      - sync_until:
          as: bob
          sender: "{alice.user_id}"
          poll_timeout: "sync_poll_timeout * 8"
          trigger:
            after: 30ms
            request:
              as: alice
              method: PUT
              path: /_matrix/client/v3/presence/{alice.user_id}/status
              body: { presence: online, status_msg: "wake up" }
            expect: { status: 200 }
          within: ${within}
          match: [ { path: content.status_msg, equals: "wake up" } ]
${extra}`;

async function runOne(url: string, steps: string, profile = PROFILE): Promise<CaseResult> {
  const report = await runSuites({
    suites: [parseSuiteText(suiteText(steps), 'test/trigger.yaml')],
    target: parseTargetProfile(profile),
    homeserver: url,
    expectations: false,
    firstContact: false,
  });
  expect(report.cases).to.have.length(1);
  return report.cases[0]!;
}

interface LongPoll {
  /** For each presence PUT: how many /sync requests were waiting when it arrived. */
  waitingAtPut: number[];
  syncs: SeenRequest[];
}

/**
 * Makes the fake's /sync a real long-poll: with a since token and a timeout it waits until a presence
 * PUT (when `wake`) or the timeout. A PUT queues an m.presence event from the user in the path.
 */
function longPolling(fake: FakeHomeserver, wake: boolean, putStatus = 200): LongPoll {
  const waiting = new Set<() => void>();
  const state: LongPoll = { waitingAtPut: [], syncs: [] };
  let batch = 0;
  fake.override((req, res: ServerResponse) => {
    if (req.path === '/_matrix/client/v3/sync') {
      state.syncs.push(req);
      const answer = () => json(res, 200, { next_batch: `lp${++batch}`, presence: { events: fake.presenceQueue.splice(0) } });
      const timeout = Number(req.query.get('timeout') ?? 0);
      if (!req.query.get('since') || timeout === 0 || fake.presenceQueue.length > 0) return answer();
      const finish = () => {
        clearTimeout(timer);
        waiting.delete(finish);
        answer();
      };
      const timer = setTimeout(finish, timeout);
      waiting.add(finish);
      return true;
    }
    const put = /^\/_matrix\/client\/v3\/presence\/(.+)\/status$/.exec(req.path);
    if (put && req.method === 'PUT') {
      state.waitingAtPut.push(waiting.size);
      if (putStatus !== 200) return json(res, putStatus, { errcode: 'M_UNKNOWN', error: 'broken' });
      fake.presenceQueue.push({ type: 'm.presence', sender: put[1], content: JSON.parse(req.body) as unknown });
      if (wake) for (const finish of [...waiting]) finish();
      return json(res, 200, {});
    }
    return false;
  });
  return state;
}

describe('sync_until trigger and within', () => {
  let fake: FakeHomeserver;
  beforeEach(async () => {
    fake = await startFakeHomeserver();
  });
  afterEach(() => fake.close());

  it('passes on a server whose long-poll wakes, with the measured delay as a check', async () => {
    const lp = longPolling(fake, true);
    const r = await runOne(fake.url, WATCH());
    expect(r.outcome, r.message).to.equal('pass');
    // The trigger went out while bob's long-poll (timeout = poll_timeout) was waiting on the server.
    expect(lp.waitingAtPut).to.deep.equal([1]);
    expect(lp.syncs.map((s) => s.query.get('timeout'))).to.deep.equal(['0', '400']);
    const delay = r.checks.find((c) => c.path.endsWith('delay after the trigger'))!;
    expect(delay.passed).to.equal(true);
    expect(delay.at).to.equal('test/trigger.yaml:22:11');
    expect(delay.expected).to.equal('at most 100ms after the trigger');
    expect(delay.actual).to.be.a('number').within(0, 100);
    expect(delay.message).to.match(/^test\/trigger\.yaml:22:11: presence of @\S+ seen by bob: arrived \d+ms after the trigger, within 100ms$/);
    // The trigger's own expect is one of the step's checks.
    expect(r.checks.find((c) => c.path === 'status')!.passed).to.equal(true);
  });

  it('fails when the event arrives only at the poll timeout, saying the change did not wake it', async () => {
    longPolling(fake, false);
    const r = await runOne(fake.url, WATCH());
    expect(r.outcome).to.equal('fail');
    const delay = r.checks.find((c) => !c.passed)!;
    expect(delay.actual).to.be.a('number').greaterThan(300);
    expect(r.failed_at).to.deep.equal(['test/trigger.yaml:22:11']);
    expect(r.message).to.match(
      /^test\/trigger\.yaml:22:11: presence of @\S+ seen by bob: arrived \d+ms after the trigger, want within 100ms; the \/sync that delivered it had been waiting \d+ms when the trigger was sent and answered after \d+ms \(its timeout: 400ms\), so the change did not wake it$/,
    );
  });

  it('does not count events delivered before the trigger (the catch-up poll takes them)', async () => {
    const lp = longPolling(fake, true);
    // Already pending and matching, but not the trigger's doing.
    fake.presenceQueue.push({ type: 'm.presence', sender: '@x:fake', content: { presence: 'online', status_msg: 'wake up' } });
    const steps = `${WATCH().replace('          sender: "{alice.user_id}"\n', '')}          capture: { who: sender }
      - request: { method: GET, path: "/after/{captured.who}" }
`;
    const r = await runOne(fake.url, steps);
    expect(r.outcome, r.message).to.equal('pass');
    expect(fake.seen.at(-1)!.path).to.match(/^\/after\/@mpc-\S+-alice:fake$/);
    // The catch-up poll (timeout 0) took the pending event, so the long-poll was waiting for the trigger.
    expect(lp.syncs.map((s) => s.query.get('timeout'))).to.deep.equal(['0', '400']);
    expect(lp.waitingAtPut).to.deep.equal([1]);
  });

  it('fails the step when the trigger is refused, without waiting for the whole deadline', async () => {
    const lp = longPolling(fake, true, 500);
    const r = await runOne(fake.url, WATCH());
    expect(r.outcome).to.equal('fail');
    expect(r.checks.find((c) => c.path === 'status')).to.include({ passed: false, actual: 500 });
    // The long-poll in flight ends at its timeout (400 ms) and no other follows: the 1 s deadline is
    // not waited out.
    expect(lp.syncs.map((s) => s.query.get('timeout'))).to.deep.equal(['0', '400']);
  });

  it('is an error when the poll timeout could not tell a woken poll from a late one', async () => {
    longPolling(fake, false);
    const r = await runOne(fake.url, WATCH('', '200ms'));
    expect(r.outcome).to.equal('error');
    expect(r.message).to.equal(
      'test/trigger.yaml:10:9: poll_timeout 400ms is too short to tell a woken long-poll from one answered at its timeout: want at least after + 2 × within = 430ms',
    );
  });

  it('absent with a trigger: no matching event may follow the trigger', async () => {
    longPolling(fake, true);
    const steps = WATCH().replace(/ {10}within: .*\n/, '          absent: true\n          deadline: 100ms\n');
    const r = await runOne(fake.url, steps);
    expect(r.outcome).to.equal('fail');
    expect(r.message).to.match(/got a matching event after \d+ms after the trigger, want none within 100ms/);
  });
});

describe('sync_until trigger: loading', () => {
  const load = (steps: string) => parseSuiteText(suiteText(steps), 'suites/t.yaml');
  const refused = (steps: string): string => {
    try {
      load(steps);
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected the suite to be refused');
  };

  it('keeps the trigger as a request step with its places', () => {
    const step = load(WATCH()).cases[0]!.steps[0]!;
    expect(step.kind).to.equal('sync_until');
    if (step.kind !== 'sync_until') return;
    expect(step.trigger!.after).to.equal('30ms');
    expect(step.trigger!.at).to.equal('suites/t.yaml:14:11');
    expect(step.trigger!.step.request.method).to.equal('PUT');
    expect(step.trigger!.step.expect!.statusAt).to.equal('suites/t.yaml:21:23');
    expect(step.poll_timeout).to.equal('sync_poll_timeout * 8');
  });

  it('refuses within without a trigger, and within beside absent', () => {
    expect(refused(`      - sync_until: { as: bob, within: 1s, match: [] }\n`)).to.match(
      /^suites\/t\.yaml:10:9: .*must have property trigger when property within is present/,
    );
    expect(refused(WATCH('          absent: true\n'))).to.match(/^suites\/t\.yaml:10:9: /);
  });

  it('gives the case time for the catch-up poll, the pause, the trigger and the long-poll in flight', () => {
    const timers = parseTargetProfile(PROFILE).timers;
    // 5 s slack + 4 registration calls, then deadline + request + poll (1000 + 1000 + 400), then
    // catch-up + trigger requests + after + the poll already waiting (2 x 1000 + 30 + 400).
    expect(caseTimeoutMs(load(WATCH()).cases[0]!, timers)).to.equal(5000 + 4000 + 2400 + 2430);
  });

  it('checks the trigger like a request: templates, actors, durations', () => {
    const message = refused(WATCH().replace('as: alice', 'as: carol').replace('after: 30ms', 'after: soon').replace('"wake up" }', '"{captured.nope}" }'));
    expect(message).to.include('suites/t.yaml:15:13: duration "soon": unknown timer "soon"');
    expect(message).to.include('suites/t.yaml:17:15: unknown actor "carol"');
    expect(message).to.include('suites/t.yaml:20:41: unknown template {captured.nope} (captured by no earlier step)');
  });
});

describe('sync_until trigger against the embedded mock', function () {
  this.timeout(20_000);
  const MOCK_PROFILE = `name: mock
registration: { method: dummy }
timers: { request_timeout: 2000, sync_poll_timeout: 50, delivery_deadline: 1500, idle_timeout: 5000, sync_online_timeout: 10000 }
`;
  const steps = WATCH().replace(
    '      - sync_until:',
    `      - request: { as: alice, method: POST, path: /_matrix/client/v3/createRoom, body: { invite: ["{bob.user_id}"] } }
        capture: { room: body.room_id }
      - request: { as: bob, method: POST, path: "/_matrix/client/v3/join/{captured.room}", body: {} }
        expect: { status: 200 }
      - sync_until:`,
  );

  async function againstMock(faults: string[]): Promise<CaseResult> {
    const report = await runSuites({
      suites: [parseSuiteText(suiteText(steps), 'test/trigger.yaml')],
      target: parseTargetProfile(MOCK_PROFILE),
      faults,
      mockIsolation: 'in-process',
      expectations: false,
    });
    return report.cases[0]!;
  }

  it('passes without faults and fails with long-poll-not-woken', async () => {
    const [good, bad] = await Promise.all([againstMock([]), againstMock(['long-poll-not-woken'])]);
    expect(good.outcome, good.message).to.equal('pass');
    expect(bad.outcome).to.equal('fail');
    expect(bad.message).to.include('so the change did not wake it');
  });
});
