// Each step kind and the provisioning against a small fake homeserver (test/runner/fake-homeserver.ts),
// through the public API, so a failure shows as the verdict a user would see.
import { expect } from 'chai';
import { runSuites } from '../../runner/index.js';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import type { CaseResult, Report } from '../../project/report.js';
import { json, startFakeHomeserver, type FakeHomeserver } from './fake-homeserver.js';

const PROFILE = `name: fake
registration: { method: dummy }
timers: { request_timeout: 300, sync_poll_timeout: 20, delivery_deadline: 150, idle_timeout: 100 }
capabilities: [rate_limit]
`;

function suiteOf(cases: string) {
  return [parseSuiteText(`title: Steps\narea: steps\ncases:\n${cases}`, 'test/steps.yaml')];
}

async function run(fake: FakeHomeserver, cases: string, profile = PROFILE): Promise<Report> {
  // The first contact is tested in first-contact.test.ts; here each case provisions on its own.
  return runSuites({ suites: suiteOf(cases), target: parseTargetProfile(profile), homeserver: fake.url, expectations: false, firstContact: false });
}

function only(report: Report): CaseResult {
  expect(report.cases).to.have.length(1);
  return report.cases[0]!;
}

const CASE = (steps: string, extra = '') => `  - id: c
    title: A behaviour holds
    level: MUST
    clauses: [x]
    actors: [alice, bob]
${extra}    steps:
${steps}`;

