// Every deliberate fault, table-driven: a probe observes one behaviour; without the fault the mock
// gives the correct value (`good`), with it the value differs.
import { expect } from 'chai';
import request from 'supertest';
import type { MockConfigInput } from '../../mock-server/config.js';
import { FAULT_NAMES, type FaultName } from '../../mock-server/faults.js';
import { authHeader, eventsFrom, hiddenSeenByCoMember, makeMock, settle, v3, type TestMock } from './helpers.js';

interface Row {
  config?: MockConfigInput;
  probe: (m: TestMock) => Promise<unknown>;
  good: unknown;
}

const slowTimers = { idle_timeout: 100_000, sync_online_timeout: 100_000 };
const limited: MockConfigInput = { rate_limit: { enabled: true, per_second: 0.1, burst: 1 } };

async function pair(m: TestMock) {
  const a = await m.register();
  const b = await m.register();
  const room = await m.shareRoom(a, b);
  return { a, b, room };
}

async function secondPut(m: TestMock) {
  const a = await m.register();
  await m.put(a, 'online');
  return m.put(a, 'online');
}

/** How many presence events from a co-member `a` reach `b` after `act`. */
/**
 * On the early API: alice PUTs online, `afterMs` pass, and bob reads /events from before the PUT; the
 * contents of the m.presence events he got.
 */
async function earlyPresenceSeen(m: TestMock, afterMs = 0): Promise<{ a: { userId: string }; contents: { user_id?: string; last_active_ago?: number }[] }> {
  const early = '/_matrix/client/api/v1';
  const a = await m.register();
  const b = await m.register();
  await m.shareRoom(a, b);
  const start = await request(m.app).get(`${early}/initialSync`).query({ access_token: b.token, limit: 0 });
  await request(m.app)
    .put(`${early}/presence/${encodeURIComponent(a.userId)}/status`)
    .query({ access_token: a.token })
    .send({ presence: 'online' });
  m.clock.advance(afterMs);
  const events = await request(m.app).get(`${early}/events`).query({ access_token: b.token, from: start.body.end, timeout: 0 });
  const chunk = events.body.chunk as { type: string; content: { user_id?: string; last_active_ago?: number } }[];
  return { a, contents: chunk.filter((e) => e.type === 'm.presence').map((e) => e.content) };
}

/** What the second, refused PUT asks the client to wait: retry_after_ms and the Retry-After header. */
async function retryAdvice(m: TestMock): Promise<unknown[]> {
  const r = await secondPut(m);
  return [r.body.retry_after_ms, r.headers['retry-after']];
}

async function deliveredAfter(m: TestMock, act: (a: { userId: string; token: string }) => Promise<unknown>, query: Record<string, string> = {}) {
  const { a, b } = await pair(m);
  const s = await m.sync(b);
  await act(a);
  return eventsFrom((await m.presenceSince(b, s.next_batch, query)).events, a.userId).length;
}

/** b joins a's room: how many of b's presence events reach a in a's next two incremental syncs. */
async function joinPresenceCounts(m: TestMock): Promise<[number, number]> {
  const a = await m.register();
  const b = await m.register();
  await m.put(b, 'online');
  const room = await m.shareRoom(a);
  const s = await m.sync(a);
  await request(m.app)
    .post(`${v3}/rooms/${encodeURIComponent(room)}/join`)
    .set(authHeader(b))
    .send({});
  const first = await m.presenceSince(a, s.next_batch);
  const second = await m.presenceSince(a, first.next);
  return [eventsFrom(first.events, b.userId).length, eventsFrom(second.events, b.userId).length];
}

