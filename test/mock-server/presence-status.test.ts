// GET/PUT /presence/{userId}/status: validation, permissions, visibility, and the state machine
// (last_active_ago, currently_active, idle and sync-online timeouts, status_msg rules, rate limiting).
import { expect } from 'chai';
import request from 'supertest';
import { authHeader, makeMock, v3 } from './helpers.js';

describe('mock presence status', () => {
  it('PUT answers 200 {} as JSON and GET returns what was set', async () => {
    const m = makeMock();
    const a = await m.register();
    const put = await m.put(a, 'online', 'here');
    expect(put.status).to.equal(200);
    expect(put.body).to.deep.equal({});
    expect(put.headers['content-type']).to.match(/^application\/json/);
    const get = await m.get(a, a);
    expect(get.status).to.equal(200);
    expect(get.body).to.deep.equal({ presence: 'online', status_msg: 'here', last_active_ago: 0, currently_active: true });
  });

  it('a fresh user is offline with no last_active_ago', async () => {
    const m = makeMock();
    const a = await m.register();
    expect((await m.get(a, a)).body).to.deep.equal({ presence: 'offline' });
  });

  describe('body validation', () => {
    const cases: [string, unknown, number, string][] = [
      ['missing presence', { status_msg: 'x' }, 400, 'M_BAD_JSON'],
      ['presence not a string', { presence: 1 }, 400, 'M_BAD_JSON'],
      ['presence outside the enum', { presence: 'busy' }, 400, 'M_INVALID_PARAM'],
      ['free_for_chat without the legacy switch', { presence: 'free_for_chat' }, 400, 'M_INVALID_PARAM'],
      ['status_msg not a string', { presence: 'online', status_msg: 5 }, 400, 'M_BAD_JSON'],
      ['unknown keys (as Synapse)', { presence: 'online', mood: 'good' }, 400, 'M_BAD_JSON'],
      ['a JSON array body', ['online'], 400, 'M_BAD_JSON'],
    ];
    for (const [name, body, status, errcode] of cases) {
      it(`${name}: ${status} ${errcode}`, async () => {
        const m = makeMock();
        const a = await m.register();
        const res = await request(m.app)
          .put(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
          .set(authHeader(a))
          .send(body as object);
        expect(res.status).to.equal(status);
        expect(res.body.errcode).to.equal(errcode);
        expect(res.body.error).to.be.a('string');
      });
    }

    it('an unparsable body is 400 M_NOT_JSON', async () => {
      const m = makeMock();
      const a = await m.register();
      const res = await request(m.app)
        .put(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
        .set(authHeader(a))
        .set('Content-Type', 'application/json')
        .send('{"presence":');
      expect(res.status).to.equal(400);
      expect(res.body.errcode).to.equal('M_NOT_JSON');
    });

    it('a malformed user id is 400 M_INVALID_PARAM; a bad percent-escape too', async () => {
      const m = makeMock();
      const a = await m.register();
      for (const path of ['not-a-user', '%E0%A4%A']) {
        const res = await request(m.app).get(`${v3}/presence/${path}/status`).set(authHeader(a));
        expect(res.status, path).to.equal(400);
        expect(res.body.errcode).to.equal('M_INVALID_PARAM');
      }
    });
  });

  describe('permissions and visibility', () => {
    it("PUT of another user's presence is 403 M_FORBIDDEN and changes nothing", async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      await m.shareRoom(a, b);
      const res = await request(m.app)
        .put(`${v3}/presence/${encodeURIComponent(b.userId)}/status`)
        .set(authHeader(a))
        .send({ presence: 'online' });
      expect(res.status).to.equal(403);
      expect(res.body.errcode).to.equal('M_FORBIDDEN');
      expect((await m.get(b, b)).body.presence).to.equal('offline');
    });

    it('GET of a user sharing no room is 403 M_FORBIDDEN; after joining a room it is 200; after leaving, 403 again', async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      await m.put(b, 'online');
      const stranger = await m.get(a, b);
      expect(stranger.status).to.equal(403);
      expect(stranger.body.errcode).to.equal('M_FORBIDDEN');
      const room = await m.shareRoom(a, b);
      expect((await m.get(a, b)).status).to.equal(200);
      await request(m.app)
        .post(`${v3}/rooms/${encodeURIComponent(room)}/leave`)
        .set(authHeader(b))
        .send({});
      expect((await m.get(a, b)).status).to.equal(403);
    });

    it('GET of an unknown or remote user is 403 (they share no room), never 500', async () => {
      const m = makeMock();
      const a = await m.register();
      for (const u of ['@nobody:localhost', '@x:elsewhere.example']) {
        const res = await m.get(a, u);
        expect(res.status, u).to.equal(403);
      }
    });

    it('requires an access token: 401 M_MISSING_TOKEN and M_UNKNOWN_TOKEN; the query parameter works', async () => {
      const m = makeMock();
      const a = await m.register();
      const path = `${v3}/presence/${encodeURIComponent(a.userId)}/status`;
      const none = await request(m.app).get(path);
      expect([none.status, none.body.errcode]).to.deep.equal([401, 'M_MISSING_TOKEN']);
      const bad = await request(m.app).get(path).set('Authorization', 'Bearer nope');
      expect([bad.status, bad.body.errcode]).to.deep.equal([401, 'M_UNKNOWN_TOKEN']);
      const query = await request(m.app).get(path).query({ access_token: a.token });
      expect(query.status).to.equal(200);
    });
  });

  describe('last active and currently_active', () => {
    it('last_active_ago is computed when the response is built', async () => {
      const m = makeMock();
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1234);
      expect((await m.get(a, a)).body.last_active_ago).to.equal(1234);
    });

    it('currently_active is true within the granularity and false after it, and only present when online', async () => {
      const m = makeMock({ presence: { last_active_granularity: 400, sync_online_timeout: 100_000, idle_timeout: 50_000 } });
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(399);
      expect((await m.get(a, a)).body.currently_active).to.equal(true);
      m.clock.advance(2);
      expect((await m.get(a, a)).body.currently_active).to.equal(false);
      await m.put(a, 'unavailable');
      expect((await m.get(a, a)).body).to.not.have.property('currently_active');
    });

    it('unavailable -> online is pro-active; online -> unavailable is not', async () => {
      const m = makeMock({ presence: { sync_online_timeout: 100_000 } });
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1000);
      await m.put(a, 'unavailable');
      expect((await m.get(a, a)).body.last_active_ago).to.equal(1000);
      m.clock.advance(1000);
      await m.put(a, 'online');
      expect((await m.get(a, a)).body.last_active_ago).to.equal(0);
    });

    it('sending a message, typing and a receipt bump last active', async () => {
      const m = makeMock({ presence: { sync_online_timeout: 100_000 } });
      const a = await m.register();
      const room = await m.shareRoom(a);
      const r = encodeURIComponent(room);
      await m.put(a, 'online');
      const activities = [
        () => m.say(a, room),
        () =>
          request(m.app)
            .put(`${v3}/rooms/${r}/typing/${encodeURIComponent(a.userId)}`)
            .set(authHeader(a))
            .send({ typing: true, timeout: 1000 }),
        () =>
          request(m.app)
            .post(`${v3}/rooms/${r}/receipt/m.read/${encodeURIComponent('$e')}`)
            .set(authHeader(a))
            .send({}),
      ];
      for (const act of activities) {
        m.clock.advance(700);
        expect((await m.get(a, a)).body.last_active_ago).to.equal(700);
        expect((await act()).status).to.equal(200);
        expect((await m.get(a, a)).body.last_active_ago).to.equal(0);
      }
    });
  });

  describe('the first-device-only fault covers every way a device shows presence', () => {
    it('typing and receipts from another device change nothing; from the first device they bump', async () => {
      const m = makeMock({ faults: ['first-device-only'], presence: { sync_online_timeout: 100_000 } });
      const a = await m.register();
      const phone = await m.login(a);
      const room = encodeURIComponent(await m.shareRoom(a));
      await m.put(a, 'online');
      const typing = (who: typeof a) =>
        request(m.app)
          .put(`${v3}/rooms/${room}/typing/${encodeURIComponent(a.userId)}`)
          .set(authHeader(who))
          .send({ typing: true, timeout: 1000 });
      const receipt = (who: typeof a) =>
        request(m.app)
          .post(`${v3}/rooms/${room}/receipt/m.read/${encodeURIComponent('$e')}`)
          .set(authHeader(who))
          .send({});
      for (const act of [typing, receipt]) {
        m.clock.advance(700);
        expect((await act(phone)).status).to.equal(200);
        expect((await m.get(a, a)).body.last_active_ago).to.equal(700);
        expect((await act(a)).status).to.equal(200);
        expect((await m.get(a, a)).body.last_active_ago).to.equal(0);
      }
    });

    it('a user made in advance has a first device: the one of their configured token', async () => {
      // (Without one, every device of theirs counted as "another device": nothing they did counted.)
      const m = makeMock({ faults: ['first-device-only'], registration: { users: [{ localpart: 'st', access_token: 'tok-st', device_id: 'DESK' }] } });
      const st = { userId: '@st:localhost', token: 'tok-st' };
      await m.sync(st, { set_presence: 'online' });
      expect((await m.get(st, st)).body.presence).to.equal('online');
    });

    it('the early event stream of another device changes nothing', async () => {
      const m = makeMock({ spec_version: 'early', faults: ['first-device-only'] });
      const a = await m.register();
      const phone = await m.login(a);
      const events = (who: typeof a) => request(m.app).get('/_matrix/client/api/v1/events').query({ access_token: who.token, timeout: 0 });
      const presence = async () =>
        (
          await request(m.app)
            .get(`/_matrix/client/api/v1/presence/${encodeURIComponent(a.userId)}/status`)
            .query({ access_token: a.token })
        ).body.presence;
      expect((await events(phone)).status).to.equal(200);
      expect(await presence()).to.equal('offline');
      expect((await events(a)).status).to.equal(200);
      expect(await presence()).to.equal('online');
    });
  });

  describe('timeouts', () => {
    it('idle: online -> unavailable after the idle timeout, keeping status_msg; activity brings the user back online', async () => {
      const m = makeMock({ presence: { idle_timeout: 1500, sync_online_timeout: 100_000, last_active_granularity: 400 } });
      const a = await m.register();
      const room = await m.shareRoom(a);
      await m.put(a, 'online', 'lunch');
      m.clock.advance(1499);
      expect((await m.get(a, a)).body.presence).to.equal('online');
      m.clock.advance(1);
      expect((await m.get(a, a)).body).to.include({ presence: 'unavailable', status_msg: 'lunch' });
      await m.say(a, room);
      expect((await m.get(a, a)).body).to.include({ presence: 'online', status_msg: 'lunch', currently_active: true });
    });

    it('sync online timeout: a user who stops syncing goes offline, keeping status_msg; syncing again brings them back', async () => {
      const m = makeMock({ presence: { idle_timeout: 100_000, sync_online_timeout: 1500 } });
      const a = await m.register();
      await m.put(a, 'online', 'busy');
      await m.sync(a, { set_presence: 'online' });
      m.clock.advance(1499);
      expect((await m.get(a, a)).body.presence).to.equal('online');
      m.clock.advance(1);
      expect((await m.get(a, a)).body).to.include({ presence: 'offline', status_msg: 'busy' });
      await m.sync(a, { set_presence: 'online' });
      expect((await m.get(a, a)).body).to.include({ presence: 'online', status_msg: 'busy' });
    });
  });

  describe('status_msg', () => {
    it('is replaced by each PUT and cleared when absent', async () => {
      const m = makeMock();
      const a = await m.register();
      await m.put(a, 'online', 'one');
      await m.put(a, 'online', 'two');
      expect((await m.get(a, a)).body.status_msg).to.equal('two');
      await m.put(a, 'online');
      expect((await m.get(a, a)).body).to.not.have.property('status_msg');
    });

    it('is kept across syncs with set_presence', async () => {
      const m = makeMock();
      const a = await m.register();
      await m.put(a, 'online', 'kept');
      await m.sync(a, { set_presence: 'unavailable' });
      expect((await m.get(a, a)).body).to.include({ presence: 'unavailable', status_msg: 'kept' });
    });
  });

  describe('rate limiting', () => {
    it('answers 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After, and allows again after the wait', async () => {
      const m = makeMock({ rate_limit: { enabled: true, per_second: 0.1, burst: 1 } });
      const a = await m.register();
      expect((await m.put(a, 'online')).status).to.equal(200);
      const limited = await m.put(a, 'online');
      expect(limited.status).to.equal(429);
      expect(limited.body.errcode).to.equal('M_LIMIT_EXCEEDED');
      expect(limited.body.retry_after_ms).to.equal(10_000);
      expect(limited.headers['retry-after']).to.equal('10');
      m.clock.advance(10_000);
      expect((await m.put(a, 'online')).status).to.equal(200);
    });

    it('is per user', async () => {
      const m = makeMock({ rate_limit: { enabled: true, per_second: 0.1, burst: 1 } });
      const [a, b] = [await m.register(), await m.register()];
      await m.put(a, 'online');
      expect((await m.put(b, 'online')).status).to.equal(200);
    });

    it('an over-limit set_presence on /sync is ignored, not refused', async () => {
      const m = makeMock({ rate_limit: { enabled: true, per_second: 0.1, burst: 1 } });
      const a = await m.register();
      await m.put(a, 'online');
      const res = await request(m.app).get(`${v3}/sync`).query({ set_presence: 'unavailable' }).set(authHeader(a));
      expect(res.status).to.equal(200);
      expect((await m.get(a, a)).body.presence).to.equal('online');
    });
  });

  describe('presence disabled (Synapse presence.enabled: false)', () => {
    it('GET answers {"presence":"offline"} even for strangers, PUT is accepted and ignored, /sync has no presence', async () => {
      const m = makeMock({ presence: { enabled: false } });
      const [a, b] = [await m.register(), await m.register()];
      expect((await m.put(a, 'online', 'x')).status).to.equal(200);
      expect((await m.get(a, a)).body).to.deep.equal({ presence: 'offline' });
      expect((await m.get(b, a)).body).to.deep.equal({ presence: 'offline' });
      const body = await m.sync(a, { set_presence: 'online' });
      expect(body.presence.events).to.deep.equal([]);
    });
  });

  describe('legacy', () => {
    it('free_for_chat is accepted on the r0 prefix behind the legacy switch, never on v3', async () => {
      const m = makeMock({ legacy: { free_for_chat: true } });
      const a = await m.register();
      const r0 = `/_matrix/client/r0/presence/${encodeURIComponent(a.userId)}/status`;
      expect((await request(m.app).put(r0).set(authHeader(a)).send({ presence: 'free_for_chat' })).status).to.equal(200);
      expect((await m.get(a, a)).body).to.include({ presence: 'free_for_chat', last_active_ago: 0 });
      expect((await m.put(a, 'free_for_chat')).status, 'v1.x dropped it').to.equal(400);
    });

    it('the early presence list: invite shows the user with presence, drop removes them; off by default', async () => {
      const m = makeMock({ legacy: { presence_list: true } });
      const [a, b] = [await m.register(), await m.register()];
      await m.put(b, 'online', 'hey');
      const path = `/_matrix/client/v3/presence/list/${encodeURIComponent(a.userId)}`;
      expect(
        (
          await request(m.app)
            .post(path)
            .set(authHeader(a))
            .send({ invite: [b.userId] })
        ).status,
      ).to.equal(200);
      const list = await request(m.app).get(path).set(authHeader(a));
      expect(list.body).to.deep.equal([{ user_id: b.userId, presence: 'online', last_active_ago: 0, status_msg: 'hey', currently_active: true }]);
      expect((await m.get(a, b)).status, 'a listed user is visible').to.equal(200);
      await request(m.app)
        .post(path)
        .set(authHeader(a))
        .send({ drop: [b.userId] });
      expect((await request(m.app).get(path).set(authHeader(a))).body).to.deep.equal([]);
      const bad = await request(m.app).post(path).set(authHeader(a)).send({ invite: 'x' });
      expect(bad.body.errcode).to.equal('M_BAD_JSON');

      const off = makeMock();
      const c = await off.register();
      const res = await request(off.app)
        .get(`/_matrix/client/api/v1/presence/list/${encodeURIComponent(c.userId)}`)
        .query({ access_token: c.token });
      expect([res.status, res.body.errcode]).to.deep.equal([404, 'M_UNRECOGNIZED']);
    });
  });
});
