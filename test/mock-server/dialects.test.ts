// The mock's dialects: `spec_version` all (every prefix, each in its own dialect; the default), or one
// release's API alone: v1.19 (/v3), r0 (= r0.1.0: /r0, free_for_chat) or early (/api/v1: the token in
// the query, m.login.password registration, /initialSync and /events, user_id in presence content, the
// presence list). What each release refuses: releases.test.ts.
import { expect } from 'chai';
import request from 'supertest';
import { authHeader, makeMock, v3 } from './helpers.js';

const EARLY = '/_matrix/client/api/v1';
const R0 = '/_matrix/client/r0';
const status = (prefix: string, userId: string) => `${prefix}/presence/${encodeURIComponent(userId)}/status`;

describe('mock dialects', () => {
  it('serves every prefix by default, the early one with the token in the query', async () => {
    const m = makeMock();
    const a = await m.register();
    for (const prefix of [v3, R0]) expect((await request(m.app).get(status(prefix, a.userId)).set(authHeader(a))).status, prefix).to.equal(200);
    expect((await request(m.app).get(status(EARLY, a.userId)).query({ access_token: a.token })).status).to.equal(200);
  });

  it('v1.19 alone: other prefixes are unrecognised and free_for_chat is refused', async () => {
    const m = makeMock({ spec_version: 'v1.19', legacy: { free_for_chat: true } });
    const a = await m.register();
    for (const prefix of [R0, EARLY]) {
      const res = await request(m.app).get(status(prefix, a.userId)).set(authHeader(a)).query({ access_token: a.token });
      expect([res.status, res.body.errcode], prefix).to.deep.equal([404, 'M_UNRECOGNIZED']);
    }
    expect((await m.put(a, 'free_for_chat')).status).to.equal(400);
  });

  it('r0 alone (r0.1.0, the seed r0 text): /r0 with free_for_chat and the token in the query string, nothing else', async () => {
    const m = makeMock({ spec_version: 'r0' });
    const a = await m.register();
    const put = await request(m.app).put(status(R0, a.userId)).query({ access_token: a.token }).send({ presence: 'free_for_chat', status_msg: 'chat' });
    expect(put.status).to.equal(200);
    expect((await request(m.app).get(status(R0, a.userId)).query({ access_token: a.token })).body).to.include({
      presence: 'free_for_chat',
      status_msg: 'chat',
    });
    for (const path of [status(v3, a.userId), status(EARLY, a.userId)]) {
      expect((await request(m.app).get(path).set(authHeader(a)).query({ access_token: a.token })).status, path).to.equal(404);
    }
  });

  describe('early alone', () => {
    it('registers with one m.login.password stage and answers no /versions and no v3', async () => {
      const m = makeMock({ spec_version: 'early' });
      expect((await request(m.app).get(`${EARLY}/register`)).body).to.deep.equal({ flows: [{ type: 'm.login.password' }] });
      const res = await request(m.app).post(`${EARLY}/register`).send({ type: 'm.login.password', user: 'early1', password: 'pw' });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ user_id: '@early1:localhost', home_server: 'localhost' });
      expect((await request(m.app).post(`${EARLY}/register`).send({ type: 'm.login.dummy' })).status).to.equal(400);
      expect((await request(m.app).get('/_matrix/client/versions')).status).to.equal(404);
      expect((await request(m.app).get(status(v3, res.body.user_id)).query({ access_token: res.body.access_token })).status).to.equal(404);
    });

    it('takes the token only from the query string (403 M_FORBIDDEN without it, 403 M_UNKNOWN_TOKEN for a wrong one)', async () => {
      const m = makeMock({ spec_version: 'early' });
      const a = await m.register();
      const header = await request(m.app).get(status(EARLY, a.userId)).set(authHeader(a));
      expect([header.status, header.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
      const wrong = await request(m.app).get(status(EARLY, a.userId)).query({ access_token: 'nope' });
      expect([wrong.status, wrong.body.errcode]).to.deep.equal([403, 'M_UNKNOWN_TOKEN']);
      expect((await request(m.app).get(status(EARLY, a.userId)).query({ access_token: a.token })).status).to.equal(200);
    });

    it("lists co-members' presence in /initialSync and streams changes in /events, named by content.user_id", async () => {
      const m = makeMock({ spec_version: 'early' });
      const a = await m.register();
      const b = await m.register();
      await m.shareRoom(a, b);
      await request(m.app).put(status(EARLY, a.userId)).query({ access_token: a.token }).send({ presence: 'unavailable', status_msg: 'here' });
      const initial = await request(m.app).get(`${EARLY}/initialSync`).query({ access_token: b.token, limit: 1 });
      const listed = (initial.body.presence as { type: string; content: Record<string, unknown> }[]).find((e) => e.content.user_id === a.userId);
      expect(listed).to.deep.include({ type: 'm.presence' });
      expect(listed!.content).to.include({ presence: 'unavailable', status_msg: 'here' });
      expect(initial.body.rooms[0]).to.include({ membership: 'join' });
      await request(m.app).put(status(EARLY, a.userId)).query({ access_token: a.token }).send({ presence: 'free_for_chat', status_msg: 'talk' });
      const events = await request(m.app).get(`${EARLY}/events`).query({ access_token: b.token, from: initial.body.end, timeout: 0 });
      const presence = (events.body.chunk as { type: string; sender?: string; content: Record<string, unknown> }[]).filter(
        (e) => e.type === 'm.presence' && e.content.user_id === a.userId,
      );
      expect(presence).to.have.length(1);
      expect(presence[0]!.content).to.include({ presence: 'free_for_chat', status_msg: 'talk' });
      expect(presence[0]).to.not.have.property('sender');
      expect(events.body.end).to.match(/^s\d+$/);
    });

    it('makes a user polling /events online (connected to an event stream)', async () => {
      const m = makeMock({ spec_version: 'early' });
      const a = await m.register();
      await request(m.app).get(`${EARLY}/events`).query({ access_token: a.token, timeout: 0 });
      expect((await request(m.app).get(status(EARLY, a.userId)).query({ access_token: a.token })).body.presence).to.equal('online');
    });

    it("serves the presence list at the text's path (presence_list_path own), and refuses hidden, which the API never took", async () => {
      const m = makeMock({ spec_version: 'early', legacy: { presence_list_path: 'own' } });
      const a = await m.register();
      const b = await m.register();
      expect(
        (
          await request(m.app)
            .post(`${EARLY}/presence/list`)
            .query({ access_token: a.token })
            .send({ invite: [b.userId] })
        ).status,
      ).to.equal(200);
      const list = await request(m.app).get(`${EARLY}/presence/list`).query({ access_token: a.token });
      expect(list.body.map((e: { user_id: string }) => e.user_id)).to.deep.equal([b.userId]);
      expect((await request(m.app).put(status(EARLY, a.userId)).query({ access_token: a.token }).send({ presence: 'hidden' })).status).to.equal(400);
    });

    it('sends a message with POST .../send/{type} (no transaction id)', async () => {
      const m = makeMock({ spec_version: 'early' });
      const a = await m.register();
      const room = await m.shareRoom(a);
      const res = await request(m.app)
        .post(`${EARLY}/rooms/${encodeURIComponent(room)}/send/m.room.message`)
        .query({ access_token: a.token })
        .send({ msgtype: 'm.text', body: 'hi' });
      expect(res.status).to.equal(200);
      expect(res.body.event_id).to.be.a('string');
    });
  });
});