const rows = {
  'never-idle': {
    config: { presence: { idle_timeout: 1000, sync_online_timeout: 100_000 } },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1000);
      return (await m.get(a, a)).body.presence;
    },
    good: 'unavailable',
  },
  'instant-timers': {
    config: { presence: { idle_timeout: 1000, sync_online_timeout: 4000 } },
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      await m.put(a, 'online');
      await m.sync(b, { set_presence: 'online' });
      m.clock.advance(500);
      return [(await m.get(a, a)).body.presence, (await m.get(b, b)).body.presence];
    },
    good: ['online', 'online'],
  },
  'idle-clears-status': {
    config: { presence: { idle_timeout: 1000, sync_online_timeout: 100_000 } },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online', 'x');
      m.clock.advance(1000);
      return (await m.get(a, a)).body.status_msg;
    },
    good: 'x',
  },
  'no-currently-active': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      return (await m.get(a, a)).body.currently_active;
    },
    good: true,
  },
  'currently-active-stuck': {
    config: { presence: { ...slowTimers, last_active_granularity: 400 } },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(500);
      return (await m.get(a, a)).body.currently_active;
    },
    good: false,
  },
  'currently-active-when-offline': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      await m.put(a, 'offline');
      return (await m.get(a, a)).body.currently_active;
    },
    good: undefined as unknown,
  },
  'last-active-seconds': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(5000);
      return (await m.get(a, a)).body.last_active_ago;
    },
    good: 5000,
  },
  'last-active-frozen': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(5000);
      return (await m.get(a, a)).body.last_active_ago;
    },
    good: 5000,
  },
  'message-not-active': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, room } = await pair(m);
      await m.put(a, 'online');
      m.clock.advance(1000);
      await m.say(a, room);
      return (await m.get(a, a)).body.last_active_ago;
    },
    good: 0,
  },
  'lowering-is-active': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1000);
      await m.put(a, 'unavailable');
      return (await m.get(a, a)).body.last_active_ago;
    },
    good: 1000,
  },
  'raising-not-active': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1000);
      await m.put(a, 'unavailable');
      m.clock.advance(1000);
      await m.put(a, 'online');
      return (await m.get(a, a)).body.last_active_ago;
    },
    good: 0,
  },
  'foreign-put-allowed': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      return (
        await request(m.app)
          .put(`${v3}/presence/${encodeURIComponent(b.userId)}/status`)
          .set(authHeader(a))
          .send({ presence: 'online' })
      ).status;
    },
    good: 403,
  },
  'no-rate-limit': { config: limited, probe: async (m) => (await secondPut(m)).status, good: 429 },
  'rate-limit-no-retry-after': {
    config: limited,
    probe: retryAdvice,
    good: [10_000, '10'],
  },
  'retry-after-zero': {
    config: limited,
    probe: retryAdvice,
    good: [10_000, '10'],
  },
  'retry-after-seconds': {
    config: limited,
    probe: retryAdvice,
    good: [10_000, '10'],
  },
  'rate-limit-wrong-errcode': { config: limited, probe: async (m) => (await secondPut(m)).body.errcode, good: 'M_LIMIT_EXCEEDED' },
  'get-without-shared-room': {
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      await m.put(b, 'online');
      return (await m.get(a, b)).status;
    },
    good: 403,
  },
  'leak-to-strangers': {
    probe: async (m) => {
      const a = await m.register();
      const stranger = await m.register();
      const s = await m.sync(stranger);
      await m.put(a, 'online');
      return (await m.presenceSince(stranger, s.next_batch)).events.length;
    },
    good: 0,
  },
  'left-member-keeps-receiving': {
    probe: async (m) => {
      const { a, b, room } = await pair(m);
      await request(m.app)
        .post(`${v3}/rooms/${encodeURIComponent(room)}/leave`)
        .set(authHeader(b))
        .send({});
      const s = await m.sync(b);
      await m.put(a, 'online');
      return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length;
    },
    good: 0,
  },
  'no-sync-delivery': { probe: (m) => deliveredAfter(m, (a) => m.put(a, 'online')), good: 1 },
  'no-own-presence-in-sync': {
    probe: async (m) => {
      const a = await m.register();
      const s = await m.sync(a);
      await m.put(a, 'online');
      return (await m.presenceSince(a, s.next_batch)).events.length;
    },
    good: 1,
  },
  'set-presence-ignored': {
    probe: async (m) => {
      const a = await m.register();
      await m.sync(a, { set_presence: 'unavailable' });
      return (await m.get(a, a)).body.presence;
    },
    good: 'unavailable',
  },
  'bad-set-presence-accepted': {
    probe: async (m) => {
      const a = await m.register();
      return (await request(m.app).get(`${v3}/sync`).query({ set_presence: 'busy' }).set(authHeader(a))).status;
    },
    good: 400,
  },
  'never-sync-offline': {
    config: { presence: { idle_timeout: 100_000, sync_online_timeout: 1000 } },
    probe: async (m) => {
      const a = await m.register();
      await m.sync(a, { set_presence: 'online' });
      m.clock.advance(1000);
      return (await m.get(a, a)).body.presence;
    },
    good: 'offline',
  },
  'get-200-empty-object': {
    probe: async (m) => {
      const a = await m.register();
      const never = (await m.get(a, a)).body;
      await m.put(a, 'offline');
      return [never, (await m.get(a, a)).body];
    },
    good: [{ presence: 'offline' }, { presence: 'offline' }],
  },
  'status-msg-dropped': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online', 'x');
      return (await m.get(a, a)).body.status_msg;
    },
    good: 'x',
  },
  'status-msg-sticky': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online', 'x');
      await m.put(a, 'online');
      return 'status_msg' in (await m.get(a, a)).body;
    },
    good: false,
  },
  'invalid-presence-accepted': { probe: async (m) => (await m.put(await m.register(), 'busy')).status, good: 400 },
  'lax-body-types': {
    probe: async (m) => {
      const a = await m.register();
      const path = `${v3}/presence/${encodeURIComponent(a.userId)}/status`;
      const typed = await request(m.app).put(path).set(authHeader(a)).send({ presence: 'online', status_msg: 5 });
      const array = await request(m.app).put(path).set(authHeader(a)).send(['online']);
      const number = await request(m.app).put(path).set(authHeader(a)).send({ presence: 1 });
      return [typed.status, array.status, number.status];
    },
    good: [400, 400, 400],
  },
  'bad-json-500': {
    probe: async (m) => {
      const a = await m.register();
      const r = await request(m.app)
        .put(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
        .set(authHeader(a))
        .set('Content-Type', 'application/json')
        .send('{');
      return [r.status, r.body.errcode];
    },
    good: [400, 'M_NOT_JSON'],
  },
  'no-auth-required': {
    probe: async (m) => {
      const a = await m.register();
      return (await request(m.app).get(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)).status;
    },
    good: 401,
  },
  'query-token-ignored': {
    probe: async (m) => {
      const a = await m.register();
      return (
        await request(m.app)
          .get(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
          .query({ access_token: a.token })
      ).status;
    },
    good: 200,
  },
  'bad-token-accepted': {
    probe: async (m) => {
      const a = await m.register();
      return (
        await request(m.app)
          .get(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
          .set('Authorization', 'Bearer bogus')
      ).status;
    },
    good: 401,
  },
  'no-profile-propagation': {
    probe: (m) =>
      deliveredAfter(m, (a) =>
        request(m.app)
          .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
          .set(authHeader(a))
          .send({ displayname: 'A' }),
      ),
    good: 1,
  },
  'profile-event-stale-presence': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, b } = await pair(m);
      await m.put(a, 'online');
      const s = await m.sync(b);
      await request(m.app)
        .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
        .set(authHeader(a))
        .send({ displayname: 'A' });
      return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).map((e) => [e.content.displayname, e.content.presence]);
    },
    good: [['A', 'online']],
  },
  'join-presence-repeated': {
    probe: (m) => joinPresenceCounts(m),
    good: [1, 0],
  },
  'join-presence-missing': {
    probe: async (m) => (await joinPresenceCounts(m))[0],
    good: 1,
  },
  'duplicate-presence-events': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, b } = await pair(m);
      await m.put(a, 'online', 'x');
      const s = await m.sync(b);
      await m.put(a, 'online', 'x');
      return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length;
    },
    good: 0,
  },
  'text-plain-json': { probe: async (m) => (await request(m.app).get('/_matrix/client/versions')).headers['content-type'], good: 'application/json' },
  'put-echoes-body': { probe: async (m) => (await m.put(await m.register(), 'online')).body, good: {} },
  'first-device-only': {
    probe: async (m) => {
      const a = await m.register();
      const phone = await m.login(a);
      await m.sync(phone, { set_presence: 'online' });
      return (await m.get(a, a)).body.presence;
    },
    good: 'online',
  },
  'last-sync-wins': {
    config: { variants: ['sync-offline-sets-offline'] },
    probe: async (m) => {
      const a = await m.register();
      const phone = await m.login(a);
      await m.sync(phone, { set_presence: 'online' });
      await m.sync(a, { set_presence: 'offline' });
      return (await m.get(a, a)).body.presence;
    },
    good: 'online',
  },
  'filter-empty-list-ignored': {
    probe: (m) => deliveredAfter(m, (a) => m.put(a, 'online'), { filter: JSON.stringify({ presence: { types: [] } }) }),
    good: 0,
  },
  'profile-member-event-one-room': {
    probe: async (m) => {
      const a = await m.register();
      await m.shareRoom(a);
      const second = await m.shareRoom(a);
      await request(m.app)
        .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
        .set(authHeader(a))
        .send({ displayname: 'Alice' });
      return (
        await request(m.app)
          .get(`${v3}/rooms/${encodeURIComponent(second)}/state/m.room.member/${encodeURIComponent(a.userId)}`)
          .set(authHeader(a))
      ).body.displayname;
    },
    good: 'Alice',
  },
  'early-presence-without-user-id': {
    config: { spec_version: 'early' },
    probe: async (m) => (await earlyPresenceSeen(m)).contents.map((c) => c.user_id),
    good: ['@placeholder'],
  },
  'early-presence-without-last-active': {
    config: { spec_version: 'early', presence: slowTimers },
    probe: async (m) => {
      const { a, contents } = await earlyPresenceSeen(m, 500);
      return contents.filter((c) => c.user_id === a.userId).map((c) => c.last_active_ago);
    },
    good: [500],
  },
  'hidden-leaks-online': {
    config: { spec_version: 'early' },
    probe: hiddenSeenByCoMember,
    good: [400, 'offline'],
  },
  'early-initial-sync-without-presence': {
    config: { spec_version: 'early' },
    probe: async (m) => {
      const a = await m.register();
      await request(m.app)
        .put(`/_matrix/client/api/v1/presence/${encodeURIComponent(a.userId)}/status`)
        .query({ access_token: a.token })
        .send({ presence: 'online' });
      return (await request(m.app).get('/_matrix/client/api/v1/initialSync').query({ access_token: a.token })).body.presence.length;
    },
    good: 1,
  },
  'invalid-filter-500': {
    probe: async (m) => {
      const a = await m.register();
      return (
        await request(m.app)
          .get(`${v3}/sync`)
          .query({ filter: JSON.stringify({ presence: { limit: 0 } }) })
          .set(authHeader(a))
      ).status;
    },
    good: 200,
  },
  'last-active-absolute': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(5000);
      return (await m.get(a, a)).body.last_active_ago;
    },
    good: 5000,
  },
  'put-body-not-object': { probe: async (m) => (await m.put(await m.register(), 'online')).body, good: {} },
  'bad-set-presence-500': {
    probe: async (m) => {
      const a = await m.register();
      return (await request(m.app).get(`${v3}/sync`).query({ set_presence: 'busy' }).set(authHeader(a))).status;
    },
    good: 400,
  },
  'refusal-without-errcode': {
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      return (await m.get(a, b)).body.errcode;
    },
    good: 'M_FORBIDDEN',
  },
  'unknown-user-online': {
    probe: async (m) => {
      const a = await m.register();
      return (
        await request(m.app)
          .get(`${v3}/presence/${encodeURIComponent('@nobody:localhost')}/status`)
          .set(authHeader(a))
      ).status;
    },
    good: 403,
  },
  'new-co-member-not-subscribed': {
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      const s = await m.sync(b);
      await m.shareRoom(a, b);
      await m.put(a, 'online', 'after the join');
      return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).filter((e) => e.content.status_msg === 'after the join').length;
    },
    good: 1,
  },
  'presence-filter-ignored': {
    probe: (m) => deliveredAfter(m, (a) => m.put(a, 'online'), { filter: JSON.stringify({ presence: { not_types: ['m.presence'] } }) }),
    good: 0,
  },
  'r0-paths-missing': {
    probe: async (m) => {
      const a = await m.register();
      return (
        await request(m.app)
          .get(`/_matrix/client/r0/presence/${encodeURIComponent(a.userId)}/status`)
          .set(authHeader(a))
      ).status;
    },
    good: 200,
  },
  'no-free-for-chat': {
    config: { legacy: { free_for_chat: true } },
    probe: async (m) => {
      const a = await m.register();
      return (
        await request(m.app)
          .put(`/_matrix/client/r0/presence/${encodeURIComponent(a.userId)}/status`)
          .set(authHeader(a))
          .send({ presence: 'free_for_chat' })
      ).status;
    },
    good: 200,
  },
  'presence-list-broken': {
    config: { legacy: { presence_list: true } },
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      const path = `${v3}/presence/list/${encodeURIComponent(a.userId)}`;
      await request(m.app)
        .post(path)
        .set(authHeader(a))
        .send({ invite: [b.userId] });
      return (await request(m.app).get(path).set(authHeader(a))).body.length;
    },
    good: 1,
  },
  'get-status-msg-missing': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online', 'x');
      return (await m.get(a, a)).body.status_msg;
    },
    good: 'x',
  },
  'long-poll-not-woken': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      let woken = false;
      const waiting = m.presenceSince(b, s.next_batch, { timeout: '30000' }).then(() => (woken = true));
      await settle(() => m.app.homeserver.notifier.waiting() > 0);
      await m.put(a, 'online');
      await settle(() => woken, 25);
      const result = woken;
      m.clock.advance(30_000);
      await waiting;
      return result;
    },
    good: true,
  },
  'user-id-not-decoded': {
    probe: async (m) => {
      const a = await m.register();
      return (await m.get(a, a)).status;
    },
    good: 200,
  },
  'event-missing-sender': {
    probe: async (m) => {
      const a = await m.register();
      const s = await m.sync(a);
      await m.put(a, 'online');
      return (await m.presenceSince(a, s.next_batch)).events[0]?.sender;
    },
    good: undefined as unknown,
  },
} as Record<FaultName, Row>;
rows['fresh-user-online'] = {
  probe: async (m) => {
    const a = await m.register();
    return (await m.get(a, a)).body.presence;
  },
  good: 'offline',
};
rows['empty-status-msg-refused'] = { probe: async (m) => (await m.put(await m.register(), 'online', '')).status, good: 200 };
rows['null-status-msg-500'] = {
  probe: async (m) => {
    const a = await m.register();
    return (
      await request(m.app)
        .put(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
        .set(authHeader(a))
        .send({ presence: 'online', status_msg: null })
    ).status;
  },
  good: 400,
};
rows['client-last-active-honoured'] = {
  config: { presence: slowTimers },
  probe: async (m) => {
    const a = await m.register();
    await request(m.app)
      .put(`${v3}/presence/${encodeURIComponent(a.userId)}/status`)
      .set(authHeader(a))
      .send({ presence: 'online', last_active_ago: 86_400_000 });
    return (await m.get(a, a)).body.last_active_ago;
  },
  good: undefined as unknown,
};
rows['sync-not-online'] = {
  probe: async (m) => {
    const a = await m.register();
    await m.sync(a, { set_presence: 'online' });
    return (await m.get(a, a)).body.presence;
  },
  good: 'online',
};
rows['sync-clears-status'] = {
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online', 'x');
    await m.sync(a, { set_presence: 'online' });
    return (await m.get(a, a)).body.status_msg;
  },
  good: 'x',
};
rows['rate-limit-never-refills'] = {
  config: limited,
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online');
    const limitedRes = await m.put(a, 'online');
    m.clock.advance(limitedRes.body.retry_after_ms as number);
    return (await m.put(a, 'online')).status;
  },
  good: 200,
};
rows['profile-change-no-member-event'] = {
  probe: async (m) => {
    const { a, room } = await pair(m);
    await request(m.app)
      .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
      .set(authHeader(a))
      .send({ displayname: 'Alice' });
    const member = await request(m.app)
      .get(`${v3}/rooms/${encodeURIComponent(room)}/state/m.room.member/${encodeURIComponent(a.userId)}`)
      .set(authHeader(a));
    return member.body.displayname;
  },
  good: 'Alice',
};
rows['presence-list-drop-ignored'] = {
  config: { legacy: { presence_list: true } },
  probe: async (m) => {
    const a = await m.register();
    const b = await m.register();
    const path = `${v3}/presence/list/${encodeURIComponent(a.userId)}`;
    await request(m.app)
      .post(path)
      .set(authHeader(a))
      .send({ invite: [b.userId] });
    await request(m.app)
      .post(path)
      .set(authHeader(a))
      .send({ drop: [b.userId] });
    return (await request(m.app).get(path).set(authHeader(a))).body.length;
  },
  good: 0,
};
rows['presence-list-drop-clears'] = {
  config: { legacy: { presence_list: true } },
  probe: async (m) => {
    const a = await m.register();
    const b = await m.register();
    const c = await m.register();
    const path = `${v3}/presence/list/${encodeURIComponent(a.userId)}`;
    await request(m.app)
      .post(path)
      .set(authHeader(a))
      .send({ invite: [b.userId, c.userId] });
    await request(m.app)
      .post(path)
      .set(authHeader(a))
      .send({ drop: [b.userId] });
    return ((await request(m.app).get(path).set(authHeader(a))).body as { user_id: string }[]).map((e) => e.user_id).length;
  },
  good: 1,
};
rows['no-state-empty-presence'] = {
  probe: async (m) => {
    const a = await m.register();
    return (await m.get(a, a)).body.presence;
  },
  good: 'offline',
};
rows['status-msg-whitespace-mangled'] = {
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online', ' hi\nthere ');
    return (await m.get(a, a)).body.status_msg;
  },
  good: ' hi\nthere ',
};
rows['presence-filter-only-limit'] = {
  probe: (m) => deliveredAfter(m, (a) => m.put(a, 'online'), { filter: JSON.stringify({ presence: { not_types: ['m.presence'] } }) }),
  good: 0,
};
rows['status-put-repeated'] = {
  // A repeat with a status_msg while currently_active is true reaches b (dendrite-personality.test.ts:
  // one without a status_msg is still suppressed, as in Dendrite).
  config: { presence: slowTimers },
  probe: async (m) => {
    const { a, b } = await pair(m);
    await m.put(a, 'online', 'steady');
    const s = await m.sync(b);
    await m.put(a, 'online', 'steady');
    return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length;
  },
  good: 0,
};
rows['idle-only-after-sync'] = {
  config: { presence: { idle_timeout: 1000, sync_online_timeout: 100_000 } },
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online');
    m.clock.advance(1000);
    return (await m.get(a, a)).body.presence;
  },
  good: 'unavailable',
};
rows['invalid-set-presence-stored'] = {
  probe: async (m) => {
    const a = await m.register();
    const status = (await request(m.app).get(`${v3}/sync`).query({ set_presence: 'busy' }).set(authHeader(a))).status;
    return [status, (await m.get(a, a)).body.presence];
  },
  good: [400, 'offline'],
};
rows['own-presence-needs-room'] = {
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online');
    return (await m.get(a, a)).status;
  },
  good: 200,
};
rows['last-active-hidden-while-active'] = {
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online');
    return typeof (await m.get(a, a)).body.last_active_ago;
  },
  good: 'number',
};
rows['presence-filter-only-senders'] = {
  probe: (m) => deliveredAfter(m, (a) => m.put(a, 'online'), { filter: JSON.stringify({ presence: { not_types: ['m.presence'] } }) }),
  good: 0,
};
rows['sync-timeout-floor'] = {
  // An incremental /sync with timeout 0 and nothing new: answered at once, without the clock moving.
  probe: async (m) => {
    const a = await m.register();
    const s = await m.sync(a, { set_presence: 'offline' });
    let answered = false;
    const polling = m.presenceSince(a, s.next_batch, { timeout: '0', set_presence: 'offline' }).then(() => (answered = true));
    await settle(() => answered, 25);
    const result = answered;
    m.clock.advance(5000);
    await polling;
    return result;
  },
  good: true,
};
/** What GET answers for a user's status_msg after they PUT `text`. */
async function statusMsgAfterPut(m: TestMock, text: string): Promise<unknown> {
  const a = await m.register();
  await m.put(a, 'online', text);
  return (await m.get(a, a)).body.status_msg;
}
rows['status-msg-non-ascii-mangled'] = {
  probe: (m) => statusMsgAfterPut(m, 'Καλημέρα 👩\u200d💻 e\u0301'),
  good: 'Καλημέρα 👩\u200d💻 e\u0301',
};
rows['status-msg-markup-escaped'] = {
  probe: (m) => statusMsgAfterPut(m, `<b>"bold"</b> & 'plain'`),
  good: `<b>"bold"</b> & 'plain'`,
};
rows['status-msg-trimmed'] = {
  probe: (m) => statusMsgAfterPut(m, ' \tedges\n'),
  good: ' \tedges\n',
};
rows['status-msg-normalised'] = {
  probe: (m) => statusMsgAfterPut(m, 'Cafe\u0301 q\u0307\u0323'),
  good: 'Cafe\u0301 q\u0307\u0323',
};
rows['status-msg-truncated'] = {
  // 600 code points, 300 of them astral: the cut at 512 keeps every surrogate pair whole.
  probe: async (m) => {
    const text = 'a😀'.repeat(300);
    const got = await statusMsgAfterPut(m, text);
    return got === text ? 'whole' : [...(got as string)].length;
  },
  good: 'whole',
};
rows['long-status-msg-500'] = {
  probe: async (m) => {
    const a = await m.register();
    return (await m.put(a, 'online', 'x'.repeat(65_536))).status;
  },
  good: 200,
};
const early = '/_matrix/client/api/v1';
const r0 = '/_matrix/client/r0';
/** An early-API request with the access token in the query string. */
function earlyCall(m: TestMock, method: 'get' | 'put' | 'post', path: string, a: { token: string }, body?: object, query: Record<string, string> = {}) {
  const agent = request(m.app);
  const url = `${early}${path}`;
  const req = (method === 'get' ? agent.get(url) : method === 'put' ? agent.put(url) : agent.post(url)).query({ access_token: a.token, ...query });
  return body === undefined ? req : req.send(body);
}
/** PUT presence on the r0 path (free_for_chat is an r0 state). */
function putR0(m: TestMock, a: { userId: string; token: string }, presence: string) {
  return request(m.app)
    .put(`${r0}/presence/${encodeURIComponent(a.userId)}/status`)
    .set(authHeader(a))
    .send({ presence });
}
rows['duplicate-delivery-per-room'] = {
  // b shares two rooms with a: one change of a, in b's next answer and never again.
  probe: async (m) => {
    const { a, b } = await pair(m);
    const second = await m.shareRoom(a);
    await request(m.app)
      .post(`${v3}/rooms/${encodeURIComponent(second)}/join`)
      .set(authHeader(b))
      .send({});
    const s = await m.sync(b);
    await m.put(a, 'unavailable', 'once');
    const first = await m.presenceSince(b, s.next_batch);
    const again = await m.presenceSince(b, first.next);
    return [eventsFrom(first.events, a.userId).length, eventsFrom(again.events, a.userId).length];
  },
  good: [1, 0],
};
rows['leave-drops-visibility'] = {
  // b leaves one of the two rooms it shares with a: GET and delivery go on through the other.
  probe: async (m) => {
    const { a, b, room } = await pair(m);
    const second = await m.shareRoom(a);
    await request(m.app)
      .post(`${v3}/rooms/${encodeURIComponent(second)}/join`)
      .set(authHeader(b))
      .send({});
    await request(m.app)
      .post(`${v3}/rooms/${encodeURIComponent(room)}/leave`)
      .set(authHeader(b))
      .send({});
    const s = await m.sync(b);
    await m.put(a, 'online', 'still here');
    return [(await m.get(b, a)).status, eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length];
  },
  good: [200, 1],
};
rows['get-last-active-frozen-while-active'] = {
  config: { presence: { ...slowTimers, last_active_granularity: 60_000 } },
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online');
    m.clock.advance(1000);
    const body = (await m.get(a, a)).body as Record<string, unknown>;
    return [body.currently_active, body.last_active_ago];
  },
  good: [true, 1000],
};
rows['unavailable-raise-not-active'] = {
  // offline -> unavailable raises availability (r0 levels): last active is now.
  config: { presence: slowTimers },
  probe: async (m) => {
    const a = await m.register();
    await m.put(a, 'online');
    await m.put(a, 'offline');
    m.clock.advance(1000);
    await m.put(a, 'unavailable');
    return (await m.get(a, a)).body.last_active_ago;
  },
  good: 0,
};
rows['online-put-always-active'] = {
  // free_for_chat -> online lowers availability (r0 levels): last active stays where it was.
  config: { presence: slowTimers, legacy: { free_for_chat: true } },
  probe: async (m) => {
    const a = await m.register();
    await putR0(m, a, 'free_for_chat');
    m.clock.advance(1000);
    await putR0(m, a, 'online');
    return (await m.get(a, a)).body.last_active_ago;
  },
  good: 1000,
};
rows['free-for-chat-delivered-as-online'] = {
  config: { legacy: { free_for_chat: true } },
  probe: async (m) => {
    const { a, b } = await pair(m);
    const s = await m.sync(b);
    await putR0(m, a, 'free_for_chat');
    return [eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).map((e) => e.content.presence), (await m.get(b, a)).body.presence];
  },
  good: [['free_for_chat'], 'free_for_chat'],
};
rows['profile-event-without-presence'] = {
  config: { presence: slowTimers },
  probe: async (m) => {
    const { a, b } = await pair(m);
    await m.put(a, 'unavailable', 'in a meeting');
    const s = await m.sync(b);
    await request(m.app)
      .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
      .set(authHeader(a))
      .send({ displayname: 'A' });
    return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).map((e) => [e.content.displayname, e.content.presence, e.content.status_msg]);
  },
  good: [['A', 'unavailable', 'in a meeting']],
};
rows['event-stream-not-online'] = {
  config: { spec_version: 'early' },
  probe: async (m) => {
    const a = await m.register();
    await earlyCall(m, 'get', '/events', a, undefined, { timeout: '0' });
    return (await earlyCall(m, 'get', `/presence/${encodeURIComponent(a.userId)}/status`, a)).body.presence;
  },
  good: 'online',
};
rows['presence-list-not-streamed'] = {
  // a lists b, with whom it shares no room: b is in a's initial sync and in a's stream after it. The list
  // at the early text's path (the per-user path: releases.test.ts).
  config: { spec_version: 'early', legacy: { presence_list_path: 'own' } },
  probe: async (m) => {
    const a = await m.register();
    const b = await m.register();
    await earlyCall(m, 'post', '/presence/list', a, { invite: [b.userId] });
    await earlyCall(m, 'put', `/presence/${encodeURIComponent(b.userId)}/status`, b, { presence: 'online', status_msg: 'listed' });
    const start = await earlyCall(m, 'get', '/initialSync', a, undefined, { limit: '0' });
    await earlyCall(m, 'put', `/presence/${encodeURIComponent(b.userId)}/status`, b, { presence: 'unavailable', status_msg: 'later' });
    const stream = await earlyCall(m, 'get', '/events', a, undefined, { from: start.body.end as string, timeout: '0' });
    const about = (events: { type: string; content: { user_id?: string; status_msg?: string } }[]) =>
      events.filter((e) => e.type === 'm.presence' && e.content.user_id === b.userId).map((e) => e.content.status_msg);
    return [about(start.body.presence), about(stream.body.chunk)];
  },
  good: [['listed'], ['later']],
};
rows['join-member-event-without-profile'] = {
  probe: async (m) => {
    const a = await m.register();
    const b = await m.register();
    const room = await m.shareRoom(b);
    await request(m.app)
      .put(`${v3}/profile/${encodeURIComponent(a.userId)}/displayname`)
      .set(authHeader(a))
      .send({ displayname: 'Alice' });
    await request(m.app)
      .post(`${v3}/join/${encodeURIComponent(room)}`)
      .set(authHeader(a))
      .send({});
    return (
      await request(m.app)
        .get(`${v3}/rooms/${encodeURIComponent(room)}/state/m.room.member/${encodeURIComponent(a.userId)}`)
        .set(authHeader(b))
    ).body.displayname;
  },
  good: 'Alice',
};
rows['events-presence-repeated'] = {
  // One change, then two polls of b's stream each from the end of the one before: it comes once.
  config: { spec_version: 'early' },
  probe: async (m) => {
    const a = await m.register();
    const b = await m.register();
    await m.shareRoom(a, b);
    const start = await earlyCall(m, 'get', '/initialSync', b, undefined, { limit: '0' });
    await earlyCall(m, 'put', `/presence/${encodeURIComponent(a.userId)}/status`, a, { presence: 'online', status_msg: 'once' });
    const count = (chunk: { type: string; content: { user_id?: string } }[]) =>
      chunk.filter((e) => e.type === 'm.presence' && e.content.user_id === a.userId).length;
    const first = await earlyCall(m, 'get', '/events', b, undefined, { from: start.body.end as string, timeout: '0' });
    const second = await earlyCall(m, 'get', '/events', b, undefined, { from: first.body.end as string, timeout: '0' });
    return [count(first.body.chunk), count(second.body.chunk)];
  },
  good: [1, 0],
};
// The sender is the user; written here so the table stays a literal.
rows['event-missing-sender'].good = '@placeholder';
rows['early-presence-without-user-id'].good = ['@placeholder'];

