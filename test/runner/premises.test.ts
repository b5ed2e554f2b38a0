// Cases that did not judge: a premise seen broken ends a case inconclusive, a failed step the case only
// relies on (relies_on) ends it blocked, and neither is a failure; the root causes group what failed.
// Against the embedded mock (its faults break the requests) and a fake homeserver whose /sync batches
// are written by the test (the order and the copies of events a watch sees).
import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { runSuites } from '../../runner/index.js';
import { loadSuites, parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import type { CaseResult, Report } from '../../project/report.js';
import { json, startFakeHomeserver, type FakeHomeserver } from './fake-homeserver.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const MOCK_PROFILE = `name: mock-short
registration: { method: dummy }
timers: { idle_timeout: 60000, sync_online_timeout: 60000, last_active_granularity: 400, request_timeout: 2000, sync_poll_timeout: 200, delivery_deadline: 1000, visibility_deadline: 300 }
capabilities: []
`;

function suiteOf(cases: string, file = 'test/premises.yaml') {
  return [parseSuiteText(`title: Premises\narea: premises\ncases:\n${cases}`, file)];
}

function byId(report: Report, id: string): CaseResult {
  const found = report.cases.find((c) => c.id === `premises#${id}`);
  expect(found, id).to.not.equal(undefined);
  return found!;
}

const PUT_ONLINE = `      - request:
          as: alice
          method: PUT
          path: "{api}/presence/{alice.user_id}/status"
          body: { presence: online }
        expect: { status: 200 }
`;

