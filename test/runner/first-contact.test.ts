// The run's first contact with a --homeserver: no users to be had, presence off, tokens refused or the
// presence endpoints missing each stop the run before any case with one sentence (ConfigError, exit 2)
// saying what was seen and what to set; and without --target the generic profile is used, which the
// header explains.
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { ConfigError } from '../../project/errors.js';
import { ConsoleReporter } from '../../reporters/console-reporter.js';
import { runSuites } from '../../runner/index.js';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { json, startFakeHomeserver, type FakeHomeserver } from './fake-homeserver.js';
import { staticUsers, withMock } from '../probe/helpers.js';

const SUITE = [
  parseSuiteText(
    `title: Contact
area: contact
cases:
  - id: round-trip
    title: PUT then GET of own presence answers the state
    level: MUST
    clauses: [x]
    actors: [alice, bob]
    steps:
      - request: { as: alice, method: PUT, path: "/_matrix/client/v3/presence/{alice.user_id}/status", body: { presence: online } }
        expect: { status: 200 }
  - id: needs-rate-limit
    title: A case that needs the rate_limit capability is skipped without it
    level: SHOULD
    clauses: [x]
    requires: [rate_limit]
    actors: [alice]
    steps:
      - wait: 1
  - id: r0-only
    title: A case of the r0 text is skipped on a target that speaks the current API
    level: MUST
    clauses: [x]
    spec_versions: [r0]
    actors: [alice]
    steps:
      - wait: 1
`,
    'test/contact.yaml',
  ),
];

