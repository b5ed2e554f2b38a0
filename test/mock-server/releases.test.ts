// One release alone (spec_version a release of project/releases.ts): the mock serves that release's API
// and refuses what it did not have, with real HTTP requests. The facts, from the spec's history: the
// token in the query string until v1.20 and in the header from r0.3.0; m.presence with event_id and
// content.user_id until r0.4.0, with sender from then on; currently_active from r0.2.0; free_for_chat
// until r0.2.0; set_presence ["offline"] until r0.4.0; /login `identifier` from r0.4.0; the presence
// list until r0.5.0; /versions from r0.0.1; early rooms opened by their m.room.join_rules.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import { MOCK_CONFIG_SCHEMA_FILE, mockConfigFromTarget, resolveConfig, SPEC_VERSION_NAMES, type MockSpecVersionName } from '../../mock-server/config.js';
import { ConfigError } from '../../project/errors.js';
import { RELEASE_ALIASES, RELEASE_NAMES, RELEASES, releaseHas, releaseNamed, type Release } from '../../project/releases.js';
import { EARLY, R0, authHeader, makeMock, v3, type Actor, type TestMock } from './helpers.js';

/** The releases checked one by one; `r0` is the alias of r0.1.0. */
const CHECKED = ['early', 'r0.0.0', 'r0', 'r0.2.0', 'r0.4.0', 'r0.6.1', 'v1.19', 'v1.20'] as const;
const status = (prefix: string, userId: string) => `${prefix}/presence/${encodeURIComponent(userId)}/status`;
const answer = (res: request.Response) => [res.status, res.body.errcode as unknown];
const release = (name: string): Release => releaseNamed(name)!;

interface PresenceEventSeen {
  event_id?: unknown;
  type: string;
  sender?: string;
  content: Record<string, unknown>;
}

/** What bob receives of alice's presence after she PUTs `online` with a status: the event of /sync (or
 * of the early /initialSync), and what GET .../status answers him. */
async function aliceSeenByBob(m: TestMock): Promise<{ alice: Actor; event: PresenceEventSeen; get: Record<string, unknown> }> {
  const alice = await m.register();
  const bob = await m.register();
  await m.shareRoom(alice, bob);
  expect((await m.put(alice, 'online', 'here')).status).to.equal(200);
  const about = (e: PresenceEventSeen) => e.type === 'm.presence' && (e.sender ?? e.content.user_id) === alice.userId;
  let events: PresenceEventSeen[];
  if (m.prefix === EARLY) {
    events = (await m.authed(request(m.app).get(`${EARLY}/initialSync`), bob).query({ limit: '0' })).body.presence as PresenceEventSeen[];
  } else {
    events = (await m.sync(bob)).presence.events as PresenceEventSeen[];
  }
  const event = events.find(about);
  expect(event, JSON.stringify(events)).to.not.equal(undefined);
  return { alice, event: event!, get: (await m.get(bob, alice)).body as Record<string, unknown> };
}