describe('premises, blocked cases and root causes', () => {
  describe('against the embedded mock', () => {
    const CASES = `  - id: direct
    title: GET of one's own presence answers 200
    level: MUST
    clauses: [x]
    actors: [alice]
    steps:
${PUT_ONLINE}      - request:
          as: alice
          method: GET
          path: "{api}/presence/{alice.user_id}/status"
        expect: { status: 200, body: [ { path: presence, equals: online } ] }
  - id: relying
    title: Something read through GET of one's own presence
    level: MUST
    clauses: [y]
    actors: [alice]
    steps:
${PUT_ONLINE}      - request:
          as: alice
          method: GET
          path: "{api}/presence/{alice.user_id}/status"
        relies_on: premises#direct
        expect: { status: 200, body: [ { path: last_active_ago, type: integer } ] }
  - id: premised
    title: A judgement that needs the user to have gone unavailable
    level: MUST
    clauses: [z]
    actors: [alice]
    steps:
${PUT_ONLINE}      - request:
          as: alice
          method: GET
          path: "{api}/presence/{alice.user_id}/status"
        expect:
          status: 200
          body:
            - { path: presence, equals: unavailable, premise: idle_timeout }
            - { path: status_msg, equals: "never checked" }
`;

    it('ends a case whose premise is seen broken inconclusive, naming the profile value to change, and never gates', async () => {
      const report = await runSuites({ suites: suiteOf(CASES), target: parseTargetProfile(MOCK_PROFILE), expectations: false, grep: /premised/ });
      const r = byId(report, 'premised');
      expect(r.outcome).to.equal('inconclusive');
      expect(r.premise?.seen).to.match(/presence: got "online", want "unavailable"/);
      expect(r.premise?.change).to.match(/^idle_timeout: the profile says 1m, which did not fit this server; set timers\.idle_timeout/);
      expect(r.premise?.at).to.match(/premises\.yaml:\d+:\d+$/);
      expect(report.summary.inconclusive).to.equal(1);
      expect(report.exit_code).to.equal(0);
      expect(r.cause).to.equal(undefined);
    });

    it('ends a case whose relied-on request fails blocked, and groups it under the direct case failing the same way', async () => {
      const report = await runSuites({
        suites: suiteOf(CASES),
        target: parseTargetProfile(MOCK_PROFILE),
        expectations: false,
        faults: ['own-presence-needs-room'],
        grep: /direct|relying/,
      });
      const direct = byId(report, 'direct');
      const relying = byId(report, 'relying');
      expect(direct.outcome).to.equal('fail');
      expect(relying.outcome).to.equal('blocked');
      expect(relying.blocked_by?.tested_by).to.equal('premises#direct');
      expect(relying.checks.filter((c) => c.role === 'setup').map((c) => c.path)).to.deep.equal(['status']);
      expect(relying.blocked_by!.at).to.match(/premises\.yaml:\d+:\d+$/);
      expect(relying.message).to.match(/^blocked: .*status: got 404, want 200; tested by premises#direct$/);
      expect(report.gating_failures).to.deep.equal(['premises#direct']);
      expect(report.causes).to.have.length(1);
      expect(report.causes![0]!.summary).to.equal('GET {api}/presence/{me}/status: status: got 404, want 200');
      expect(report.causes![0]!.cases).to.deep.equal([
        { id: 'premises#direct', outcome: 'fail' },
        { id: 'premises#relying', outcome: 'blocked' },
      ]);
      expect(direct.cause).to.equal('c1');
      expect(relying.cause).to.equal('c1');
    });

    it('judges a relying step whose request is accepted: its own checks still fail the case', async () => {
      const report = await runSuites({
        suites: suiteOf(CASES),
        target: parseTargetProfile(MOCK_PROFILE),
        expectations: false,
        faults: ['last-active-seconds'],
        grep: /relying/,
      });
      // last_active_ago in seconds is still an integer: the case passes; the status check held.
      expect(byId(report, 'relying').outcome).to.equal('pass');
      const fractional = CASES.replace('{ path: last_active_ago, type: integer }', '{ path: last_active_ago, equals: -1 }');
      const failing = await runSuites({ suites: suiteOf(fractional), target: parseTargetProfile(MOCK_PROFILE), expectations: false, grep: /relying/ });
      expect(byId(failing, 'relying').outcome).to.equal('fail');
    });
  });

  describe('relies_on in the suite files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mpc-relies-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const relying = (target: string) =>
      `title: T\narea: t\ncases:\n  - id: a\n    title: A\n    level: MUST\n    clauses: [x]\n    actors: [alice]\n    steps:\n      - request: { as: alice, method: GET, path: "/x" }\n        relies_on: ${target}\n`;

    it('refuses a relied-on case that does not exist in a loaded suite, and a case relying on itself', async () => {
      writeFileSync(join(dir, 't.yaml'), relying('t#missing'));
      await loadSuites([dir]).then(
        () => expect.fail('loaded'),
        (err: Error) => expect(err.message).to.match(/t\.yaml:10:\d+: relies_on t#missing: no such case/),
      );
      writeFileSync(join(dir, 't.yaml'), relying('t#a'));
      await loadSuites([dir]).then(
        () => expect.fail('loaded'),
        (err: Error) => expect(err.message).to.match(/relies_on t#a: a case cannot rely on itself/),
      );
    });

    it('refuses a one-word premise that is not a timer of the profile, and takes words as they are', () => {
      const premised = (premise: string) =>
        `  - id: p\n    title: P\n    level: MUST\n    clauses: [x]\n    actors: [alice]\n    steps:\n      - request: { as: alice, method: GET, path: "/x" }\n        expect: { body: [ { path: presence, equals: online, premise: ${premise} } ] }\n`;
      expect(() => suiteOf(premised('idle_timout'))).to.throw(/premises\.yaml:11:61: premise "idle_timout" is not a timer of the profile/);
      expect(suiteOf(premised('idle_timeout'))[0]!.cases).to.have.length(1);
      expect(suiteOf(premised('"the flag was never set"'))[0]!.cases).to.have.length(1);
    });

    it('accepts a relied-on case of a suite file that is not loaded (a run of one file)', async () => {
      writeFileSync(join(dir, 't.yaml'), relying('status#round-trip-online'));
      const suites = await loadSuites([dir]);
      expect(suites[0]!.cases[0]!.steps[0]).to.include({ relies_on: 'status#round-trip-online' });
    });

    it('holds every relies_on of the bundled suites to a case that exists, and never to the case itself', async () => {
      const suites = await loadSuites(['suites']);
      const ids = new Set(suites.flatMap((s) => s.cases.map((c) => c.fullId)));
      const named = suites.flatMap((s) =>
        s.cases.flatMap((c) => c.steps.flatMap((st) => ('relies_on' in st && st.relies_on ? [[c.fullId, st.relies_on]] : []))),
      );
      expect(named.length).to.be.greaterThan(40);
      for (const [from, to] of named) {
        expect(ids.has(to!), `${from} relies on ${to}`).to.equal(true);
        expect(to).to.not.equal(from);
      }
    });
  });

  describe('an absent watch that ends (ends_when), against a fake homeserver', () => {
    let fake: FakeHomeserver;
    beforeEach(async () => {
      fake = await startFakeHomeserver();
    });
    afterEach(() => fake.close());

    const PROFILE = `name: fake
registration: { method: dummy }
timers: { request_timeout: 500, sync_poll_timeout: 30, delivery_deadline: 200, visibility_deadline: 60 }
capabilities: []
`;
    const ACTIVE = `  - id: active
    title: No further update while active
    level: MAY
    clauses: [x]
    actors: [alice, bob]
    steps:
      - watch: { as: bob }
${PUT_ONLINE}      - sync_until:
          as: bob
          sender: "{alice.user_id}"
          match: [ { path: content.currently_active, equals: true } ]
${PUT_ONLINE}      - sync_until:
          as: bob
          sender: "{alice.user_id}"
          absent: true
          ends_when:
            any_of:
              - [ { path: content.currently_active, equals: false } ]
              - [ { path: content.presence, one_of: [unavailable, offline] } ]
            premise: last_active_granularity
          deadline: visibility_deadline
`;

    /** Each presence PUT of alice queues the events `batches` gives for it (per PUT, in order). */
    function serve(batches: ((sender: string) => unknown[])[]): void {
      let puts = 0;
      fake.override((req, res: ServerResponse) => {
        const put = /^\/_matrix\/client\/v3\/presence\/(.+)\/status$/.exec(req.path);
        if (put && req.method === 'PUT') {
          fake.presenceQueue.push(...(batches[puts++]?.(decodeURIComponent(put[1]!)) ?? []));
          return json(res, 200, {});
        }
        return false;
      });
    }
    const event = (sender: string, content: Record<string, unknown>) => ({
      type: 'm.presence',
      sender,
      content: { presence: 'online', last_active_ago: 1, ...content },
    });
    const run = () =>
      runSuites({ suites: suiteOf(ACTIVE), target: parseTargetProfile(PROFILE), homeserver: fake.url, expectations: false, firstContact: false });

    it('passes when the period ends (currently_active false) before the second PUT is answered anew', async () => {
      serve([
        (s) => [event(s, { currently_active: true })],
        (s) => [event(s, { currently_active: false }), event(s, { currently_active: true, last_active_ago: 0 })],
      ]);
      expect((await run()).cases[0]!.outcome).to.equal('pass');
    });

    it('fails a further update while the period lasts, flag or no flag', async () => {
      serve([(s) => [event(s, { currently_active: true })], (s) => [event(s, { last_active_ago: 0 })]]);
      const r = (await run()).cases[0]!;
      expect(r.outcome).to.equal('fail');
      expect(r.message).to.match(/got a matching event/);
    });

    it('reads a copy of an event within one batch as one update, and an equal event in a later batch as a new one', async () => {
      serve([(s) => [event(s, { currently_active: true }), event(s, { currently_active: true })]]);
      expect((await run()).cases[0]!.outcome).to.equal('pass');
      fake.presenceQueue.splice(0);
      serve([(s) => [event(s, { currently_active: true })], (s) => [event(s, { currently_active: true })]]);
      expect((await run()).cases[0]!.outcome).to.equal('fail');
    });

    it('is inconclusive when the period had ended before the step began (delivered in the batch that opened it)', async () => {
      serve([(s) => [event(s, { currently_active: true }), event(s, { currently_active: false })], (s) => [event(s, { currently_active: true })]]);
      const r = (await run()).cases[0]!;
      expect(r.outcome).to.equal('inconclusive');
      expect(r.premise?.seen).to.match(/the watch had already ended before the step began/);
      expect(r.premise?.change).to.match(/^last_active_granularity: the profile says/);
    });
  });
});