describe('mock deliberate faults', () => {
  it('every fault in the catalogue has a row', () => {
    expect(Object.keys(rows).sort()).to.deep.equal([...FAULT_NAMES].sort());
  });

  for (const name of FAULT_NAMES) {
    const row = rows[name];
    it(`${name}: correct without it, wrong with it`, async () => {
      const config = row.config ?? {};
      const healthy = await row.probe(makeMock(config));
      const faulty = await row.probe(makeMock({ ...config, faults: [name] }));
      if (name === 'event-missing-sender') expect(healthy).to.match(/^@u\d+:localhost$/);
      else if (name === 'early-presence-without-user-id')
        expect(healthy).to.satisfy((ids: string[]) => ids.length > 0 && ids.every((id) => /^@u\d+:localhost$/.test(id)));
      else expect(healthy, 'without the fault').to.deep.equal(row.good);
      expect(faulty, 'with the fault').to.not.deep.equal(healthy);
    });
  }
});

describe('mock faults of the tuwunel-like and conduwuit-like personalities, in detail', () => {
  it('presence-filter-only-senders: senders and not_senders still apply; types, not_types and limit do not', async () => {
    const m = makeMock({ faults: ['presence-filter-only-senders'] });
    const { a, b } = await pair(m);
    const s = await m.sync(b);
    await m.put(a, 'online');
    const filtered = async (presence: Record<string, unknown>) =>
      eventsFrom((await m.presenceSince(b, s.next_batch, { filter: JSON.stringify({ presence }) })).events, a.userId).length;
    expect(await filtered({ senders: [b.userId] })).to.equal(0);
    expect(await filtered({ not_senders: [a.userId] })).to.equal(0);
    expect(await filtered({ senders: [] })).to.equal(0);
    expect(await filtered({ senders: [a.userId] })).to.equal(1);
    expect(await filtered({ types: [] })).to.equal(1);
    expect(await filtered({ types: ['m.room.message'] })).to.equal(1);
  });

  it('sync-timeout-floor: a /sync with nothing new waits 5 s however short its timeout, and a change still ends it', async () => {
    const m = makeMock({ faults: ['sync-timeout-floor'], presence: slowTimers });
    const { a, b } = await pair(m);
    const s = await m.sync(b, { set_presence: 'offline' });
    let answered = false;
    const polling = m.presenceSince(b, s.next_batch, { timeout: '1000', set_presence: 'offline' }).then((r) => {
      answered = true;
      return r;
    });
    await settle(() => m.app.homeserver.notifier.waiting() > 0);
    m.clock.advance(4999);
    await settle(() => answered, 25);
    expect(answered, 'still waiting after 4999 ms').to.equal(false);
    m.clock.advance(1);
    expect((await polling).events).to.deep.equal([]);
    const again = m.presenceSince(b, s.next_batch, { timeout: '0', set_presence: 'offline' });
    await settle(() => m.app.homeserver.notifier.waiting() > 0);
    await m.put(a, 'online');
    expect(eventsFrom((await again).events, a.userId)).to.have.length(1);
  });

  it('last-active-hidden-while-active: last_active_ago comes back once currently_active is false', async () => {
    const m = makeMock({ faults: ['last-active-hidden-while-active'], presence: { ...slowTimers, last_active_granularity: 1000 } });
    const a = await m.register();
    await m.put(a, 'online');
    expect((await m.get(a, a)).body).to.not.have.property('last_active_ago');
    m.clock.advance(1000);
    expect((await m.get(a, a)).body).to.include({ currently_active: false, last_active_ago: 1000 });
  });
});

