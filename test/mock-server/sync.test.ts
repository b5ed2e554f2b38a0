// /sync: presence delivery (self, co-members, strangers), long-poll wake-up, joins, no duplicates,
// set_presence, the presence filter, profile propagation, and the room sections a client needs.
import { expect } from 'chai';
import request from 'supertest';
import { authHeader, eventsFrom, makeMock, settle, v3 } from './helpers.js';
import { FakeClock } from '../../mock-server/clock.js';
import { resolveConfig } from '../../mock-server/config.js';
import { Homeserver } from '../../mock-server/homeserver.js';
import { buildSyncJson } from '../../mock-server/sync.js';

describe('mock /sync', () => {
  it('delivers a presence change to the user and to co-members, not to strangers', async () => {
    const m = makeMock();
    const [a, b, stranger] = [await m.register(), await m.register(), await m.register()];
    await m.shareRoom(a, b);
    const [sa, sb, ss] = [await m.sync(a), await m.sync(b), await m.sync(stranger)];
    await m.put(a, 'online', 'hi');
    const own = await m.presenceSince(a, sa.next_batch);
    const co = await m.presenceSince(b, sb.next_batch);
    const none = await m.presenceSince(stranger, ss.next_batch);
    for (const got of [own, co]) {
      expect(eventsFrom(got.events, a.userId)).to.deep.equal([
        { type: 'm.presence', sender: a.userId, content: { presence: 'online', status_msg: 'hi', last_active_ago: 0, currently_active: true } },
      ]);
    }
    expect(none.events).to.deep.equal([]);
  });

  it('an initial sync lists visible users who are not offline', async () => {
    const m = makeMock();
    const [a, b, c] = [await m.register(), await m.register(), await m.register()];
    await m.shareRoom(a, b, c);
    await m.put(b, 'online');
    const body = await m.sync(a);
    expect(body.presence.events.map((e) => e.sender)).to.deep.equal([b.userId]);
  });

  it('sends no event when nothing changed, and computes last_active_ago at delivery time', async () => {
    const m = makeMock({ presence: { sync_online_timeout: 100_000 } });
    const [a, b] = [await m.register(), await m.register()];
    await m.shareRoom(a, b);
    const s = await m.sync(b);
    await m.put(a, 'online', 'same');
    m.clock.advance(10);
    await m.put(a, 'online', 'same');
    m.clock.advance(250);
    const got = await m.presenceSince(b, s.next_batch);
    expect(eventsFrom(got.events, a.userId)).to.have.length(1);
    expect(got.events[0]!.content.last_active_ago).to.equal(250);
    const again = await m.presenceSince(b, got.next);
    expect(again.events).to.deep.equal([]);
  });

  it('a waiting long-poll wakes on a presence change', async () => {
    const m = makeMock();
    const [a, b] = [await m.register(), await m.register()];
    await m.shareRoom(a, b);
    const s = await m.sync(b);
    const waiting = m.presenceSince(b, s.next_batch, { timeout: '30000' });
    await settle(() => m.app.homeserver.notifier.waiting() > 0);
    expect(m.app.homeserver.notifier.waiting()).to.equal(1);
    await m.put(a, 'unavailable');
    const got = await waiting;
    expect(eventsFrom(got.events, a.userId)[0]!.content.presence).to.equal('unavailable');
  });

  it("a long-poll woken by its own join is answered with the room and the members' presence together", async () => {
    // The join's first event wakes the poll; the answer waits for the rest of the join (the presence
    // the joiner gets of the members), as Synapse's next sync after a join carries both.
    const m = makeMock();
    const [a, b] = [await m.register(), await m.register()];
    await m.put(a, 'online');
    const room = await m.shareRoom(a);
    const s = await m.sync(b);
    const waiting = m.sync(b, { since: s.next_batch, timeout: '30000' });
    await settle(() => m.app.homeserver.notifier.waiting() > 0);
    const join = await request(m.app)
      .post(`${v3}/rooms/${encodeURIComponent(room)}/join`)
      .set(authHeader(b))
      .send({});
    expect(join.status).to.equal(200);
    const got = await waiting;
    expect(Object.keys(got.rooms?.join ?? {})).to.deep.equal([room]);
    expect(eventsFrom(got.presence.events, a.userId).map((e) => e.content.presence)).to.deep.equal(['online']);
  });

  it('a long-poll with nothing new returns at its timeout with no presence', async () => {
    const m = makeMock();
    const b = await m.register();
    const s = await m.sync(b);
    const waiting = m.presenceSince(b, s.next_batch, { timeout: '5000' });
    await settle(() => m.app.homeserver.notifier.waiting() > 0);
    m.clock.advance(5000);
    const got = await waiting;
    expect(got.events).to.deep.equal([]);
    expect(m.app.homeserver.notifier.waiting()).to.equal(0);
  });

  it('an ongoing long-poll with set_presence=online keeps the user online past the sync timeout', async () => {
    const m = makeMock({ presence: { sync_online_timeout: 1500, idle_timeout: 100_000 } });
    const a = await m.register();
    const s = await m.sync(a, { set_presence: 'online' });
    const waiting = m.sync(a, { set_presence: 'online', since: s.next_batch, timeout: '10000' });
    await settle(() => m.app.homeserver.notifier.waiting() > 0);
    m.clock.advance(5000);
    expect(m.app.homeserver.presence.get(a.userId).presence).to.equal('online');
    m.clock.advance(5000);
    await waiting;
    m.clock.advance(1500);
    expect(m.app.homeserver.presence.get(a.userId).presence).to.equal('offline');
  });

  it('the currently_active flip to false is delivered', async () => {
    const m = makeMock({ presence: { last_active_granularity: 400, sync_online_timeout: 100_000, idle_timeout: 100_000 } });
    const [a, b] = [await m.register(), await m.register()];
    await m.shareRoom(a, b);
    await m.put(a, 'online');
    const s = await m.sync(b);
    m.clock.advance(400);
    const got = await m.presenceSince(b, s.next_batch);
    expect(eventsFrom(got.events, a.userId)[0]!.content).to.include({ presence: 'online', currently_active: false });
  });

  it("a newly joined member's presence appears once in the next incremental sync, both ways", async () => {
    const m = makeMock();
    const [a, b] = [await m.register(), await m.register()];
    await m.put(a, 'online');
    await m.put(b, 'unavailable');
    const room = await m.shareRoom(a);
    const sa = await m.sync(a);
    const sb = await m.sync(b);
    await request(m.app)
      .post(`${v3}/join/${encodeURIComponent(room)}`)
      .set(authHeader(b))
      .send({});
    const ga = await m.presenceSince(a, sa.next_batch);
    const gb = await m.presenceSince(b, sb.next_batch);
    expect(eventsFrom(ga.events, b.userId).map((e) => e.content.presence)).to.deep.equal(['unavailable']);
    expect(eventsFrom(gb.events, a.userId).map((e) => e.content.presence)).to.deep.equal(['online']);
    expect((await m.presenceSince(a, ga.next)).events).to.deep.equal([]);
    expect(gb.next).to.match(/^s\d+$/);
  });

  describe('set_presence', () => {
    it('defaults to online; unavailable sets unavailable; offline changes nothing', async () => {
      const m = makeMock();
      const [a, b, c] = [await m.register(), await m.register(), await m.register()];
      await request(m.app).get(`${v3}/sync`).set(authHeader(a));
      await m.sync(b, { set_presence: 'unavailable' });
      await m.sync(c, { set_presence: 'offline' });
      expect((await m.get(a, a)).body.presence).to.equal('online');
      expect((await m.get(b, b)).body.presence).to.equal('unavailable');
      expect((await m.get(c, c)).body.presence).to.equal('offline');
    });

    it('an invalid value is 400 M_INVALID_PARAM', async () => {
      const m = makeMock();
      const a = await m.register();
      const res = await request(m.app).get(`${v3}/sync`).query({ set_presence: 'busy' }).set(authHeader(a));
      expect([res.status, res.body.errcode]).to.deep.equal([400, 'M_INVALID_PARAM']);
    });

    it('malformed since and timeout are 400 M_INVALID_PARAM', async () => {
      const m = makeMock();
      const a = await m.register();
      for (const q of [{ since: 'garbage' }, { timeout: '-1' }, { filter: '{bad' }, { filter: '99' }]) {
        const res = await request(m.app).get(`${v3}/sync`).query(q).set(authHeader(a));
        expect([res.status, res.body.errcode], JSON.stringify(q)).to.deep.equal([400, 'M_INVALID_PARAM']);
      }
    });
  });

  describe('presence filter', () => {
    it('not_types ["m.presence"] in a stored filter drops presence; senders narrows it; inline JSON works', async () => {
      const m = makeMock();
      const [a, b, c] = [await m.register(), await m.register(), await m.register()];
      await m.shareRoom(a, b, c);
      const post = await request(m.app)
        .post(`${v3}/user/${encodeURIComponent(a.userId)}/filter`)
        .set(authHeader(a))
        .send({ presence: { not_types: ['m.presence'] } });
      expect(post.status).to.equal(200);
      const fid = post.body.filter_id as string;
      const stored = await request(m.app)
        .get(`${v3}/user/${encodeURIComponent(a.userId)}/filter/${fid}`)
        .set(authHeader(a));
      expect(stored.body).to.deep.equal({ presence: { not_types: ['m.presence'] } });
      const s = await m.sync(a);
      await m.put(b, 'online');
      await m.put(c, 'online');
      expect((await m.presenceSince(a, s.next_batch, { filter: fid })).events).to.deep.equal([]);
      const narrowed = await m.presenceSince(a, s.next_batch, { filter: JSON.stringify({ presence: { senders: [c.userId] } }) });
      expect(narrowed.events.map((e) => e.sender)).to.deep.equal([c.userId]);
      const wildcard = await m.presenceSince(a, s.next_batch, { filter: JSON.stringify({ presence: { types: ['m.*'], limit: 1 } }) });
      expect(wildcard.events).to.have.length(1);
    });
  });

  describe('profile propagation', () => {
    it('a displayname change emits m.presence carrying displayname and avatar_url to co-members', async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      await m.shareRoom(a, b);
      await m.put(a, 'online');
      const s = await m.sync(b);
      await request(m.app)
        .put(`${v3}/profile/${encodeURIComponent(a.userId)}/avatar_url`)
        .set(authHeader(a))
        .send({ avatar_url: 'mxc://localhost/x' });
      await request(m.app)
        .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
        .set(authHeader(a))
        .send({ displayname: 'Alice' });
      const got = await m.presenceSince(b, s.next_batch);
      expect(eventsFrom(got.events, a.userId)[0]!.content).to.include({ presence: 'online', displayname: 'Alice', avatar_url: 'mxc://localhost/x' });
      const profile = await request(m.app)
        .get(`${v3}/profile/${encodeURIComponent(a.userId)}`)
        .set(authHeader(b));
      expect(profile.body).to.deep.equal({ displayname: 'Alice', avatar_url: 'mxc://localhost/x' });
    });

    it('is off when profile_propagation is false', async () => {
      const m = makeMock({ presence: { profile_propagation: false } });
      const [a, b] = [await m.register(), await m.register()];
      await m.shareRoom(a, b);
      const s = await m.sync(b);
      await request(m.app)
        .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
        .set(authHeader(a))
        .send({ displayname: 'Alice' });
      expect((await m.presenceSince(b, s.next_batch)).events).to.deep.equal([]);
    });

    it("setting another user's profile is 403; an unknown user's profile is 404", async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      const put = await request(m.app)
        .put(`${v3}/profile/${encodeURIComponent(b.userId)}/displayname`)
        .set(authHeader(a))
        .send({ displayname: 'x' });
      expect([put.status, put.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
      const get = await request(m.app)
        .get(`${v3}/profile/${encodeURIComponent('@ghost:localhost')}`)
        .set(authHeader(a));
      expect([get.status, get.body.errcode]).to.deep.equal([404, 'M_NOT_FOUND']);
    });
  });

  describe('rooms in /sync', () => {
    it('shows joined rooms with state, invites with invite_state, new messages in the timeline, and left rooms', async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      const created = await request(m.app)
        .post(`${v3}/createRoom`)
        .set(authHeader(a))
        .send({ preset: 'private_chat', invite: [b.userId], name: 'R' });
      const room = created.body.room_id as string;
      const sb = await m.sync(b);
      expect(Object.keys(sb.rooms.invite)).to.deep.equal([room]);
      const denied = await request(m.app)
        .put(`${v3}/rooms/${encodeURIComponent(room)}/send/m.room.message/x`)
        .send({});
      expect(denied.status).to.equal(401);
      await request(m.app)
        .post(`${v3}/rooms/${encodeURIComponent(room)}/join`)
        .set(authHeader(b))
        .send({});
      const joined = await m.sync(b, { since: sb.next_batch });
      expect(Object.keys(joined.rooms.join)).to.deep.equal([room]);
      await m.say(a, room, 'hi b');
      const next = await m.sync(b, { since: joined.next_batch });
      const timeline = (next.rooms.join[room] as { timeline: { events: { content: { body?: string } }[] } }).timeline.events;
      expect(timeline.map((e) => e.content.body)).to.deep.equal(['hi b']);
      const jr = await request(m.app).get(`${v3}/joined_rooms`).set(authHeader(b));
      expect(jr.body).to.deep.equal({ joined_rooms: [room] });
      await request(m.app)
        .post(`${v3}/rooms/${encodeURIComponent(room)}/leave`)
        .set(authHeader(b))
        .send({});
      const left = await m.sync(b, { since: next.next_batch });
      expect(Object.keys(left.rooms.leave)).to.deep.equal([room]);
    });

    it('joining a private room uninvited is 403; an unknown room is 404', async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      const created = await request(m.app).post(`${v3}/createRoom`).set(authHeader(a)).send({});
      const res = await request(m.app)
        .post(`${v3}/rooms/${encodeURIComponent(created.body.room_id)}/join`)
        .set(authHeader(b))
        .send({});
      expect([res.status, res.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
      const unknown = await request(m.app)
        .post(`${v3}/rooms/${encodeURIComponent('!nope:localhost')}/join`)
        .set(authHeader(b))
        .send({});
      expect([unknown.status, unknown.body.errcode]).to.deep.equal([404, 'M_NOT_FOUND']);
    });
  });

  it("orders a room's members by their first membership, which decides what a presence limit keeps", () => {
    // B is invited first, C joins, then B joins: B keeps the place of the invite. (A set of joined
    // members in join order once put C first, and the limit kept C.)
    const config = resolveConfig({ rate_limit: { enabled: false }, variants: ['default-presence-limit'], variant_options: { presence_limit: 1 } });
    const hs = new Homeserver(config, new FakeClock());
    const [a, b, c] = ['a', 'b', 'c'].map((l) => hs.accounts.register(l, 'pw').userId);
    const room = hs.createRoom(a!, { preset: 'public_chat', invite: [b!], initial_state: [] });
    hs.join(room.roomId, c!);
    hs.join(room.roomId, b!);
    for (const u of [a!, b!, c!]) hs.setPresence(u, 'online', undefined);
    expect(hs.rooms.joinedMembers(room.roomId)).to.deep.equal([a, b, c]);
    const sync = JSON.parse(buildSyncJson(hs, { userId: a!, since: 0, fullState: false, presenceFilter: undefined })) as {
      presence: { events: { sender: string }[] };
    };
    expect(sync.presence.events.map((e) => e.sender)).to.deep.equal([b]);
  });
});
