// Shared test helpers: an in-process mock on a fake clock, driven through supertest.
import request from 'supertest';
import { expect } from 'chai';
import { createMockApp, type MockApp } from '../../mock-server/app.js';
import { FakeClock } from '../../mock-server/clock.js';
import type { MockConfigInput } from '../../mock-server/config.js';
import { familyOf, releaseHas, releaseNamed } from '../../project/releases.js';

export interface Actor {
  userId: string;
  token: string;
}

export interface TestMock {
  app: MockApp;
  clock: FakeClock;
  /** The prefix of the mock's API: /v3 for `all`, the release's family's for one release. */
  prefix: string;
  /** The request with `a`'s token where the mock's release reads it (the query string before r0.3.0). */
  authed(req: request.Test, a: Actor): request.Test;
  /** A fresh user with a password "pw" (in the mock's dialect: the early API registers differently). */
  register(localpart?: string): Promise<Actor>;
  /** Another device of the user: a password login. */
  login(a: Actor): Promise<Actor>;
  /** A room created by `a` that every other actor joins. */
  shareRoom(a: Actor, ...others: Actor[]): Promise<string>;
  put(a: Actor, presence: string, statusMsg?: string): Promise<request.Response>;
  get(a: Actor, target: Actor | string): Promise<request.Response>;
  sync(a: Actor, query?: Record<string, string>): Promise<SyncBody>;
  /** Presence events for `a` since `since` (set_presence=offline, so the watcher changes nothing). */
  presenceSince(a: Actor, since: string, query?: Record<string, string>): Promise<{ events: PresenceEvent[]; next: string }>;
  say(a: Actor, roomId: string, text?: string): Promise<request.Response>;
}

export interface PresenceEvent {
  type: string;
  sender?: string;
  content: Record<string, unknown>;
}

export interface SyncBody {
  next_batch: string;
  presence: { events: PresenceEvent[] };
  rooms: { join: Record<string, unknown>; invite: Record<string, unknown>; leave: Record<string, unknown> };
}

export const v3 = '/_matrix/client/v3';
export const R0 = '/_matrix/client/r0';
export const EARLY = '/_matrix/client/api/v1';

const PREFIX_OF_FAMILY = { 'v1.19': v3, r0: R0, early: EARLY } as const;

let counter = 0;
let txn = 0;

export function makeMock(config: MockConfigInput = {}): TestMock {
  const clock = new FakeClock();
  const app = createMockApp({ rate_limit: { enabled: false }, ...config }, clock);
  // A mock of one release serves its family's prefix alone, and takes the token where the release did:
  // the query string before r0.3.0, the header from then on (v1.20 the header alone).
  const release = config.spec_version === undefined || config.spec_version === 'all' ? undefined : releaseNamed(config.spec_version);
  const early = release === 'early';
  const prefix = release === undefined ? v3 : PREFIX_OF_FAMILY[familyOf(release)];
  const inQuery = release !== undefined && !releaseHas(release, 'authorization_header');
  const authed = (req: request.Test, a: Actor) => (inQuery ? req.query({ access_token: a.token }) : req.set(authHeader(a)));
  const mock: TestMock = {
    app,
    clock,
    prefix,
    authed,
    async register(localpart = `u${++counter}`) {
      const body = early
        ? { type: 'm.login.password', user: localpart, password: 'pw' }
        : { username: localpart, password: 'pw', auth: { type: 'm.login.dummy' } };
      const res = await request(app).post(`${prefix}/register`).send(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return { userId: res.body.user_id as string, token: res.body.access_token as string };
    },
    async login(a) {
      const user = a.userId.slice(1).split(':')[0];
      const res = await request(app).post(`${prefix}/login`).send({ type: 'm.login.password', user, password: 'pw' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return { userId: res.body.user_id as string, token: res.body.access_token as string };
    },
    async shareRoom(a, ...others) {
      const res = await authed(request(app).post(`${prefix}/createRoom`), a).send(early ? { visibility: 'public' } : { preset: 'public_chat' });
      expect(res.status).to.equal(200);
      const roomId = res.body.room_id as string;
      // The early API has no presets: the room is opened to joins by its m.room.join_rules.
      if (early) {
        const open = await authed(request(app).put(`${prefix}/rooms/${encodeURIComponent(roomId)}/state/m.room.join_rules`), a).send({ join_rule: 'public' });
        expect(open.status, JSON.stringify(open.body)).to.equal(200);
      }
      for (const o of others) {
        const j = await authed(request(app).post(`${prefix}/rooms/${encodeURIComponent(roomId)}/join`), o).send({});
        expect(j.status, JSON.stringify(j.body)).to.equal(200);
      }
      return roomId;
    },
    put: (a, presence, statusMsg) =>
      authed(request(app).put(`${prefix}/presence/${encodeURIComponent(a.userId)}/status`), a).send(
        statusMsg === undefined ? { presence } : { presence, status_msg: statusMsg },
      ),
    get: (a, target) => authed(request(app).get(`${prefix}/presence/${encodeURIComponent(typeof target === 'string' ? target : target.userId)}/status`), a),
    async sync(a, query = {}) {
      const res = await authed(
        request(app)
          .get(`${prefix}/sync`)
          .query({ set_presence: 'offline', ...query }),
        a,
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as SyncBody;
    },
    async presenceSince(a, since, query = {}) {
      const body = await mock.sync(a, { since, ...query });
      return { events: body.presence.events, next: body.next_batch };
    },
    say: (a, roomId, text = 'hello') =>
      authed(request(app).put(`${prefix}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${++txn}`), a).send({ msgtype: 'm.text', body: text }),
  };
  return mock;
}

export function authHeader(a: Actor): { Authorization: string } {
  return { Authorization: `Bearer ${a.token}` };
}

/** Lets pending I/O callbacks run (a long-poll reaching its wait) without advancing the fake clock. */
export async function settle(until: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !until(); i++) await new Promise((r) => setTimeout(r, 2));
}

export function eventsFrom(events: PresenceEvent[], sender: string): PresenceEvent[] {
  return events.filter((e) => e.sender === sender);
}

/**
 * The early API's `hidden`: alice, offline first, PUTs hidden; what that PUT answers, and the presence
 * bob, her co-member, then reads ("hidden: Behaves as offline").
 */
export async function hiddenSeenByCoMember(m: TestMock): Promise<[number, unknown]> {
  const early = '/_matrix/client/api/v1';
  const a = await m.register();
  const b = await m.register();
  await m.shareRoom(a, b);
  const path = `${early}/presence/${encodeURIComponent(a.userId)}/status`;
  await request(m.app).put(path).query({ access_token: a.token }).send({ presence: 'offline' });
  const put = await request(m.app).put(path).query({ access_token: a.token }).send({ presence: 'hidden' });
  return [put.status, (await request(m.app).get(path).query({ access_token: b.token })).body.presence];
}