describe('steps against a fake homeserver', () => {
  let fake: FakeHomeserver;
  beforeEach(async () => {
    fake = await startFakeHomeserver({ sharedSecret: 's3cret' });
  });
  afterEach(() => fake.close());

  describe('provisioning', () => {
    it('registers fresh users through the m.login.dummy flow, unique per case', async () => {
      const r = only(await run(fake, CASE('      - wait: 1\n')));
      expect(r.outcome).to.equal('pass');
      const registrations = fake.seen.filter((s) => s.path.endsWith('/register'));
      expect(registrations).to.have.length(4); // 401 then 200, for each actor
      const names = registrations.map((s) => (JSON.parse(s.body) as { username: string }).username);
      expect(names[0]).to.equal(names[1]);
      expect(names[0]).to.not.equal(names[2]);
      expect(names[0]).to.match(/^mpc-[a-z0-9]+-\d+-alice$/);
    });

    it('is an error when the server offers no dummy registration', async () => {
      await fake.close();
      fake = await startFakeHomeserver({ offerDummy: false });
      const r = only(await run(fake, CASE('      - wait: 1\n')));
      expect(r.outcome).to.equal('error');
      expect(r.message).to.match(
        /^test\/steps\.yaml:4:5: provisioning: registering alice \(m\.login\.dummy\): the server does not offer .*m\.login\.recaptcha/,
      );
    });

    it('registers with the shared secret (HMAC-SHA1 over the nonce)', async () => {
      const ok = only(await run(fake, CASE('      - wait: 1\n'), PROFILE.replace('{ method: dummy }', '{ method: shared_secret, shared_secret: s3cret }')));
      expect(ok.outcome).to.equal('pass');
      const bad = only(await run(fake, CASE('      - wait: 1\n'), PROFILE.replace('{ method: dummy }', '{ method: shared_secret, shared_secret: wrong }')));
      expect(bad.outcome).to.equal('error');
      expect(bad.message).to.include('HTTP 403 M_FORBIDDEN: HMAC incorrect');
    });

    it('hands out static users in order and errors when they run out', async () => {
      const profile = PROFILE.replace(
        '{ method: dummy }',
        '{ method: static, users: [{ user_id: "@s1:fake", access_token: t1 }, { user_id: "@s2:fake", access_token: t2 }] }',
      );
      const steps = '      - request: { as: bob, method: GET, path: "/_matrix/client/v3/presence/{alice.user_id}/status" }\n';
      // Static users are taken per case, all at once: with two users, one two-actor case fits.
      const report = await run(fake, CASE(steps) + CASE(steps).replace('id: c', 'id: d'), profile);
      expect(report.cases[0]!.outcome).to.equal('pass');
      expect(fake.seen.find((s) => s.path.includes('presence'))!.path).to.equal('/_matrix/client/v3/presence/@s1:fake/status');
      expect(fake.seen.find((s) => s.path.includes('presence'))!.headers.authorization).to.equal('Bearer t2');
      expect(report.cases[1]!.outcome).to.equal('error');
      expect(report.cases[1]!.message).to.include('static users are used up (2 listed');
    });

    it('creates rooms as the creator and joins the members', async () => {
      const r = only(
        await run(
          fake,
          CASE(
            '      - request: { as: bob, method: GET, path: "/r/{rooms.shared.room_id}" }\n',
            '    rooms: [{ name: shared, creator: alice, members: [bob] }]\n',
          ),
        ),
      );
      expect(r.outcome).to.equal('pass');
      const create = fake.seen.find((s) => s.path.endsWith('/createRoom'))!;
      expect(create.headers.authorization).to.equal('Bearer tok-1');
      expect(JSON.parse(create.body)).to.deep.include({ preset: 'private_chat' });
      expect(fake.seen.find((s) => s.path.includes('/join/'))!.headers.authorization).to.equal('Bearer tok-2');
      expect(fake.seen.at(-1)!.path).to.equal('/r/!room:fake');
    });
  });

  describe('request and expect', () => {
    it('sends templated paths, bodies, queries and headers', async () => {
      const steps = `      - request:
          as: alice
          method: PUT
          path: /_matrix/client/v3/presence/{alice.user_id}/status
          query: { ts: "{server_name}" }
          headers: { x-who: "{bob.localpart}" }
          body: { presence: online, status_msg: "{alice.localpart} here" }
        expect: { status: 200, body: [ { path: "", equals: {} } ] }
`;
      expect(only(await run(fake, CASE(steps))).outcome).to.equal('pass');
      const put = fake.seen.find((s) => s.method === 'PUT')!;
      expect(put.query.get('ts')).to.equal('fake');
      expect(put.headers['x-who']).to.match(/-bob$/);
      expect(put.headers['content-type']).to.equal('application/json');
      expect(JSON.parse(put.body).status_msg).to.match(/-alice here$/);
    });

    it('sends the token variants: none, invalid, query', async () => {
      const steps = ['none', 'invalid', 'query'].map((t) => `      - request: { as: alice, token: ${t}, method: GET, path: /t/${t} }\n`).join('');
      only(await run(fake, CASE(steps)));
      const by = (t: string) => fake.seen.find((s) => s.path === `/t/${t}`)!;
      expect(by('none').headers.authorization).to.equal(undefined);
      expect(by('invalid').headers.authorization).to.match(/^Bearer invalid-/);
      expect(by('query').headers.authorization).to.equal(undefined);
      expect(by('query').query.get('access_token')).to.equal('tok-1');
    });

    it('fails a wrong status and a wrong body value, recording both with their places', async () => {
      const steps = `      - request: { as: alice, method: GET, path: "/_matrix/client/v3/presence/{alice.user_id}/status" }
        expect:
          status: 404
          body:
            - { path: presence, equals: unavailable }
            - { path: last_active_ago, type: integer }
      - wait: 10s
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('fail');
      expect(r.checks.map((c) => c.passed)).to.deep.equal([false, false, true]);
      expect(r.checks[0]!.message).to.equal('test/steps.yaml:12:11: status: got 200, want 404');
      expect(r.checks[1]!.message).to.equal('test/steps.yaml:14:15: presence: got "online", want "unavailable"');
      expect(r.failed_at).to.deep.equal(['test/steps.yaml:12:11', 'test/steps.yaml:14:15']);
      // A failed step ends the case: the 10 s wait never ran.
      expect(r.duration_ms).to.be.lessThan(2000);
      expect(r.transcript!.some((e) => e.response?.status === 200 && e.request.url.includes('/presence/'))).to.equal(true);
    });

    it('checks headers and schemas', async () => {
      fake.override((req, res) => req.path === '/h' && json(res, 200, { presence: 'sleeping' }, { 'content-type': 'text/plain' }));
      const steps = `      - request: { method: GET, path: /h }
        expect:
          headers: { Content-Type: { matches: "^application/json" } }
          schema: matrix/get-presence-response
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('fail');
      expect(r.checks[0]!.message).to.match(/headers\.content-type: got "text\/plain", want a string matching/);
      expect(r.checks.some((c) => c.path.startsWith('schema matrix/get-presence-response') && !c.passed)).to.equal(true);
    });

    it('is an error, not a fail, when a body to check is not JSON', async () => {
      fake.override((req, res) => {
        if (req.path !== '/garbage') return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<<<garbage');
        return true;
      });
      const r = only(await run(fake, CASE('      - request: { method: GET, path: /garbage }\n        expect: { body: [ { path: a, present: true } ] }\n')));
      expect(r.outcome).to.equal('error');
      expect(r.message).to.match(/^test\/steps\.yaml:10:9: HTTP 200: the body is not JSON/);
    });

    it('is a fail, not an error, when the status is already wrong and the body unreadable', async () => {
      fake.override((req, res) => {
        if (req.path !== '/html500') return false;
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>oops</h1>');
        return true;
      });
      const r = only(
        await run(
          fake,
          CASE(
            '      - request: { method: GET, path: /html500 }\n        expect: { status: 200, body: [ { path: presence, equals: online } ] }\n        capture: { p: body.presence }\n',
          ),
        ),
      );
      expect(r.outcome).to.equal('fail');
      expect(r.message).to.equal('test/steps.yaml:11:19: status: got 500, want 200');
    });

    it('does not capture from a response whose checks failed (the case is a fail, not an error)', async () => {
      fake.override((req, res) => req.path === '/wrong' && json(res, 200, {}));
      const r = only(
        await run(
          fake,
          CASE('      - request: { method: GET, path: /wrong }\n        expect: { status: 429 }\n        capture: { retry: body.retry_after_ms }\n'),
        ),
      );
      expect(r.outcome).to.equal('fail');
      expect(r.checks).to.have.length(1);
    });

    it('captures values for later steps', async () => {
      fake.override((req, res) => req.path === '/first' && json(res, 200, { token: 'abc', n: 7 }, { 'x-id': 'h1' }));
      const steps = `      - request: { method: GET, path: /first }
        capture: { t: body.token, n: body.n, h: headers.x-id, s: status }
      - request: { method: POST, path: "/second/{captured.t}", body: { n: "{captured.n}", h: "{captured.h}", s: "{captured.s}" } }
`;
      expect(only(await run(fake, CASE(steps))).outcome).to.equal('pass');
      const second = fake.seen.find((s) => s.path.startsWith('/second/'))!;
      expect(second.path).to.equal('/second/abc');
      expect(JSON.parse(second.body)).to.deep.equal({ n: 7, h: 'h1', s: 200 });
    });

    it('is an error when a capture finds nothing', async () => {
      const r = only(await run(fake, CASE('      - request: { method: GET, path: /nothing }\n        capture: { t: body.token }\n')));
      expect(r.outcome).to.equal('error');
      expect(r.message).to.include('capture t: nothing at body.token');
    });

    it('repeats a request until the status appears, without retrying the 429', async () => {
      let n = 0;
      fake.override(
        (req, res) => req.path === '/burst' && (++n >= 3 ? json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 5 }) : json(res, 200, {})),
      );
      const steps = `      - request: { as: alice, method: PUT, path: /burst, body: {}, repeat: { count: 10, until: { status: 429 } } }
        expect: { status: 429, body: [ { path: retry_after_ms, type: integer } ] }
`;
      expect(only(await run(fake, CASE(steps))).outcome).to.equal('pass');
      expect(n).to.equal(3);
    });

    it('retries a 429 after the advertised delay outside rate-limit cases, and not inside them', async () => {
      let n = 0;
      fake.override(
        (req, res) => req.path === '/limited' && (++n % 2 === 1 ? json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 10 }) : json(res, 200, {})),
      );
      const steps = '      - request: { method: GET, path: /limited }\n        expect: { status: 200 }\n';
      expect(only(await run(fake, CASE(steps))).outcome).to.equal('pass');
      expect(n).to.equal(2);
      const tagged = only(await run(fake, CASE(steps, '    tags: [rate_limit]\n')));
      expect(tagged.outcome).to.equal('fail');
      expect(tagged.checks[0]!.message).to.include('got 429, want 200');
    });
  });

  describe('time limits', () => {
    it('a server that hangs gives an error in bounded time', async () => {
      fake.override((req) => req.path === '/hang');
      const started = Date.now();
      const r = only(await run(fake, CASE('      - request: { method: GET, path: /hang }\n')));
      expect(r.outcome).to.equal('error');
      expect(r.message).to.equal('test/steps.yaml:10:9: no complete response within 300ms (GET /hang)');
      expect(Date.now() - started).to.be.lessThan(2000);
    });

    it('answered_within: a late answer fails with the time it took, within the bound on top of the request timeout', async () => {
      // 340 ms: past the request timeout (300 ms) alone, inside it with the bound (100 ms) on top.
      fake.override((req, res) => {
        if (req.path !== '/slow') return false;
        setTimeout(() => json(res, 200, {}), 340);
        return true;
      });
      fake.override((req, res) => req.path === '/fast' && json(res, 200, {}));
      const late = only(await run(fake, CASE('      - request: { method: GET, path: /slow }\n        expect: { status: 200, answered_within: 100 }\n')));
      expect(late.outcome, late.message).to.equal('fail');
      const check = late.checks.find((c) => c.path === 'answered in')!;
      expect(check.passed).to.equal(false);
      expect(check.message).to.match(/^test\/steps\.yaml:11:\d+: answered in 3\d\dms, want at most 100ms$/);
      const quick = only(
        await run(fake, CASE('      - request: { method: GET, path: /fast }\n        expect: { status: 200, answered_within: "request_timeout" }\n')),
      );
      expect(quick.outcome).to.equal('pass');
      expect(quick.checks.find((c) => c.path === 'answered in')!.passed).to.equal(true);
    });

    it('a refused connection before the run is one configuration error', async () => {
      const url = fake.url;
      await fake.close();
      const err = await runSuites({
        suites: suiteOf(CASE('      - wait: 1\n')),
        target: parseTargetProfile(PROFILE),
        homeserver: url,
        expectations: false,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as Error).message).to.match(/^cannot reach the homeserver at http:\/\/127\.0\.0\.1:\d+: connection refused/);
      fake = await startFakeHomeserver();
    });

    it('a connection closed during provisioning is an error', async () => {
      fake.override((req, res) => {
        if (req.path !== '/_matrix/client/v3/register') return false;
        res.socket?.destroy();
        return true;
      });
      const r = only(await run(fake, CASE('      - wait: 1\n')));
      expect(r.outcome).to.equal('error');
      expect(r.message).to.match(/provisioning: connection closed by the server before a complete response/);
    });

    it('a case over its time limit is a timeout', async () => {
      const r = only(await run(fake, CASE('      - wait: 5s\n', '    timeout: 200ms\n')));
      expect(r.outcome).to.equal('timeout');
      expect(r.message).to.equal('the case did not finish within 200ms');
      expect(r.duration_ms).to.be.lessThan(1000);
    });

    it('a wait waits its duration, timers included', async () => {
      const started = Date.now();
      expect(only(await run(fake, CASE('      - wait: "idle_timeout + 50ms"\n'))).outcome).to.equal('pass');
      expect(Date.now() - started).to.be.at.least(150);
    });
  });

  describe('sync_until', () => {
    const event = (sender: string, presence: string) => ({ type: 'm.presence', sender, content: { presence } });

    it('polls until a matching event arrives, as offline, keeping the since token', async () => {
      let syncs = 0;
      fake.override((req) => {
        if (req.path === '/_matrix/client/v3/sync' && ++syncs === 3) fake.presenceQueue.push(event('@x:fake', 'online'), event('@y:fake', 'unavailable'));
        return false;
      });
      const steps = `      - sync_until:
          as: bob
          sender: "@y:fake"
          match: [ { path: content.presence, equals: unavailable } ]
          capture: { got: content.presence }
      - request: { method: GET, path: "/after/{captured.got}" }
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('pass');
      const syncsSeen = fake.seen.filter((s) => s.path.endsWith('/sync'));
      expect(syncsSeen.every((s) => s.query.get('set_presence') === 'offline')).to.equal(true);
      expect(syncsSeen[0]!.query.get('since')).to.equal(null);
      expect(syncsSeen[1]!.query.get('since')).to.equal('b1');
      expect(syncsSeen[1]!.headers.authorization).to.equal('Bearer tok-2');
      expect(fake.seen.at(-1)!.path).to.equal('/after/unavailable');
    });

    it('fails with the last event seen when nothing matches before the deadline', async () => {
      fake.presenceQueue.push(event('@y:fake', 'online'));
      const steps = `      - sync_until:
          as: bob
          sender: "@y:fake"
          match: [ { path: content.presence, equals: unavailable } ]
          deadline: 100ms
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('fail');
      expect(r.checks[0]!.message).to.match(
        /^test\/steps\.yaml:10:9: no m\.presence event from @y:fake matched within \d+ms; last seen content: \{"presence":"online"\}$/,
      );
      expect(r.checks[1]!.message).to.equal('test/steps.yaml:13:20: content.presence: got "online", want "unavailable"');
    });

    it('absent: fails when a matching event arrives, passes when none does', async () => {
      const steps = `      - sync_until: { as: bob, sender: "@y:fake", absent: true, deadline: 60ms, match: [ { path: content.presence, equals: online } ] }\n`;
      expect(only(await run(fake, CASE(steps))).outcome).to.equal('pass');
      fake.presenceQueue.push(event('@y:fake', 'online'));
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('fail');
      expect(r.checks[0]!.message).to.include('got a matching event');
    });

    it('count: exactly this many matching events, a copy within one batch counted once', async () => {
      const steps = `      - sync_until: { as: bob, set_presence: online, count: 1, deadline: 60ms, match: [ { path: content.presence, equals: online } ] }\n`;
      fake.presenceQueue.push(event('@y:fake', 'online'), event('@y:fake', 'online'));
      expect(only(await run(fake, CASE(steps))).outcome).to.equal('pass');
      fake.presenceQueue.push(event('@y:fake', 'online'), { ...event('@y:fake', 'online'), content: { presence: 'online', status_msg: 'again' } });
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('fail');
      expect(r.checks[0]!.message).to.include('got 2, want exactly 1');
      expect(fake.seen.find((s) => s.path.endsWith('/sync'))!.query.get('set_presence')).to.equal('online');
    });

    it("keeps the events a step did not look at for the watcher's later steps", async () => {
      // One /sync delivers carol's event after alice's: the step waiting for alice must leave carol's
      // for the next step, which would otherwise wait in vain (the server sends it only once).
      fake.presenceQueue.push(event('@alice:fake', 'online'), event('@carol:fake', 'unavailable'), event('@alice:fake', 'offline'));
      const steps = `      - sync_until: { as: bob, sender: "@alice:fake", deadline: 100ms, match: [ { path: content.presence, equals: online } ] }
      - sync_until: { as: bob, sender: "@carol:fake", deadline: 100ms, match: [ { path: content.presence, equals: unavailable } ] }
      - sync_until: { as: bob, sender: "@alice:fake", deadline: 100ms, match: [ { path: content.presence, equals: offline } ] }
      - sync_until: { as: bob, sender: "@carol:fake", absent: true, deadline: 50ms, match: [ { path: content.presence, equals: unavailable } ] }
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome, r.message).to.equal('pass');
      // The first step's one poll delivered all three; the others needed no event from a new poll.
      expect(fake.seen.filter((s) => s.path.endsWith('/sync')).length).to.be.at.least(1);
    });

    it('an INFO matcher is recorded but does not keep an event from matching', async () => {
      fake.presenceQueue.push(event('@alice:fake', 'online'));
      const steps = `      - sync_until:
          as: bob
          sender: "@alice:fake"
          deadline: 100ms
          match:
            - { path: content.presence, equals: online }
            - { path: content.presence, equals: unavailable, level: INFO }
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome, r.message).to.equal('pass');
      const info = r.checks.find((c) => c.level === 'INFO');
      expect(info).to.include({ passed: false, expected: '"unavailable"' });
    });

    it('consumes what it looked at: a later step does not see the same event twice', async () => {
      fake.presenceQueue.push(event('@alice:fake', 'online'));
      const steps = `      - sync_until: { as: bob, sender: "@alice:fake", deadline: 100ms, match: [ { path: content.presence, equals: online } ] }
      - sync_until: { as: bob, sender: "@alice:fake", deadline: 60ms, match: [ { path: content.presence, equals: online } ] }
`;
      const r = only(await run(fake, CASE(steps)));
      expect(r.outcome).to.equal('fail');
      expect(r.checks.at(-1)!.message).to.include('no m.presence event from @alice:fake reached bob');
    });

    it('is an error when /sync answers without next_batch', async () => {
      fake.override((req, res) => req.path.endsWith('/sync') && json(res, 200, { rooms: {} }));
      const r = only(await run(fake, CASE('      - sync_until: { as: bob, match: [] }\n')));
      expect(r.outcome).to.equal('error');
      expect(r.message).to.include('the response has no next_batch');
    });
  });
});
