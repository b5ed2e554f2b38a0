// Inputs that once hung or crashed the mock: an internal error after the body was read (no answer at
// all), and filter fields of the wrong type (a throw deep in the filter code, or silently no presence).
import { expect } from 'chai';
import request from 'supertest';
import { authHeader, makeMock, v3 } from './helpers.js';

/** Replaces console.error while `fn` runs and returns what was logged. */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ result: T; logged: unknown[][] }> {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args);
  try {
    return { result: await fn(), logged };
  } finally {
    console.error = original;
  }
}

describe('mock robustness', () => {
  describe('an internal error', () => {
    // A bug planted in the presence store: every read throws, on a PUT (after its body was read) and
    // on a GET alike.
    const cases = {
      'after the request body was read (PUT)': (app: ReturnType<typeof makeMock>['app'], a: { userId: string; token: string }) =>
        request(app)
          .put(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
          .set(authHeader(a))
          .send({ presence: 'online' })
          .timeout(2000),
      'in a GET handler': (app: ReturnType<typeof makeMock>['app'], a: { userId: string; token: string }) =>
        request(app)
          .get(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
          .set(authHeader(a))
          .timeout(2000),
    };
    for (const [when, send] of Object.entries(cases)) {
      it(`${when} is answered 500 M_UNKNOWN and logged once`, async () => {
        const m = makeMock();
        const a = await m.register();
        m.app.homeserver.presence.get = () => {
          throw new Error('planted bug');
        };
        const { result: res, logged } = await capturingStderr(() => send(m.app, a));
        expect([res.status, res.body.errcode]).to.deep.equal([500, 'M_UNKNOWN']);
        expect(logged).to.have.length(1);
        expect(String(logged[0].join(' '))).to.include('planted bug');
      });
    }
  });

  describe('presence filter validation (400 M_UNKNOWN, as Synapse)', () => {
    const bad: Record<string, unknown> = {
      'senders: 5': { senders: 5 },
      'not_senders: "x"': { not_senders: '@a:b' },
      'types: {}': { types: {} },
      'not_types: [1]': { not_types: [1] },
      'senders: ["not a user id"]': { senders: ['bob'] },
      'limit: "x"': { limit: 'x' },
      'limit: null': { limit: null },
      'presence: []': [],
    };
    for (const [name, presence] of Object.entries(bad)) {
      it(`refuses ${name} inline in /sync and in POST /user/{userId}/filter`, async () => {
        const m = makeMock();
        const a = await m.register();
        const inline = await request(m.app)
          .get(`${v3}/sync`)
          .set(authHeader(a))
          .query({ filter: JSON.stringify({ presence }), timeout: '0' })
          .timeout(2000);
        expect([inline.status, inline.body.errcode], JSON.stringify(inline.body)).to.deep.equal([400, 'M_UNKNOWN']);
        expect(inline.body.error).to.match(/filter/);
        const post = await request(m.app)
          .post(`${v3}/user/${encodeURIComponent(a.userId)}/filter`)
          .set(authHeader(a))
          .send({ presence })
          .timeout(2000);
        expect([post.status, post.body.errcode], JSON.stringify(post.body)).to.deep.equal([400, 'M_UNKNOWN']);
      });
    }

    it("accepts a well-typed presence filter (limit may be any number, as in Synapse's schema)", async () => {
      const m = makeMock();
      const a = await m.register();
      const b = await m.register();
      await m.shareRoom(a, b);
      await m.put(b, 'online');
      const filter = { presence: { senders: [b.userId], not_senders: [], types: ['m.presence'], not_types: [], limit: 2.5 } };
      const post = await request(m.app)
        .post(`${v3}/user/${encodeURIComponent(a.userId)}/filter`)
        .set(authHeader(a))
        .send(filter);
      expect(post.status).to.equal(200);
      const s = await m.sync(a, { filter: post.body.filter_id as string });
      expect(s.presence.events.map((e) => e.sender)).to.deep.equal([b.userId]);
    });
  });

  // Found by the fuzzer (fuzz.test.ts, "no other user's state changed"): memberships of other users.
  describe("another user's membership", () => {
    const statePath = (room: string, type: string, key: string) => `${v3}/rooms/${encodeURIComponent(room)}/state/${type}/${encodeURIComponent(key)}`;

    for (const content of [{ membership: 'leave' }, { membership: 'ban' }, { membership: 'join' }, { displayname: 'no membership' }]) {
      it(`PUT state m.room.member/{them} ${JSON.stringify(content)} is refused and leaves them joined`, async () => {
        const m = makeMock();
        const a = await m.register();
        const b = await m.register();
        const room = await m.shareRoom(b, a);
        const res = await request(m.app)
          .put(statePath(room, 'm.room.member', b.userId))
          .set(authHeader(a))
          .send(content);
        expect(res.status).to.be.oneOf([400, 403]);
        expect(res.body.errcode).to.be.oneOf(['M_FORBIDDEN', 'M_BAD_JSON']);
        expect([...m.app.homeserver.rooms.joinedRooms(b.userId)]).to.deep.equal([room]);
      });
    }

    it("PUT state m.room.member/{self} still updates one's own join, leaves, and invites others", async () => {
      const m = makeMock();
      const a = await m.register();
      const b = await m.register();
      const c = await m.register();
      const room = await m.shareRoom(a, b);
      const own = await request(m.app)
        .put(statePath(room, 'm.room.member', b.userId))
        .set(authHeader(b))
        .send({ membership: 'join', displayname: 'Bee' });
      expect(own.status).to.equal(200);
      expect(
        (
          await request(m.app)
            .get(statePath(room, 'm.room.member', b.userId))
            .set(authHeader(a))
        ).body,
      ).to.deep.equal({ membership: 'join', displayname: 'Bee' });
      const invite = await request(m.app)
        .put(statePath(room, 'm.room.member', c.userId))
        .set(authHeader(b))
        .send({ membership: 'invite' });
      expect(invite.status).to.equal(200);
      expect([...m.app.homeserver.rooms.invitedRooms(c.userId)]).to.deep.equal([room]);
      const leave = await request(m.app)
        .put(statePath(room, 'm.room.member', b.userId))
        .set(authHeader(b))
        .send({ membership: 'leave' });
      expect(leave.status).to.equal(200);
      expect([...m.app.homeserver.rooms.joinedRooms(b.userId)]).to.deep.equal([]);
    });

    it('createRoom refuses initial_state that joins another user, and content that is not an object', async () => {
      const m = makeMock();
      const a = await m.register();
      const b = await m.register();
      const joinB = await request(m.app)
        .post(`${v3}/createRoom`)
        .set(authHeader(a))
        .send({ initial_state: [{ type: 'm.room.member', state_key: b.userId, content: { membership: 'join' } }] });
      expect([joinB.status, joinB.body.errcode]).to.deep.equal([403, 'M_FORBIDDEN']);
      expect([...m.app.homeserver.rooms.joinedRooms(b.userId)]).to.deep.equal([]);
      const nullContent = await request(m.app)
        .post(`${v3}/createRoom`)
        .set(authHeader(a))
        .send({ initial_state: [{ type: 'm.room.member', state_key: a.userId, content: null }] });
      expect([nullContent.status, nullContent.body.errcode]).to.deep.equal([400, 'M_BAD_JSON']);
    });
  });
});
