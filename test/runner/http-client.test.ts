// The transport's failure modes, with nock standing in for a misbehaving server (and a real closed
// port for a refused connection).
import { expect } from 'chai';
import nock from 'nock';
import { createServer, type Socket } from 'node:net';
import { MAX_RETRIES, MIN_RETRY_DELAY_MS, sendRequest, sendWithRetry, retryDelayMs, TransportError } from '../../runner/http/http-client.js';

const BASE = 'http://hs.test';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('http client', () => {
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

  it('parses a JSON answer and keeps headers in lower case', async () => {
    nock(BASE).get('/x').reply(200, { a: 1 }, { 'X-Thing': 'yes' });
    const r = await sendRequest({ method: 'GET', url: `${BASE}/x`, headers: {} }, 1000);
    expect(r.status).to.equal(200);
    expect(r.json).to.deep.equal({ a: 1 });
    expect(r.headers['x-thing']).to.equal('yes');
  });

  it('reports a body that is not JSON without failing the exchange', async () => {
    nock(BASE).get('/x').reply(200, '<html>oops', { 'content-type': 'application/json' });
    const r = await sendRequest({ method: 'GET', url: `${BASE}/x`, headers: {} }, 1000);
    expect(r.json).to.equal(undefined);
    expect(r.jsonError).to.match(/the body is not JSON .*"<html>oops"/);
  });

  it('times out a server that does not answer', async () => {
    nock(BASE).get('/slow').delay(500).reply(200, {});
    const started = Date.now();
    const err = await sendRequest({ method: 'GET', url: `${BASE}/slow`, headers: {} }, 50).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TransportError).with.property('kind', 'timeout');
    expect((err as Error).message).to.equal('no complete response within 50ms (GET /slow)');
    expect(Date.now() - started).to.be.lessThan(400);
  });

  // nock 14 cannot emit socket errors with a code, so these use a raw TCP server on loopback.
  async function rawServer(onConnection: (socket: Socket) => void): Promise<{ url: string; close: () => Promise<void> }> {
    nock.enableNetConnect('127.0.0.1');
    const server = createServer(onConnection);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('reports a connection closed before the answer', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.destroy()));
    const err = await sendRequest({ method: 'GET', url: `${server.url}/x`, headers: {} }, 1000).catch((e: unknown) => e);
    await server.close();
    expect(err).to.be.instanceOf(TransportError).with.property('kind', 'reset');
  });

  it('reports a connection closed in the middle of the body', async () => {
    const server = await rawServer((socket) =>
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"half":');
      }),
    );
    const err = await sendRequest({ method: 'GET', url: `${server.url}/x`, headers: {} }, 1000).catch((e: unknown) => e);
    await server.close();
    expect(err).to.be.instanceOf(TransportError).with.property('kind', 'reset');
  });

  it('reports an answer that is not HTTP', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n\r\n')));
    const err = await sendRequest({ method: 'GET', url: `${server.url}/x`, headers: {} }, 1000).catch((e: unknown) => e);
    await server.close();
    expect(err).to.be.instanceOf(TransportError).with.property('kind', 'protocol');
    expect((err as Error).message).to.match(/not valid HTTP/);
  });

  it('reports a refused connection', async () => {
    nock.enableNetConnect('127.0.0.1');
    const port = await closedPort();
    const err = await sendRequest({ method: 'GET', url: `http://127.0.0.1:${port}/x`, headers: {} }, 1000).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TransportError).with.property('kind', 'refused');
    expect((err as Error).message).to.equal(`connection refused by 127.0.0.1:${port}`);
  });

  it('stops at once when the case deadline aborts it', async () => {
    nock(BASE).get('/slow').delay(2000).reply(200, {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const err = await sendRequest({ method: 'GET', url: `${BASE}/slow`, headers: {} }, 5000, controller.signal).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TransportError).with.property('kind', 'aborted');
  });

  describe('429 retry', () => {
    it('takes the delay from retry_after_ms, then Retry-After, then 1 s', () => {
      const base = { status: 429, text: '', durationMs: 0 };
      expect(retryDelayMs({ ...base, headers: { 'retry-after': '3' }, json: { retry_after_ms: 250 } })).to.equal(250);
      expect(retryDelayMs({ ...base, headers: { 'retry-after': '2' } })).to.equal(2000);
      expect(retryDelayMs({ ...base, headers: {} })).to.equal(1000);
    });

    it('never waits less than 100 ms, whatever the server asks (no busy loop)', () => {
      const base = { status: 429, text: '', durationMs: 0 };
      expect(retryDelayMs({ ...base, headers: {}, json: { retry_after_ms: 0 } })).to.equal(MIN_RETRY_DELAY_MS);
      expect(retryDelayMs({ ...base, headers: { 'retry-after': '0' } })).to.equal(MIN_RETRY_DELAY_MS);
      // An empty header is no header (Number("") would be 0).
      expect(retryDelayMs({ ...base, headers: { 'retry-after': '' } })).to.equal(1000);
    });

    it('stops retrying a server that keeps answering 429 after MAX_RETRIES', async function () {
      this.timeout(10_000); // MAX_RETRIES pauses of MIN_RETRY_DELAY_MS
      nock(BASE)
        .put('/p')
        .times(MAX_RETRIES + 1)
        .reply(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 0 });
      const r = await sendWithRetry({ method: 'PUT', url: `${BASE}/p`, headers: {} }, { timeoutMs: 1000, deadline: Date.now() + 60_000, retry429: true });
      expect(r.status).to.equal(429);
      expect(nock.isDone()).to.equal(true);
    });

    it('retries after the advertised delay', async () => {
      nock(BASE).put('/p').reply(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 130 }).put('/p').reply(200, {});
      const delays: number[] = [];
      const started = Date.now();
      const r = await sendWithRetry(
        { method: 'PUT', url: `${BASE}/p`, headers: {}, body: '{}' },
        {
          timeoutMs: 1000,
          deadline: Date.now() + 5000,
          retry429: true,
          onRetry: (_r, d) => delays.push(d),
        },
      );
      expect(r.status).to.equal(200);
      expect(delays).to.deep.equal([130]);
      expect(Date.now() - started).to.be.at.least(125);
    });

    it('gives the 429 back when the delay would pass the deadline', async () => {
      nock(BASE).put('/p').reply(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 10_000 });
      const r = await sendWithRetry({ method: 'PUT', url: `${BASE}/p`, headers: {} }, { timeoutMs: 1000, deadline: Date.now() + 500, retry429: true });
      expect(r.status).to.equal(429);
    });

    it('does not retry when told not to (rate-limit cases)', async () => {
      nock(BASE).put('/p').reply(429, { retry_after_ms: 1 });
      const r = await sendWithRetry({ method: 'PUT', url: `${BASE}/p`, headers: {} }, { timeoutMs: 1000, deadline: Date.now() + 5000, retry429: false });
      expect(r.status).to.equal(429);
      expect(nock.isDone()).to.equal(true);
    });
  });
});