describe('mock: one release alone', () => {
  describe('configuration', () => {
    it('takes all, every release and every alias, and resolves an alias to its release', () => {
      const schema = JSON.parse(readFileSync(MOCK_CONFIG_SCHEMA_FILE, 'utf8'));
      expect(schema.properties.spec_version.enum).to.deep.equal(['all', ...RELEASE_NAMES]);
      expect(SPEC_VERSION_NAMES).to.deep.equal(['all', ...RELEASE_NAMES]);
      // The input type names the aliases one by one: they are these.
      expect(Object.keys(RELEASE_ALIASES)).to.deep.equal(['r0', 'next']);
      expect(resolveConfig({ spec_version: 'r0' }).spec_version).to.equal('r0.1.0');
      expect(resolveConfig({ spec_version: 'next' }).spec_version).to.equal('v1.20');
      for (const r of RELEASES) expect(resolveConfig({ spec_version: r }).spec_version).to.equal(r);
      expect(resolveConfig({}).spec_version).to.equal('all');
    });

    it('refuses an unknown name, listing the accepted ones', () => {
      expect(() => resolveConfig({ spec_version: 'r0.9.9' } as never, 'x.yaml')).to.throw(
        ConfigError,
        'x.yaml is invalid:\n  spec_version: unknown spec version "r0.9.9"; accepted: all, early, r0.0.0, r0.0.1,',
      );
    });

    it('a profile of an early or r0 release, or of v1.20, makes the mock serve it alone; v1.1 ... v1.19 keep every prefix', () => {
      const served = (spec_version: string) => resolveConfig(mockConfigFromTarget({ spec_version })).spec_version;
      expect(['r0', 'early', 'r0.0.0', 'r0.4.0', 'r0.6.1', 'v1.20', 'next'].map(served)).to.deep.equal([
        'r0.1.0',
        'early',
        'r0.0.0',
        'r0.4.0',
        'r0.6.1',
        'v1.20',
        'v1.20',
      ]);
      expect(['v1.1', 'v1.12', 'v1.19'].map(served)).to.deep.equal(['all', 'all', 'all']);
    });
  });

  describe('prefixes and /versions', () => {
    const PREFIXES = [EARLY, R0, v3, '/_matrix/client/v1', '/_matrix/client/unstable'];
    const OWN: Record<(typeof CHECKED)[number], string[]> = {
      early: [EARLY],
      'r0.0.0': [R0],
      r0: [R0],
      'r0.2.0': [R0],
      'r0.4.0': [R0],
      'r0.6.1': [R0],
      'v1.19': [v3, '/_matrix/client/v1', '/_matrix/client/unstable'],
      'v1.20': [v3, '/_matrix/client/v1', '/_matrix/client/unstable'],
    };
    for (const name of CHECKED) {
      it(`${name}: its family's prefix alone; the others are unrecognised`, async () => {
        const m = makeMock({ spec_version: name });
        // GET /login takes no token: what it answers shows whether the prefix is served.
        for (const prefix of PREFIXES) {
          const res = await request(m.app).get(`${prefix}/login`);
          expect(res.status, prefix).to.equal(OWN[name].includes(prefix) ? 200 : 404);
          if (!OWN[name].includes(prefix)) expect(res.body.errcode, prefix).to.equal('M_UNRECOGNIZED');
        }
      });
    }

    it('early and r0.0.0 have no /versions (404 M_UNRECOGNIZED), under the top path or a prefix', async () => {
      for (const name of ['early', 'r0.0.0'] as const) {
        const m = makeMock({ spec_version: name });
        expect(answer(await request(m.app).get('/_matrix/client/versions')), name).to.deep.equal([404, 'M_UNRECOGNIZED']);
        expect(answer(await request(m.app).get(`${m.prefix}/versions`)), name).to.deep.equal([404, 'M_UNRECOGNIZED']);
      }
    });

    it('a later release advertises its family up to itself, a v1.x release the r0 releases from r0.0.1 too; all as always', async () => {
      const advertised = async (spec_version: MockSpecVersionName) =>
        (await request(makeMock({ spec_version }).app).get('/_matrix/client/versions')).body.versions;
      expect(await advertised('r0')).to.deep.equal(['r0.0.1', 'r0.1.0']);
      expect(await advertised('r0.4.0')).to.deep.equal(['r0.0.1', 'r0.1.0', 'r0.2.0', 'r0.3.0', 'r0.4.0']);
      const r0s = ['r0.0.1', 'r0.1.0', 'r0.2.0', 'r0.3.0', 'r0.4.0', 'r0.5.0', 'r0.6.0', 'r0.6.1'];
      expect(await advertised('r0.6.1')).to.deep.equal(r0s);
      const v1s = Array.from({ length: 19 }, (_, i) => `v1.${i + 1}`);
      expect(await advertised('v1.19')).to.deep.equal([...r0s, ...v1s]);
      expect(await advertised('v1.20')).to.deep.equal([...r0s, ...v1s, 'v1.20']);
      expect(await advertised('all')).to.deep.equal([...r0s, ...v1s]);
    });
  });

  describe('the access token', () => {
    // [header, query string]: what GET .../status answers with the token in each place only.
    const EXPECTED: Record<(typeof CHECKED)[number], [unknown[], unknown[]]> = {
      // The early API: "as a query parameter 'access_token'", and its own 403 without one.
      early: [[403, 'M_FORBIDDEN'], [200]],
      'r0.0.0': [[401, 'M_MISSING_TOKEN'], [200]],
      r0: [[401, 'M_MISSING_TOKEN'], [200]],
      'r0.2.0': [[401, 'M_MISSING_TOKEN'], [200]],
      'r0.4.0': [[200], [200]],
      'r0.6.1': [[200], [200]],
      'v1.19': [[200], [200]],
      'v1.20': [[200], [401, 'M_MISSING_TOKEN']],
    };
    for (const name of CHECKED) {
      it(`${name}: the header ${releaseHas(release(name), 'authorization_header') ? 'is read' : 'counts as no token'}, the query string ${releaseHas(release(name), 'query_string_token') ? 'is read' : 'counts as no token'}`, async () => {
        const m = makeMock({ spec_version: name });
        const a = await m.register();
        const inHeader = await request(m.app).get(status(m.prefix, a.userId)).set(authHeader(a));
        const inQuery = await request(m.app).get(status(m.prefix, a.userId)).query({ access_token: a.token });
        const [header, query] = EXPECTED[name];
        expect(inHeader.status === 200 ? [200] : answer(inHeader), 'header').to.deep.equal(header);
        expect(inQuery.status === 200 ? [200] : answer(inQuery), 'query string').to.deep.equal(query);
      });
    }
  });

  describe('m.presence and GET .../status', () => {
    for (const name of CHECKED) {
      const r = release(name);
      const oldShape = releaseHas(r, 'presence_content_user_id');
      it(`${name}: ${oldShape ? 'event_id and content.user_id, no sender' : 'sender, no event_id or content.user_id'}; currently_active ${releaseHas(r, 'currently_active') ? 'present' : 'never'}`, async () => {
        const m = makeMock({ spec_version: name });
        const { alice, event, get } = await aliceSeenByBob(m);
        expect(event.content).to.include({ presence: 'online', status_msg: 'here' });
        if (oldShape) {
          expect(event).to.not.have.property('sender');
          expect(event.event_id).to.be.a('string').and.match(/^\$/);
          expect(event.content.user_id).to.equal(alice.userId);
        } else {
          expect(event.sender).to.equal(alice.userId);
          expect(event).to.not.have.property('event_id');
          expect(event.content).to.not.have.property('user_id');
        }
        expect(get).to.include({ presence: 'online', status_msg: 'here' });
        if (releaseHas(r, 'currently_active')) {
          expect(event.content.currently_active).to.equal(true);
          expect(get.currently_active).to.equal(true);
        } else {
          // r0.0.0 ... r0.1.0 GET .../status: presence, last_active_ago, status_msg, nothing else.
          expect(event.content).to.not.have.property('currently_active');
          expect(Object.keys(get).sort()).to.deep.equal(['last_active_ago', 'presence', 'status_msg']);
        }
      });
    }

    it('two changes are two events with two event ids (r0.1.0)', async () => {
      const m = makeMock({ spec_version: 'r0' });
      const a = await m.register();
      const s = await m.sync(a);
      await m.put(a, 'online');
      const first = await m.presenceSince(a, s.next_batch);
      await m.put(a, 'unavailable');
      const second = await m.presenceSince(a, first.next);
      const ids = [...first.events, ...second.events].map((e) => (e as PresenceEventSeen).event_id);
      expect(ids).to.have.length(2);
      expect(new Set(ids).size).to.equal(2);
    });

    it('all keeps the shapes it always had: sender and currently_active under /v3 and /r0, content.user_id without event_id under the early prefix', async () => {
      const m = makeMock();
      const { alice, event } = await aliceSeenByBob(m);
      expect(event).to.include({ sender: alice.userId });
      expect(event.content).to.include({ currently_active: true });
      const b = await m.register();
      const early = await request(m.app).get(`${EARLY}/initialSync`).query({ access_token: b.token, limit: '0' });
      const own = (early.body.presence as PresenceEventSeen[]).find((e) => e.content.user_id === b.userId);
      expect(own).to.not.have.property('event_id');
      expect(own).to.not.have.property('sender');
    });
  });

  describe('free_for_chat', () => {
    for (const name of CHECKED) {
      const accepted = releaseHas(release(name), 'free_for_chat');
      it(`${name}: PUT free_for_chat is ${accepted ? 'accepted and read back' : 'refused, 400 M_INVALID_PARAM'}`, async () => {
        const m = makeMock({ spec_version: name });
        const a = await m.register();
        const put = await m.put(a, 'free_for_chat');
        if (accepted) {
          expect(put.status).to.equal(200);
          expect((await m.get(a, a)).body.presence).to.equal('free_for_chat');
        } else {
          expect(answer(put)).to.deep.equal([400, 'M_INVALID_PARAM']);
        }
      });
    }
  });

  describe("/sync's set_presence", () => {
    for (const name of CHECKED.filter((n) => n !== 'early')) {
      const all = releaseHas(release(name), 'set_presence_online_unavailable');
      it(`${name}: ${all ? 'online, unavailable and offline' : 'offline alone (or none)'}; anything else 400 M_INVALID_PARAM`, async () => {
        const m = makeMock({ spec_version: name });
        const a = await m.register();
        const sync = (query: Record<string, string>) => m.authed(request(m.app).get(`${m.prefix}/sync`).query(query), a);
        expect((await sync({ set_presence: 'offline' })).status).to.equal(200);
        expect((await sync({})).status, 'omitted').to.equal(200);
        for (const value of ['online', 'unavailable']) {
          const res = await sync({ set_presence: value });
          expect(res.status === 200 ? [200] : answer(res), value).to.deep.equal(all ? [200] : [400, 'M_INVALID_PARAM']);
        }
        expect(answer(await sync({ set_presence: 'busy' }))).to.deep.equal([400, 'M_INVALID_PARAM']);
      });
    }
  });

  describe('/login', () => {
    for (const name of CHECKED) {
      const identifier = releaseHas(release(name), 'login_identifier');
      it(`${name}: \`user\` logs in; \`identifier\` alone ${identifier ? 'too' : 'is no user (400 M_BAD_JSON, as any login without one)'}`, async () => {
        const m = makeMock({ spec_version: name });
        const a = await m.register('login' + name.replace(/\W/g, ''));
        const localpart = a.userId.slice(1).split(':')[0]!;
        const login = (body: object) =>
          request(m.app)
            .post(`${m.prefix}/login`)
            .send({ type: 'm.login.password', password: 'pw', ...body });
        expect((await login({ user: localpart })).status).to.equal(200);
        const byIdentifier = await login({ identifier: { type: 'm.id.user', user: localpart } });
        expect(byIdentifier.status === 200 ? [200] : answer(byIdentifier)).to.deep.equal(identifier ? [200] : [400, 'M_BAD_JSON']);
        expect(answer(await login({}))).to.deep.equal([400, 'M_BAD_JSON']);
      });
    }
  });

  describe('the presence list', () => {
    for (const name of CHECKED) {
      const served = releaseHas(release(name), 'presence_list');
      it(`${name}: /presence/list/{userId} ${served ? 'served, the bare path not' : 'unrecognised, as the bare path'}`, async () => {
        const m = makeMock({ spec_version: name });
        const a = await m.register();
        const b = await m.register();
        const perUser = `${m.prefix}/presence/list/${encodeURIComponent(a.userId)}`;
        const post = await m.authed(request(m.app).post(perUser), a).send({ invite: [b.userId] });
        const get = await m.authed(request(m.app).get(perUser), a);
        if (served) {
          expect(post.status).to.equal(200);
          expect(get.body.map((e: { user_id: string }) => e.user_id)).to.deep.equal([b.userId]);
        } else {
          expect(answer(post)).to.deep.equal([404, 'M_UNRECOGNIZED']);
          expect(answer(get)).to.deep.equal([404, 'M_UNRECOGNIZED']);
        }
        expect(answer(await m.authed(request(m.app).get(`${m.prefix}/presence/list`), a))).to.deep.equal([404, 'M_UNRECOGNIZED']);
      });
    }

    it('with presence_list_path own, the bare path instead, unrecognised before any token is asked for where it is not', async () => {
      const m = makeMock({ spec_version: 'r0.2.0', legacy: { presence_list_path: 'own' } });
      const a = await m.register();
      const b = await m.register();
      await m.put(b, 'online');
      expect((await m.authed(request(m.app).post(`${R0}/presence/list`), a).send({ invite: [b.userId] })).status).to.equal(200);
      const listed = (await m.authed(request(m.app).get(`${R0}/presence/list`), a)).body as Record<string, unknown>[];
      expect(listed.map((e) => e.user_id)).to.deep.equal([b.userId]);
      // r0.2.0 has currently_active; r0.1.0 (below) has not.
      expect(listed[0]).to.have.property('currently_active');
      expect(answer(await m.authed(request(m.app).get(`${R0}/presence/list/${encodeURIComponent(a.userId)}`), a))).to.deep.equal([404, 'M_UNRECOGNIZED']);
      expect(answer(await request(makeMock({ spec_version: 'v1.19' }).app).get(`${v3}/presence/list`))).to.deep.equal([404, 'M_UNRECOGNIZED']);
    });

    it('lists no currently_active before r0.2.0', async () => {
      const m = makeMock({ spec_version: 'r0' });
      const a = await m.register();
      const b = await m.register();
      await m.put(b, 'online');
      const perUser = `${R0}/presence/list/${encodeURIComponent(a.userId)}`;
      await m.authed(request(m.app).post(perUser), a).send({ invite: [b.userId] });
      const listed = (await m.authed(request(m.app).get(perUser), a)).body as Record<string, unknown>[];
      expect(listed[0]).to.include({ user_id: b.userId, presence: 'online' });
      expect(listed[0]).to.not.have.property('currently_active');
    });

    // The list's faults break it whichever path serves it.
    for (const path of ['per_user', 'own'] as const) {
      describe(`its faults at the ${path} path (early)`, () => {
        const listPath = (m: TestMock, a: Actor) => `${EARLY}/presence/list${path === 'per_user' ? `/${encodeURIComponent(a.userId)}` : ''}`;
        /** a lists b and c, then drops b: who is listed, and whether b's later change reaches a's /events. */
        async function listAndDrop(faults: string[]): Promise<{ listed: string[]; streamed: string[]; names: Record<string, string> }> {
          const m = makeMock({ spec_version: 'early', legacy: { presence_list_path: path }, faults });
          const [a, b, c] = [await m.register(), await m.register(), await m.register()];
          const list = listPath(m, a);
          const invite = await m.authed(request(m.app).post(list), a).send({ invite: [b.userId, c.userId] });
          expect(invite.status).to.equal(200);
          const start = await m.authed(request(m.app).get(`${EARLY}/initialSync`), a).query({ limit: '0' });
          await m.put(c, 'online', 'c streamed');
          const stream = await m.authed(request(m.app).get(`${EARLY}/events`), a).query({ from: start.body.end as string, timeout: '0' });
          const streamed = (stream.body.chunk as PresenceEventSeen[]).filter((e) => e.type === 'm.presence').map((e) => e.content.user_id as string);
          await m.authed(request(m.app).post(list), a).send({ drop: [b.userId] });
          const listed = ((await m.authed(request(m.app).get(list), a)).body as { user_id: string }[]).map((e) => e.user_id);
          return { listed, streamed, names: { b: b.userId, c: c.userId } };
        }

        it('correct without a fault', async () => {
          const { listed, streamed, names } = await listAndDrop([]);
          expect(listed).to.deep.equal([names.c]);
          expect(streamed).to.include(names.c);
        });
        it('presence-list-broken: always empty', async () => expect((await listAndDrop(['presence-list-broken'])).listed).to.deep.equal([]));
        it('presence-list-drop-ignored: the drop does nothing', async () => {
          const { listed, names } = await listAndDrop(['presence-list-drop-ignored']);
          expect(listed).to.deep.equal([names.b, names.c]);
        });
        it('presence-list-drop-clears: the drop empties the list', async () =>
          expect((await listAndDrop(['presence-list-drop-clears'])).listed).to.deep.equal([]));
        it("presence-list-not-streamed: a listed user's change is not in the stream", async () => {
          const { streamed, names } = await listAndDrop(['presence-list-not-streamed']);
          expect(streamed).to.not.include(names.c);
        });
      });
    }
  });

  describe('early rooms', () => {
    it('visibility public does not open a room to joins; its creator setting m.room.join_rules public does', async () => {
      const m = makeMock({ spec_version: 'early' });
      const a = await m.register();
      const b = await m.register();
      const room = (await m.authed(request(m.app).post(`${EARLY}/createRoom`), a).send({ visibility: 'public' })).body.room_id as string;
      const join = () => m.authed(request(m.app).post(`${EARLY}/rooms/${encodeURIComponent(room)}/join`), b).send({});
      expect(answer(await join())).to.deep.equal([403, 'M_FORBIDDEN']);
      const rules = `${EARLY}/rooms/${encodeURIComponent(room)}/state/m.room.join_rules`;
      expect((await m.authed(request(m.app).get(rules), a)).body).to.deep.equal({ join_rule: 'invite' });
      expect((await m.authed(request(m.app).put(rules), a).send({ join_rule: 'public' })).status).to.equal(200);
      expect((await join()).status).to.equal(200);
    });

    it('later APIs keep presets, and take m.room.join_rules too (r0.6.1)', async () => {
      const m = makeMock({ spec_version: 'r0.6.1' });
      const [a, b, c] = [await m.register(), await m.register(), await m.register()];
      const create = (body: object) => m.authed(request(m.app).post(`${R0}/createRoom`), a).send(body);
      const join = (room: string, who: Actor) => m.authed(request(m.app).post(`${R0}/rooms/${encodeURIComponent(room)}/join`), who).send({});
      const open = (await create({ visibility: 'public' })).body.room_id as string;
      expect((await join(open, b)).status, 'visibility public implies public_chat').to.equal(200);
      const closed = (await create({ preset: 'private_chat' })).body.room_id as string;
      expect(answer(await join(closed, c))).to.deep.equal([403, 'M_FORBIDDEN']);
      await m.authed(request(m.app).put(`${R0}/rooms/${encodeURIComponent(closed)}/state/m.room.join_rules`), a).send({ join_rule: 'public' });
      expect((await join(closed, c)).status).to.equal(200);
    });

    it("all keeps the early prefix's visibility as it was: public opens the room", async () => {
      const m = makeMock();
      const [a, b] = [await m.register(), await m.register()];
      const room = (await request(m.app).post(`${EARLY}/createRoom`).query({ access_token: a.token }).send({ visibility: 'public' })).body.room_id as string;
      expect(
        (
          await request(m.app)
            .post(`${EARLY}/rooms/${encodeURIComponent(room)}/join`)
            .query({ access_token: b.token })
            .send({})
        ).status,
      ).to.equal(200);
    });
  });
});