async function stop(options: Parameters<typeof runSuites>[0]): Promise<string> {
  const started = Date.now();
  const err = await runSuites({ suites: SUITE, expectations: false, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the run stops').to.be.instanceOf(ConfigError);
  expect(Date.now() - started).to.be.lessThan(15_000);
  return (err as Error).message;
}

const profile = (registration: string) => parseTargetProfile(`name: t\nregistration: ${registration}\n`, 'my.yaml');

describe('first contact with a homeserver', function () {
  this.timeout(30_000);

  describe('against the reference mock', () => {
    it('without --target: the generic profile, and a header naming the server and what no profile means', async () => {
      await withMock({}, async (mock) => {
        const out = new PassThrough();
        let text = '';
        out.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const report = await runSuites({
          suites: SUITE,
          homeserver: mock.url,
          expectations: false,
          listeners: [new ConsoleReporter({ stream: out, colour: false })],
        });
        expect(report.exit_code).to.equal(0);
        expect(report.target.name).to.equal('generic');
        expect(report.target.server?.versions).to.include('v1.1');
        expect(report.cases.map((c) => c.outcome)).to.deep.equal(['pass', 'skip', 'skip']);
        const lines = text.split('\n');
        expect(lines[0]).to.match(
          /^matrix-presence-conformance \S+: 3 cases against http:\/\/127\.0\.0\.1:\d+ \(software not given, advertises r0\.0\.1–r0\.6\.1, v1\.1–v1\.\d+\), 8 jobs$/,
        );
        expect(lines[1]).to.match(
          /^ {2}no target profile given: the generic profile \(fixtures\/targets\/generic\.yaml\) claims no optional behaviour; registration is open m\.login\.dummy \(the server offers it\), timers the common defaults \(idle 5m, sync-online 30s, currently_active 1m\)$/,
        );
        expect(lines[2]).to.equal('  1 case is skipped because they need a capability this profile does not claim: rate_limit (1)');
        expect(lines[3]).to.equal('  1 case holds only in other releases than v1.19, the highest this server advertises and the one this run speaks');
        expect(lines[4]).to.equal(
          `  to test the rest, write a profile of this server: matrix-presence-conformance profile init --homeserver ${mock.url} --out my-server.yaml, then run --homeserver ${mock.url} --target my-server.yaml`,
        );
      });
    });

    it('registration closed, no profile: says what the server answered and to write a profile', async () => {
      await withMock({ registration: { enabled: false } }, async (mock) => {
        expect(await stop({ homeserver: mock.url })).to.equal(
          `registration refused: POST /register answered 403 M_FORBIDDEN "Registration has been disabled.", and the cases need fresh users; no --target was given, so write a profile (matrix-presence-conformance profile init --homeserver ${mock.url} --out my-server.yaml finds out what it can), set registration.method: static and list pre-made users under registration.users there, and run with --target my-server.yaml`,
        );
      });
    });

    it("presence off (Synapse's way): one sentence naming the switch", async () => {
      await withMock({ presence: { enabled: false } }, async (mock) => {
        expect(await stop({ homeserver: mock.url, target: profile('{ method: dummy }') })).to.match(
          /^presence is off on http:\/\/127\.0\.0\.1:\d+: right after PUT online, GET of @mpc-\S+-contact:localhost's own presence answered 200 \{"presence":"offline"\}; switch presence on \(Synapse: presence\.enabled: true; Dendrite: global\.presence\.enable_inbound and enable_outbound; conduwuit: allow_local_presence = true\), then run again$/,
        );
      });
    });

    it('static users: too few for the selected cases, a refused token, or still the placeholder', async () => {
      const { config, users } = staticUsers(3);
      await withMock({ registration: { enabled: false, users: config } }, async (mock) => {
        const list = (us: { user_id: string; access_token: string }[]) => profile(`{ method: static, users: ${JSON.stringify(us)} }`);
        expect(await stop({ homeserver: mock.url, target: list(users.slice(0, 1)) })).to.equal(
          'my.yaml lists 1 static user, and the selected cases need 2 (one per actor of each case): add users to registration.users, or select fewer cases (--grep, --tag)',
        );
        expect(await stop({ homeserver: mock.url, target: list([users[0]!, { ...users[1]!, access_token: 'stale' }]) })).to.equal(
          'the token of @pre1:localhost is refused: GET /_matrix/client/v3/account/whoami answered 401 M_UNKNOWN_TOKEN "Unknown access token."; replace that user in registration.users of my.yaml',
        );
        expect(
          await stop({ homeserver: mock.url, target: list([{ user_id: '@replace-me:example.org', access_token: 'REPLACE-ME-with-an-access-token' }]) }),
        ).to.equal(
          "registration.users in my.yaml still holds the placeholder profile init wrote: list the server's pre-made users with their access tokens there",
        );
        const ok = await runSuites({ suites: SUITE, homeserver: mock.url, target: list(users), expectations: false });
        expect(ok.cases[0]!.outcome).to.equal('pass');
      });
    });
  });

  describe('against servers that differ', () => {
    let fake: FakeHomeserver;
    afterEach(() => fake.close());

    it('dummy registration refused where the server serves shared-secret registration: says to use it', async () => {
      fake = await startFakeHomeserver({ offerDummy: false, sharedSecret: 's3cret' });
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.equal(
        'registration refused: POST /register offers only the flows [m.login.recaptcha]; the runner completes only m.login.dummy, and the cases need fresh users; set registration.method: shared_secret and registration.shared_secret (the server serves shared-secret registration) in my.yaml',
      );
    });

    it('a wrong shared secret, and the placeholder profile init writes', async () => {
      fake = await startFakeHomeserver({ sharedSecret: 's3cret' });
      expect(await stop({ homeserver: fake.url, target: profile('{ method: shared_secret, shared_secret: nope }') })).to.equal(
        "registration refused: registering contact (shared secret) failed: HTTP 403 M_FORBIDDEN: HMAC incorrect; set registration.shared_secret to the server's registration_shared_secret in my.yaml",
      );
      expect(
        await stop({
          homeserver: fake.url,
          target: profile('{ method: shared_secret, shared_secret: REPLACE-ME-with-the-servers-registration_shared_secret }'),
        }),
      ).to.equal("registration.shared_secret in my.yaml is still the placeholder profile init wrote: set it to the server's registration_shared_secret");
    });

    it('presence off the Dendrite way and the conduwuit way', async () => {
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) => req.path.startsWith('/_matrix/client/v3/presence/') && req.method === 'GET' && json(res, 200, { presence: '', status_msg: '' }),
      );
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.match(
        /^presence is off on .*: right after PUT online, GET of @\S+ own presence answered 200 \{"presence":"","status_msg":""\}; switch presence on/,
      );
      await fake.close();
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) =>
          req.path.startsWith('/_matrix/client/v3/presence/') && json(res, 403, { errcode: 'M_FORBIDDEN', error: 'Presence is disabled on this server' }),
      );
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.match(
        /^presence is off on .*: PUT of @\S+ own presence answered 403 M_FORBIDDEN "Presence is disabled on this server"; switch presence on/,
      );
    });

    it('every request refused: the token just issued is answered 401, or the presence endpoints are 404', async () => {
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) =>
          req.path.startsWith('/_matrix/client/v3/presence/') && json(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.' }),
      );
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.match(
        /^http:\/\/127\.0\.0\.1:\d+ refuses the access token of @\S+: PUT of @\S+ own presence answered 401 M_UNKNOWN_TOKEN "Invalid access token passed\.", which it has just issued$/,
      );
      await fake.close();
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) => req.path.startsWith('/_matrix/client/v3/presence/') && json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }),
      );
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.match(
        /does not serve the presence endpoints: PUT of @\S+ own presence answered 404 M_UNRECOGNIZED "Unrecognized request"; there is no presence module to test$/,
      );
    });

    it('without --target, a server that advertises only r0 is spoken to in r0: no API is assumed either', async () => {
      fake = await startFakeHomeserver();
      fake.override((req, res) => req.path === '/_matrix/client/versions' && json(res, 200, { versions: ['r0.5.0', 'r0.6.1'] }));
      const report = await runSuites({ suites: SUITE, homeserver: fake.url, expectations: false, grep: /no such case/ });
      expect(report.target.spec_version).to.equal('r0');
      expect(report.target.release).to.equal('r0.6.1');
      expect(report.target.notes?.[0]).to.match(/, and the r0 API \(r0\.6\.1\), the only one \/versions advertises$/);
    });

    it('a server that hangs after /versions stops the run in bounded time', async () => {
      fake = await startFakeHomeserver();
      fake.override((req) => req.path !== '/_matrix/client/versions');
      const message = await stop({
        homeserver: fake.url,
        target: parseTargetProfile('name: t\nregistration: { method: dummy }\ntimers: { request_timeout: 300 }\n', 'my.yaml'),
      });
      expect(message).to.match(/^registration got no answer: .*no complete response within 300ms/);
    });

    it('a 200 to POST /register without user_id or access_token: says registration answered without a token, not that it refused', async () => {
      fake = await startFakeHomeserver();
      fake.override((req, res) => req.path === '/_matrix/client/v3/register' && json(res, 200, {}));
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.equal(
        'registration answered 200 without an access token: POST /register answered 200 without user_id or access_token, and the cases need fresh users; set registration.method: shared_secret and registration.shared_secret (the server serves shared-secret registration) in my.yaml',
      );
    });

    it('the dummy flow completed with a 200 that lacks the access token: names the missing token', async () => {
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) => req.path === '/_matrix/client/v3/register' && req.body.includes('m.login.dummy') && json(res, 200, { user_id: '@contact:fake' }),
      );
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.match(
        /^registration answered 200 without an access token: registering contact \(m\.login\.dummy\): the response lacks user_id or access_token, and the cases need fresh users; /,
      );
    });

    it('shared-secret registration answering 200 without an access token', async () => {
      fake = await startFakeHomeserver({ sharedSecret: 's3cret' });
      fake.override((req, res) => req.path === '/_synapse/admin/v1/register' && req.method === 'POST' && json(res, 200, { user_id: '@contact:fake' }));
      expect(await stop({ homeserver: fake.url, target: profile('{ method: shared_secret, shared_secret: s3cret }') })).to.match(
        /^registration answered 200 without an access token: registering contact \(shared secret\)[^:]*: the response lacks user_id or access_token; set registration\.shared_secret/,
      );
    });

    it('registration on a closed port after /versions: says the connection failed', async () => {
      fake = await startFakeHomeserver();
      fake.override((req, res) => {
        if (req.path !== '/_matrix/client/v3/register') return false;
        res.socket?.destroy();
        return true;
      });
      expect(await stop({ homeserver: fake.url, target: profile('{ method: dummy }') })).to.match(/^registration failed on the connection: /);
    });
  });
});
