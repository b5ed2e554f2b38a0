// The mock as a request listener: supertest drives it without a port, on a clock the test moves.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { FakeClock, createMockApp } from 'matrix-presence-conformance/mock';

test('a status message survives going idle', async () => {
  const clock = new FakeClock();
  const app = createMockApp({ presence: { idle_timeout: 10_000 } }, clock);
  const registered = await request(app)
    .post('/_matrix/client/v3/register')
    .send({ username: 'dave', password: 'secret', auth: { type: 'm.login.dummy' } })
    .expect(200);
  const { user_id: userId, access_token: token } = registered.body as { user_id: string; access_token: string };
  const status = `/_matrix/client/v3/presence/${encodeURIComponent(userId)}/status`;
  await request(app).put(status).auth(token, { type: 'bearer' }).send({ presence: 'online', status_msg: 'lunch' }).expect(200);
  clock.advance(10_000);
  const res = await request(app).get(status).auth(token, { type: 'bearer' }).expect(200);
  assert.equal(res.body.presence, 'unavailable');
  assert.equal(res.body.status_msg, 'lunch');
});
