// A client's own tests against the mock, started in-process on a loopback port and spoken to with plain
// fetch (run with `node --test`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock, startMockServer, type RunningMockServer } from 'matrix-presence-conformance/mock';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(mock: RunningMockServer, method: string, path: string, token?: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${mock.url}/_matrix/client/v3${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Registration completes its user-interactive auth with m.login.dummy. */
async function register(mock: RunningMockServer, username: string): Promise<{ userId: string; token: string }> {
  const { status, body } = await call(mock, 'POST', '/register', undefined, { username, password: 'secret', auth: { type: 'm.login.dummy' } });
  assert.equal(status, 200);
  return { userId: String(body.user_id), token: String(body.access_token) };
}

const statusPath = (userId: string) => `/presence/${encodeURIComponent(userId)}/status`;

test('the presence a user sets is the presence read back', async () => {
  const mock = await startMockServer();
  try {
    const alice = await register(mock, 'alice');
    const put = await call(mock, 'PUT', statusPath(alice.userId), alice.token, { presence: 'online', status_msg: 'writing tests' });
    assert.equal(put.status, 200);
    const get = await call(mock, 'GET', statusPath(alice.userId), alice.token);
    assert.equal(get.status, 200);
    assert.equal(get.body.presence, 'online');
    assert.equal(get.body.status_msg, 'writing tests');
  } finally {
    await mock.close();
  }
});

test('an online user who does nothing goes unavailable, then offline, on a clock the test moves', async () => {
  const clock = new FakeClock();
  // The defaults are Synapse's: idle after 5 min, offline 30 s after the last /sync or activity. The
  // idle timeout is shortened so that it comes first.
  const mock = await startMockServer({ clock, config: { presence: { idle_timeout: 10_000, sync_online_timeout: 30_000 } } });
  try {
    const bob = await register(mock, 'bob');
    await call(mock, 'PUT', statusPath(bob.userId), bob.token, { presence: 'online' });
    clock.advance(10_000);
    assert.equal((await call(mock, 'GET', statusPath(bob.userId), bob.token)).body.presence, 'unavailable');
    clock.advance(20_000);
    assert.equal((await call(mock, 'GET', statusPath(bob.userId), bob.token)).body.presence, 'offline');
  } finally {
    await mock.close();
  }
});

test('a rate-limited PUT says when to retry in the Retry-After header alone (a variant)', async () => {
  const mock = await startMockServer({ config: { rate_limit: { enabled: true, per_second: 0.1, burst: 1 }, variants: ['retry-after-header-only'] } });
  try {
    const carol = await register(mock, 'carol');
    await call(mock, 'PUT', statusPath(carol.userId), carol.token, { presence: 'online' });
    const again = await call(mock, 'PUT', statusPath(carol.userId), carol.token, { presence: 'unavailable' });
    assert.equal(again.status, 429);
    assert.equal(again.body.errcode, 'M_LIMIT_EXCEEDED');
    assert.equal(again.body.retry_after_ms, undefined);
    assert.equal(again.headers.get('Retry-After'), '10');
  } finally {
    await mock.close();
  }
});
