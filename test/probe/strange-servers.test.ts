// `profile init` against servers that are not the reference mock: ones that hang, answer garbage, are
// not homeservers, close registration in other ways, or switch presence off the way Dendrite and
// conduwuit do. Every probe ends in bounded time and claims nothing it did not see.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ConfigError } from '../../project/errors.js';
import { probeServer, type ProbeReport } from '../../runner/probe/probe-server.js';
import { writeProfile } from '../../runner/probe/profile-writer.js';
import { json, startFakeHomeserver, type FakeHomeserver } from '../runner/fake-homeserver.js';

/** A raw server: /_matrix/client/versions answers like a homeserver (unless `versions` says otherwise), the rest as `rest` does. */
async function rawServer(
  rest: (path: string, res: import('node:http').ServerResponse) => void,
  versions?: (res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/_matrix/client/versions') {
      if (versions) versions(res);
      else json(res, 200, { versions: ['v1.11'] });
      return;
    }
    rest(path, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function claimed(report: ProbeReport): string[] {
  return report.capabilities.filter((f) => f.claimed).map((f) => f.capability);
}

function conclusion(report: ProbeReport, topic: string): string {
  return report.findings.find((f) => f.topic === topic)?.conclusion ?? `(no finding on ${topic})`;
}

async function refusal(url: string): Promise<string> {
  const err = await probeServer({ homeserver: url, requestTimeoutMs: 300, budgetMs: 3_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(ConfigError);
  return (err as Error).message;
}

describe('profile init against strange servers', function () {
  this.timeout(30_000);

  describe('not a homeserver: one sentence, nothing written', () => {
    it('a server that never answers /versions, within the request timeout', async () => {
      const s = await rawServer(
        () => undefined,
        () => undefined,
      );
      try {
        const started = Date.now();
        expect(await refusal(s.url)).to.equal(`cannot reach the homeserver at ${s.url}: no answer within 300ms (GET /_matrix/client/versions)`);
        expect(Date.now() - started).to.be.lessThan(2_000);
      } finally {
        await s.close();
      }
    });

    it('a web server answering HTML, and one asking everyone for a login', async () => {
      const html = await rawServer(
        () => undefined,
        (res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html>hello</html>');
        },
      );
      const login = await rawServer(
        () => undefined,
        (res) => json(res, 401, { error: 'login first' }),
      );
      try {
        expect(await refusal(html.url)).to.equal(
          `${html.url} does not answer like a Matrix homeserver: GET /_matrix/client/versions gave a body that is not JSON`,
        );
        expect(await refusal(login.url)).to.match(
          /refuses GET \/_matrix\/client\/versions with HTTP 401, which a homeserver answers without authentication: something in front of the server/,
        );
      } finally {
        await html.close();
        await login.close();
      }
    });

    it('nothing listening', async () => {
      expect(await refusal('http://127.0.0.1:9')).to.equal(
        'cannot reach the homeserver at http://127.0.0.1:9: connection refused by 127.0.0.1:9 (GET /_matrix/client/versions)',
      );
    });
  });

  describe('a homeserver that misbehaves after /versions: bounded, no claims', () => {
    it('hangs on every other request: gives up after two silent requests, well within the budget', async () => {
      const s = await rawServer(() => undefined);
      try {
        const started = Date.now();
        const report = await probeServer({ homeserver: s.url, requestTimeoutMs: 300, budgetMs: 5_000 });
        expect(Date.now() - started).to.be.lessThan(3_000);
        expect(claimed(report)).to.deep.equal([]);
        expect(conclusion(report, 'registration')).to.match(
          /^POST \/register got no answer \(no complete response within 300ms .*; no shared-secret registration either \(GET \/_synapse\/admin\/v1\/register: no answer \(no complete response within 300ms/,
        );
        expect(report.registration.placeholder).to.equal(true);
        expect(() => writeProfile(report)).to.not.throw();
      } finally {
        await s.close();
      }
    });

    it('answers garbage (200 with HTML) everywhere else: nothing is taken for registration or presence', async () => {
      const s = await rawServer((_path, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>not here</html>');
      });
      try {
        const report = await probeServer({ homeserver: s.url, requestTimeoutMs: 500, budgetMs: 5_000 });
        expect(claimed(report)).to.deep.equal([]);
        expect(conclusion(report, 'registration')).to.match(
          /^POST \/register answered 200 with a body that is not JSON; no shared-secret registration either \(GET \/_synapse\/admin\/v1\/register: 200 with a body that is not JSON\)/,
        );
        expect(report.registration.registration.method).to.equal('static');
      } finally {
        await s.close();
      }
    });

    it('answers 404 to everything but /versions', async () => {
      const s = await rawServer((_path, res) => json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }));
      try {
        const report = await probeServer({ homeserver: s.url, requestTimeoutMs: 500, budgetMs: 5_000 });
        expect(conclusion(report, 'registration')).to.match(
          /^POST \/register answered 404 M_UNRECOGNIZED "Unrecognized request"; no shared-secret registration either/,
        );
        expect(conclusion(report, 'capabilities')).to.match(
          /^not claimed, not probed \(no user: the runner cannot make users on this server yet\): currently_active, /,
        );
      } finally {
        await s.close();
      }
    });
  });

  describe("other servers' registration and presence switches", () => {
    let fake: FakeHomeserver;
    afterEach(() => fake.close());

    it('a registration-token flow (conduwuit): says the runner cannot complete it', async () => {
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) =>
          req.path === '/_matrix/client/v3/register' && json(res, 401, { session: 's', flows: [{ stages: ['m.login.registration_token'] }], params: {} }),
      );
      fake.override((req, res) => req.path === '/_synapse/admin/v1/register' && json(res, 404, { errcode: 'M_UNRECOGNIZED' }));
      const report = await probeServer({ homeserver: fake.url, budgetMs: 5_000 });
      expect(conclusion(report, 'registration')).to.match(
        /^POST \/register offers only the flows \[m\.login\.registration_token\]; the runner completes only m\.login\.dummy; no shared-secret registration either/,
      );
    });

    it('shared-secret registration (Synapse, Dendrite): a placeholder without the secret; users with it; a clear error with a wrong one', async () => {
      fake = await startFakeHomeserver({ offerDummy: false, sharedSecret: 's3cret' });
      const without = await probeServer({ homeserver: fake.url, budgetMs: 3_000 });
      expect(without.registration.registration).to.deep.equal({
        method: 'shared_secret',
        shared_secret: 'REPLACE-ME-with-the-servers-registration_shared_secret',
      });
      expect(conclusion(without, 'registration')).to.match(
        /^POST \/register offers only the flows \[m\.login\.recaptcha\]; .*; shared-secret registration is served \(GET \/_synapse\/admin\/v1\/register gives a nonce\)/,
      );
      expect(writeProfile(without).text).to.include("# REPLACE-ME: the registration_shared_secret of the server's configuration");

      const withSecret = await probeServer({ homeserver: fake.url, sharedSecret: 's3cret', budgetMs: 3_000 });
      expect(withSecret.registration.registration).to.deep.equal({ method: 'shared_secret', shared_secret: 's3cret' });
      expect(withSecret.registration.users).to.have.length(6);

      const err = await probeServer({ homeserver: fake.url, sharedSecret: 'wrong', budgetMs: 3_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as Error).message).to.equal('--shared-secret: registering a (shared secret) failed: HTTP 403 M_FORBIDDEN: HMAC incorrect');
    });

    it('presence off the Dendrite way (GET presence "") and the conduwuit way (403 "Presence is disabled")', async () => {
      fake = await startFakeHomeserver();
      fake.override(
        (req, res) =>
          req.path.startsWith('/_matrix/client/v3/presence/') &&
          req.method === 'GET' &&
          json(res, 200, { presence: '', status_msg: '', currently_active: true, last_active_ago: 12 }),
      );
      const dendrite = await probeServer({ homeserver: fake.url, budgetMs: 5_000 });
      expect(dendrite.presence?.verdict).to.equal('off');
      expect(conclusion(dendrite, 'presence')).to.match(/^off: right after PUT online, GET of @\S+ own presence answered 200 \{"presence":"","status_msg":""/);
      await fake.close();

      fake = await startFakeHomeserver();
      fake.override(
        (req, res) =>
          req.path.startsWith('/_matrix/client/v3/presence/') && json(res, 403, { errcode: 'M_FORBIDDEN', error: 'Presence is disabled on this server' }),
      );
      const conduwuit = await probeServer({ homeserver: fake.url, budgetMs: 5_000 });
      expect(conduwuit.presence?.verdict).to.equal('off');
      expect(conclusion(conduwuit, 'presence')).to.match(/^off: PUT of @\S+ own presence answered 403 M_FORBIDDEN "Presence is disabled on this server"$/);
      expect(claimed(conduwuit)).to.deep.equal([]);
    });

    it('a server that stores any presence string does not get free_for_chat', async () => {
      fake = await startFakeHomeserver();
      const stored = new Map<string, unknown>();
      fake.override((req, res) => {
        if (!req.path.startsWith('/_matrix/client/r0/presence/')) return false;
        if (req.method === 'PUT') stored.set(req.path, (JSON.parse(req.body) as { presence: unknown }).presence);
        return json(res, 200, req.method === 'PUT' ? {} : { presence: stored.get(req.path) ?? 'offline' });
      });
      const report = await probeServer({ homeserver: fake.url, budgetMs: 5_000 });
      expect(claimed(report)).to.include('r0_paths');
      expect(conclusion(report, 'free_for_chat')).to.equal(
        'not claimed: free_for_chat is stored, but so is a made-up state: the server takes any string, not the r0 states',
      );
    });

    it('a rate limit with a long wait is read from the first 429, without waiting it out', async () => {
      fake = await startFakeHomeserver();
      const puts = new Map<string, number>();
      fake.override((req, res) => {
        if (!(req.method === 'PUT' && req.path.startsWith('/_matrix/client/v3/presence/'))) return false;
        const n = (puts.get(req.path) ?? 0) + 1;
        puts.set(req.path, n);
        return n > 2 ? json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 9_800 }) : json(res, 200, {});
      });
      const started = Date.now();
      const report = await probeServer({ homeserver: fake.url, budgetMs: 5_000 });
      expect(Date.now() - started).to.be.lessThan(8_000);
      expect(report.rateLimit).to.deep.equal({ per_second: 0.1, burst: 2 });
      expect(conclusion(report, 'rate_limit')).to.equal(
        "claimed: PUT 3 of a burst answered 429 (retry_after_ms 9800): burst 2, about 0.1/s (from the first 429's wait (retry_after_ms 9800))",
      );
    });
  });
});