describe('mock faults of status text, in detail', () => {
  it('status-msg-truncated keeps the first 512 code points and never splits a surrogate pair', async () => {
    const m = makeMock({ faults: ['status-msg-truncated'] });
    const got = (await statusMsgAfterPut(m, 'a😀'.repeat(300))) as string;
    expect([[...got].length, got]).to.deep.equal([512, 'a😀'.repeat(256)]);
    expect(await statusMsgAfterPut(m, 'short')).to.equal('short');
  });

  it('status-msg-trimmed trims the ends only; status-msg-whitespace-mangled also turns line breaks into spaces', async () => {
    const text = '\t two\n\r\nlines  ';
    expect(await statusMsgAfterPut(makeMock({ faults: ['status-msg-trimmed'] }), text)).to.equal('two\n\r\nlines');
    expect(await statusMsgAfterPut(makeMock({ faults: ['status-msg-whitespace-mangled'] }), text)).to.equal('two   lines');
  });

  it('status-msg-non-ascii-mangled leaves ASCII alone and reads UTF-8 as Latin-1', async () => {
    const m = makeMock({ faults: ['status-msg-non-ascii-mangled'] });
    expect(await statusMsgAfterPut(m, '<plain> ascii\t&')).to.equal('<plain> ascii\t&');
    expect(await statusMsgAfterPut(m, 'é')).to.equal('Ã©');
  });

  it('status-msg-normalised composes (é) and reorders combining marks (q, dot below, dot above)', async () => {
    const m = makeMock({ faults: ['status-msg-normalised'] });
    expect(await statusMsgAfterPut(m, 'e\u0301 q\u0307\u0323')).to.equal('\u00e9 q\u0323\u0307');
  });

  it('long-status-msg-500 answers 500 only above 32 768 code points', async () => {
    const m = makeMock({ faults: ['long-status-msg-500'] });
    const a = await m.register();
    expect((await m.put(a, 'online', '😀'.repeat(32_768))).status).to.equal(200);
    const res = await m.put(a, 'online', 'x'.repeat(32_769));
    expect([res.status, res.body.errcode]).to.deep.equal([500, 'M_UNKNOWN']);
  });
});
