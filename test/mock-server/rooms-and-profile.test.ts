// Room and account endpoints' error paths, and room state as a client reads it.
import { expect } from 'chai';
import request from 'supertest';
import { KEPT_EVENTS } from '../../mock-server/rooms.js';
import { authHeader, makeMock, v3 } from './helpers.js';

describe('mock rooms and accounts: error paths', () => {
  it('invite: 404 for an unknown user, 403 when the inviter is not joined, 400 without user_id', async () => {
    const m = makeMock();
    const [a, b, c] = [await m.register(), await m.register(), await m.register()];
    const room = encodeURIComponent((await request(m.app).post(`${v3}/createRoom`).set(authHeader(a)).send({})).body.room_id);
    const unknown = await request(m.app).post(`${v3}/rooms/${room}/invite`).set(authHeader(a)).send({ user_id: '@ghost:localhost' });
    expect([unknown.status, unknown.body.errcode]).to.deep.equal([404, 'M_NOT_FOUND']);
    const outsider = await request(m.app).post(`${v3}/rooms/${room}/invite`).set(authHeader(c)).send({ user_id: b.userId });
    expect([outsider.status, outsider.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
    const missing = await request(m.app).post(`${v3}/rooms/${room}/invite`).set(authHeader(a)).send({});
    expect([missing.status, missing.body.errcode]).to.deep.equal([400, 'M_BAD_JSON']);
    const ok = await request(m.app).post(`${v3}/rooms/${room}/invite`).set(authHeader(a)).send({ user_id: b.userId });
    expect(ok.status).to.equal(200);
    expect((await request(m.app).post(`${v3}/rooms/${room}/join`).set(authHeader(b))).status, 'an invited user joins').to.equal(200);
  });

  it('createRoom refuses an unknown preset, a bad invite list and unknown invitees', async () => {
    const m = makeMock();
    const a = await m.register();
    for (const [body, errcode] of [
      [{ preset: 'party' }, 'M_INVALID_PARAM'],
      [{ invite: 'x' }, 'M_BAD_JSON'],
      [{ invite: ['@ghost:localhost'] }, 'M_NOT_FOUND'],
      [{ initial_state: [1] }, 'M_BAD_JSON'],
    ] as const) {
      const res = await request(m.app).post(`${v3}/createRoom`).set(authHeader(a)).send(body);
      expect(res.body.errcode, JSON.stringify(body)).to.equal(errcode);
    }
  });

  it('sending requires membership (403); a retried transaction returns the same event_id', async () => {
    const m = makeMock();
    const [a, b] = [await m.register(), await m.register()];
    const room = await m.shareRoom(a);
    const path = `${v3}/rooms/${encodeURIComponent(room)}/send/m.room.message/txn1`;
    const denied = await request(m.app).put(path).set(authHeader(b)).send({ body: 'x' });
    expect([denied.status, denied.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
    const first = await request(m.app).put(path).set(authHeader(a)).send({ body: 'x' });
    const again = await request(m.app).put(path).set(authHeader(a)).send({ body: 'x' });
    expect(again.body.event_id).to.equal(first.body.event_id);
  });

  it('room state reads: a state event, the whole state, members; a missing one is 404', async () => {
    const m = makeMock();
    const a = await m.register();
    const room = encodeURIComponent((await request(m.app).post(`${v3}/createRoom`).set(authHeader(a)).send({ name: 'N' })).body.room_id);
    expect((await request(m.app).get(`${v3}/rooms/${room}/state/m.room.name`).set(authHeader(a))).body).to.deep.equal({ name: 'N' });
    expect(
      (
        await request(m.app)
          .get(`${v3}/rooms/${room}/state/m.room.member/${encodeURIComponent(a.userId)}`)
          .set(authHeader(a))
      ).body,
    ).to.deep.equal({ membership: 'join' });
    const all = await request(m.app).get(`${v3}/rooms/${room}/state`).set(authHeader(a));
    expect(all.body.map((e: { type: string }) => e.type)).to.include.members(['m.room.create', 'm.room.member', 'm.room.join_rules']);
    const members = await request(m.app).get(`${v3}/rooms/${room}/joined_members`).set(authHeader(a));
    expect(Object.keys(members.body.joined)).to.deep.equal([a.userId]);
    const missing = await request(m.app).get(`${v3}/rooms/${room}/state/m.room.topic`).set(authHeader(a));
    expect([missing.status, missing.body.errcode]).to.deep.equal([404, 'M_NOT_FOUND']);
  });

  it('typing for another user is 403; typing without a boolean is 400', async () => {
    const m = makeMock();
    const [a, b] = [await m.register(), await m.register()];
    const room = encodeURIComponent(await m.shareRoom(a, b));
    const other = await request(m.app)
      .put(`${v3}/rooms/${room}/typing/${encodeURIComponent(b.userId)}`)
      .set(authHeader(a))
      .send({ typing: true });
    expect(other.status).to.equal(403);
    const bad = await request(m.app)
      .put(`${v3}/rooms/${room}/typing/${encodeURIComponent(a.userId)}`)
      .set(authHeader(a))
      .send({ typing: 'yes' });
    expect([bad.status, bad.body.errcode]).to.deep.equal([400, 'M_BAD_JSON']);
  });

  it('registration: guests are refused, inhibit_login returns no token, whoami names the device', async () => {
    const m = makeMock();
    const guest = await request(m.app)
      .post(`${v3}/register`)
      .query({ kind: 'guest' })
      .send({ auth: { type: 'm.login.dummy' } });
    expect([guest.status, guest.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
    const quiet = await request(m.app)
      .post(`${v3}/register`)
      .send({ username: 'quiet', auth: { type: 'm.login.dummy' }, inhibit_login: true });
    expect(quiet.body).to.deep.equal({ user_id: '@quiet:localhost', home_server: 'localhost' });
    const dev = await request(m.app)
      .post(`${v3}/register`)
      .send({ username: 'dev', auth: { type: 'm.login.dummy' }, device_id: 'PHONE' });
    const who = await request(m.app).get(`${v3}/account/whoami`).set('Authorization', `Bearer ${dev.body.access_token}`);
    expect(who.body).to.deep.equal({ user_id: '@dev:localhost', device_id: 'PHONE', is_guest: false });
  });

  it('filters and account data belong to their owner (403 for another user), unknown filter 404', async () => {
    const m = makeMock();
    const [a, b] = [await m.register(), await m.register()];
    const other = await request(m.app)
      .post(`${v3}/user/${encodeURIComponent(b.userId)}/filter`)
      .set(authHeader(a))
      .send({});
    expect(other.status).to.equal(403);
    const missing = await request(m.app)
      .get(`${v3}/user/${encodeURIComponent(a.userId)}/filter/42`)
      .set(authHeader(a));
    expect([missing.status, missing.body.errcode]).to.deep.equal([404, 'M_NOT_FOUND']);
  });

  // Memory stays bounded under a long run (docs/benchmarks.md): no per-event history without limit.
  it('keeps a bounded timeline per room and says limited: true to a sync from before it', async () => {
    const m = makeMock();
    const a = await m.register();
    const b = await m.register();
    const room = await m.shareRoom(a, b);
    const since = (await m.sync(b)).next_batch;
    const hs = m.app.homeserver;
    for (let i = 0; i < 2 * KEPT_EVENTS + 10; i++) hs.send(room, a.userId, 'm.room.message', { msgtype: 'm.text', body: `${i}` });
    const timeline = hs.getRoom(room).timeline;
    expect(timeline.length).to.be.within(KEPT_EVENTS, 2 * KEPT_EVENTS);
    expect((timeline.at(-1)!.content as { body: string }).body).to.equal(`${2 * KEPT_EVENTS + 9}`);
    const old = await m.sync(b, { since });
    const section = old.rooms.join[room] as { timeline: { events: unknown[]; limited: boolean } };
    expect([section.timeline.events.length, section.timeline.limited]).to.deep.equal([timeline.length, true]);
    // A sync within the kept window is complete.
    const recent = await m.sync(b, { since: old.next_batch });
    hs.send(room, a.userId, 'm.room.message', { msgtype: 'm.text', body: 'one more' });
    const next = await m.sync(b, { since: recent.next_batch });
    expect((next.rooms.join[room] as { timeline: { limited: boolean } }).timeline.limited).to.equal(false);
  });

  it('keeps the newest transaction ids only, and a retry of a recent one is still idempotent', async () => {
    const m = makeMock();
    const a = await m.register();
    const room = await m.shareRoom(a);
    const send = (txn: string) =>
      request(m.app)
        .put(`${v3}/rooms/${encodeURIComponent(room)}/send/m.room.message/${txn}`)
        .set(authHeader(a))
        .send({ msgtype: 'm.text', body: txn });
    const first = await send('t0');
    for (let i = 1; i <= 1100; i++) await send(`t${i}`);
    expect(m.app.homeserver.accounts.users.get(a.userId)!.txns.size).to.equal(1000);
    expect((await send('t1100')).body.event_id).to.be.a('string');
    const again = await send('t1100');
    expect(again.body.event_id).to.equal((await send('t1100')).body.event_id);
    expect((await send('t0')).body.event_id).to.not.equal(first.body.event_id);
  });
});
