// The HTTP surface around presence: versions, registration (UIA), login, whoami, logout, tokens, the
// error catalogue at the HTTP level (404, 405, 413, M_NOT_JSON, M_BAD_JSON), CORS, r0 paths.
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { ERRORS } from '../../mock-server/errors.js';
import { authHeader, makeMock, v3 } from './helpers.js';

describe('mock HTTP surface', () => {
  it('GET /_matrix/client/versions lists r0 and v1 versions', async () => {
    const m = makeMock();
    const res = await request(m.app).get('/_matrix/client/versions');
    expect(res.status).to.equal(200);
    expect(res.body.versions).to.include.members(['r0.6.1', 'v1.1']);
  });

  describe('registration and login', () => {
    it('POST /register without auth is 401 with the m.login.dummy flow and a session', async () => {
      const m = makeMock();
      const res = await request(m.app).post(`${v3}/register`).send({ username: 'x', password: 'y' });
      expect(res.status).to.equal(401);
      expect(res.body.flows).to.deep.equal([{ stages: ['m.login.dummy'] }]);
      expect(res.body.session).to.be.a('string');
    });

    it('a taken or invalid username is refused with M_USER_IN_USE / M_INVALID_USERNAME', async () => {
      const m = makeMock();
      await m.register('alice');
      const taken = await request(m.app)
        .post(`${v3}/register`)
        .send({ username: 'alice', auth: { type: 'm.login.dummy' } });
      expect([taken.status, taken.body.errcode]).to.deep.equal([400, 'M_USER_IN_USE']);
      const bad = await request(m.app)
        .post(`${v3}/register`)
        .send({ username: 'Al!ce', auth: { type: 'm.login.dummy' } });
      expect([bad.status, bad.body.errcode]).to.deep.equal([400, 'M_INVALID_USERNAME']);
      const avail = await request(m.app).get(`${v3}/register/available`).query({ username: 'bob' });
      expect(avail.body).to.deep.equal({ available: true });
    });

    it('GET /login lists m.login.password; POST /login with a localpart or user id gives a working token', async () => {
      const m = makeMock();
      const a = await m.register('carol');
      expect((await request(m.app).get(`${v3}/login`)).body).to.deep.equal({ flows: [{ type: 'm.login.password' }] });
      for (const user of ['carol', a.userId]) {
        const res = await request(m.app)
          .post(`${v3}/login`)
          .send({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password: 'pw' });
        expect(res.status).to.equal(200);
        const who = await request(m.app).get(`${v3}/account/whoami`).set('Authorization', `Bearer ${res.body.access_token}`);
        expect(who.body.user_id).to.equal(a.userId);
      }
      const wrong = await request(m.app).post(`${v3}/login`).send({ type: 'm.login.password', user: 'carol', password: 'no' });
      expect([wrong.status, wrong.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
      const type = await request(m.app).post(`${v3}/login`).send({ type: 'm.login.token', token: 'x' });
      expect(type.status).to.equal(400);
    });

    it("registration closed: POST /register and /register/available answer 403 M_FORBIDDEN, as Synapse's enable_registration: false", async () => {
      const m = makeMock({ registration: { enabled: false } });
      for (const res of [
        await request(m.app).post(`${v3}/register`).send({ username: 'x', password: 'y' }),
        await request(m.app)
          .post(`${v3}/register`)
          .send({ username: 'x', password: 'y', auth: { type: 'm.login.dummy' } }),
        await request(m.app).get(`${v3}/register/available`).query({ username: 'x' }),
        await request(m.app).post('/_matrix/client/api/v1/register').send({ type: 'm.login.password', user: 'x', password: 'y' }),
      ]) {
        expect([res.status, res.body.errcode, res.body.error]).to.deep.equal([403, 'M_FORBIDDEN', 'Registration has been disabled.']);
      }
    });

    it('users made in advance answer to their configured tokens, and registration cannot take their names', async () => {
      const m = makeMock({
        server_name: 'hs.test',
        registration: {
          users: [
            { localpart: 'static1', access_token: 'tok-1' },
            { localpart: 'static2', access_token: 'tok-2', device_id: 'DEV2' },
          ],
        },
      });
      const who = await request(m.app).get(`${v3}/account/whoami`).set('Authorization', 'Bearer tok-2');
      expect(who.body).to.deep.equal({ user_id: '@static2:hs.test', device_id: 'DEV2', is_guest: false });
      const first = await request(m.app).get(`${v3}/account/whoami`).set('Authorization', 'Bearer tok-1');
      expect(first.body.device_id).to.equal('STATIC');
      const taken = await request(m.app)
        .post(`${v3}/register`)
        .send({ username: 'static1', auth: { type: 'm.login.dummy' } });
      expect(taken.body.errcode).to.equal('M_USER_IN_USE');
    });

    it('logout invalidates the token', async () => {
      const m = makeMock();
      const a = await m.register();
      expect((await request(m.app).post(`${v3}/logout`).set(authHeader(a))).status).to.equal(200);
      const after = await request(m.app).get(`${v3}/account/whoami`).set(authHeader(a));
      expect([after.status, after.body.errcode]).to.deep.equal([401, 'M_UNKNOWN_TOKEN']);
    });
  });

  describe('errors', () => {
    it('an unknown endpoint is 404 M_UNRECOGNIZED, JSON, with CORS headers', async () => {
      const m = makeMock();
      for (const path of ['/nothing', `${v3}/nothing/here`, '/_matrix/client/v9/sync']) {
        const res = await request(m.app).get(path);
        expect([res.status, res.body.errcode], path).to.deep.equal([404, 'M_UNRECOGNIZED']);
        expect(res.headers['content-type']).to.match(/^application\/json/);
        expect(res.headers['access-control-allow-origin']).to.equal('*');
      }
    });

    it('a known endpoint with the wrong method is 405 M_UNRECOGNIZED with Allow', async () => {
      const m = makeMock();
      const a = await m.register();
      const res = await request(m.app)
        .delete(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
        .set(authHeader(a));
      expect([res.status, res.body.errcode]).to.deep.equal([405, 'M_UNRECOGNIZED']);
      expect(res.headers.allow).to.equal('GET, PUT');
    });

    it('OPTIONS answers 204 with the CORS headers the spec lists', async () => {
      const m = makeMock();
      const res = await request(m.app).options(`${v3}/presence/x/status`);
      expect(res.status).to.equal(204);
      expect(res.headers['access-control-allow-methods']).to.equal('GET, POST, PUT, DELETE, OPTIONS');
      expect(res.headers['access-control-allow-headers']).to.equal('X-Requested-With, Content-Type, Authorization');
    });

    it('a body over the limit is 413 M_TOO_LARGE', async () => {
      const m = makeMock({ limits: { max_body_bytes: 100 } });
      const a = await m.register();
      const res = await m.put(a, 'online', 'x'.repeat(200));
      expect([res.status, res.body.errcode]).to.deep.equal([413, 'M_TOO_LARGE']);
    });

    it('a chunked body (no Content-Length) over the limit is 413 too', async () => {
      const { startMockServer } = await import('../../mock-server/index.js');
      const mock = await startMockServer({ config: { limits: { max_body_bytes: 1000 } } });
      try {
        const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(`${mock.url}${v3}/register`, { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } }, (r) => {
            let body = '';
            r.on('data', (c: Buffer) => (body += c.toString()));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          for (let i = 0; i < 10; i++) req.write('x'.repeat(200));
          req.end();
        });
        expect(res.status).to.equal(413);
        expect(JSON.parse(res.body).errcode).to.equal('M_TOO_LARGE');
      } finally {
        await mock.close();
      }
    });

    it('garbage of every kind never produces a 500', async () => {
      const m = makeMock();
      const a = await m.register();
      const bodies = ['', 'null', '"str"', '42', '[]', '{"presence":null}', '{"presence":{}}', '\u0000', '{"presence":"online","status_msg":null}'];
      const paths = [
        `${v3}/presence/${encodeURIComponent(a.userId)}/status`,
        `${v3}/createRoom`,
        `${v3}/register`,
        `${v3}/login`,
        `${v3}/user/${encodeURIComponent(a.userId)}/filter`,
      ];
      for (const path of paths) {
        for (const body of bodies) {
          for (const method of ['put', 'post'] as const) {
            const res = await request(m.app)[method](path).set(authHeader(a)).set('Content-Type', 'application/json').send(body);
            expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).to.be.below(500);
            expect(res.headers['content-type']).to.match(/^application\/json/);
          }
        }
      }
    });

    it('every catalogue entry has a status, an M_ errcode and a message', () => {
      for (const [name, spec] of Object.entries(ERRORS)) {
        expect(spec.status, name).to.be.within(400, 599);
        expect(spec.errcode, name).to.match(/^M_[A-Z_]+$/);
        expect(spec.message, name).to.match(/\.$/);
      }
    });
  });

  it('serves the presence endpoints under /r0 and the early /api/v1 prefix too (the early one with the token in the query)', async () => {
    const m = makeMock();
    const a = await m.register();
    const r0 = await request(m.app)
      .get(`/_matrix/client/r0/presence/${encodeURIComponent(a.userId)}/status`)
      .set(authHeader(a));
    expect(r0.status).to.equal(200);
    const early = await request(m.app)
      .get(`/_matrix/client/api/v1/presence/${encodeURIComponent(a.userId)}/status`)
      .query({ access_token: a.token });
    expect(early.status).to.equal(200);
  });

  it('answers what matrix-js-sdk asks for before syncing: capabilities and push rules', async () => {
    const m = makeMock();
    const a = await m.register();
    const caps = await request(m.app).get(`${v3}/capabilities`).set(authHeader(a));
    expect(caps.body.capabilities['m.room_versions'].default).to.equal('10');
    const rules = await request(m.app).get(`${v3}/pushrules/`).set(authHeader(a));
    expect(rules.body.global).to.have.all.keys('override', 'content', 'room', 'sender', 'underride');
  });
});
