// The one request before a run against --homeserver: a wrong URL or a stopped server is one clear
// sentence (exit 2), not one error verdict per case.
import { expect } from 'chai';
import nock from 'nock';
import { checkHomeserverReachable } from '../../runner/contact/reach-homeserver.js';
import { ConfigError } from '../../project/errors.js';

const BASE = 'http://hs.test';

async function refusal(url: string, timeoutMs = 1000): Promise<string> {
  const err = await checkHomeserverReachable(url, timeoutMs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(ConfigError);
  return (err as Error).message;
}

describe('checkHomeserverReachable', () => {
  // nock intercepts every request of the process while it is active (from its import on); it is on
  // only around these tests, so that the others reach their servers as the runner does.
  before(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
  afterEach(() => nock.cleanAll());

  it('accepts a server that lists its versions', async () => {
    nock(BASE)
      .get('/_matrix/client/versions')
      .reply(200, { versions: ['v1.19'] });
    await checkHomeserverReachable(`${BASE}/`, 1000);
  });

  it('refuses a server that is not a homeserver', async () => {
    nock(BASE).get('/_matrix/client/versions').reply(404, 'Not Found');
    expect(await refusal(BASE)).to.equal(
      `${BASE} does not answer like a Matrix homeserver: GET /_matrix/client/versions gave HTTP 404; give the base URL clients use, without /_matrix/...`,
    );
    nock(BASE).get('/_matrix/client/versions').reply(200, '<html>');
    expect(await refusal(BASE)).to.match(/gave a body that is not JSON$/);
    nock(BASE).get('/_matrix/client/versions').reply(200, { hello: 1 });
    expect(await refusal(BASE)).to.match(/gave JSON without a "versions" list$/);
  });

  it('gives up on a server that does not answer, within the request timeout', async () => {
    nock(BASE).get('/_matrix/client/versions').delay(2000).reply(200, { versions: [] });
    const started = Date.now();
    expect(await refusal(BASE, 200)).to.equal(`cannot reach the homeserver at ${BASE}: no answer within 200ms (GET /_matrix/client/versions)`);
    expect(Date.now() - started).to.be.lessThan(1500);
  });
});
