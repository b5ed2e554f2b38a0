// Every variant, table-driven: a probe observes the behaviour the variant changes; without the variant
// the mock answers as Synapse does (`without`), with it as the variant says (`with`). Then the
// catalogue itself: its citations, the clauses it names, and the combinations it refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import { MOCK_CONFIG_SCHEMA_FILE, mockConfigFromTarget, resolveConfig, type MockConfigInput } from '../../mock-server/config.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import {
  DEFAULT_VARIANT_OPTIONS,
  EXTRA_FIELD,
  VARIANTS,
  VARIANT_NAMES,
  isVariantName,
  type VariantName,
  type VariantOptions,
  type VariantSpec,
} from '../../mock-server/variants.js';
import { ConfigError } from '../../project/errors.js';
import { projectRoot, suitesDir, targetsDir } from '../../project/paths.js';
import { runSuites } from '../../runner/index.js';
import { loadTargetProfile, parseTargetProfile } from '../../runner/load/load-target.js';
import { authHeader, eventsFrom, hiddenSeenByCoMember, makeMock, settle, v3, type Actor, type PresenceEvent, type TestMock } from './helpers.js';

interface Row {
  config?: MockConfigInput;
  /** variant_options given with the variant (never without it: an option of an absent variant is refused). */
  options?: Partial<VariantOptions>;
  probe: (m: TestMock) => Promise<unknown>;
  without: unknown;
  with: unknown;
}

const slowTimers = { idle_timeout: 100_000, sync_online_timeout: 100_000 };
const limited: MockConfigInput = { rate_limit: { enabled: true, per_second: 0.1, burst: 1 } };
const EXTRA_KEY = Object.keys(EXTRA_FIELD)[0]!;

/** b's presence long-poll from `since`, and whether it has answered yet. */
function longPoll(m: TestMock, b: Actor, since: string): { answer: Promise<{ events: PresenceEvent[] }>; woken: () => boolean } {
  let woken = false;
  const answer = m.presenceSince(b, since, { timeout: '30000' }).then((r) => {
    woken = true;
    return r;
  });
  return { answer, woken: () => woken };
}

async function pair(m: TestMock) {
  const a = await m.register();
  const b = await m.register();
  const room = await m.shareRoom(a, b);
  return { a, b, room };
}

const enc = encodeURIComponent;

/** How many of `a`'s presence events reach `b` in b's next incremental sync after `act`. */
async function deliveredAfter(m: TestMock, a: Actor, b: Actor, act: () => Promise<unknown>): Promise<number> {
  const s = await m.sync(b);
  await act();
  return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length;
}

async function syncStatus(m: TestMock, a: Actor, setPresence: string): Promise<number> {
  return (await request(m.app).get(`${v3}/sync`).query({ set_presence: setPresence }).set(authHeader(a))).status;
}

const presenceOf = async (m: TestMock, a: Actor, target: Actor = a) => (await m.get(a, target)).body.presence as unknown;
const lastActiveOf = async (m: TestMock, a: Actor) => (await m.get(a, a)).body.last_active_ago as unknown;

/** The invalid set_presence probe: a user who PUT unavailable syncs with set_presence=busy. */
async function invalidSetPresence(m: TestMock): Promise<unknown> {
  const a = await m.register();
  await m.put(a, 'unavailable');
  return [await syncStatus(m, a, 'busy'), await presenceOf(m, a)];
}

/** A stranger's GET: [status, errcode, presence]. */
async function strangerGet(m: TestMock): Promise<unknown> {
  const a = await m.register();
  const b = await m.register();
  await m.put(b, 'online');
  const res = await m.get(a, b);
  return [res.status, res.body.errcode, res.body.presence];
}

const rows: Record<VariantName, Row> = {
  'extra-fields': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      const put = await m.put(a, 'online');
      const event = eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId)[0]!;
      const error = await request(m.app).get(`${v3}/presence/${enc(a.userId)}/status`);
      return {
        put: put.body,
        get: EXTRA_KEY in (await m.get(a, a)).body,
        event: EXTRA_KEY in event,
        content: EXTRA_KEY in event.content,
        error: EXTRA_KEY in error.body,
      };
    },
    without: { put: {}, get: false, event: false, content: false, error: false },
    with: { put: EXTRA_FIELD, get: true, event: true, content: true, error: true },
  },
  'async-processing': {
    options: { processing_delay: 300 },
    probe: async (m) => {
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      await m.put(a, 'online', 'x');
      const before = [await presenceOf(m, a), eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length];
      m.clock.advance(300);
      const after = [await presenceOf(m, a), eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length];
      return { before, after };
    },
    without: { before: ['online', 1], after: ['online', 1] },
    with: { before: ['offline', 0], after: ['online', 1] },
  },
  'no-initial-presence': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      await m.put(a, 'online');
      const initial = await m.sync(b);
      const incremental = await deliveredAfter(m, a, b, () => m.put(a, 'unavailable'));
      return [eventsFrom(initial.presence.events, a.userId).length, incremental];
    },
    without: [1, 1],
    with: [0, 1],
  },
  'no-own-presence': {
    probe: async (m) => {
      const a = await m.register();
      return deliveredAfter(m, a, a, () => m.put(a, 'online'));
    },
    without: 1,
    with: 0,
  },
  'own-presence-in-sync-needs-room': {
    // Alone, then in a room of their own: whether a's own change reaches a's /sync.
    probe: async (m) => {
      const a = await m.register();
      const alone = await deliveredAfter(m, a, a, () => m.put(a, 'online', 'alone'));
      await m.shareRoom(a);
      return [alone, await deliveredAfter(m, a, a, () => m.put(a, 'online', 'in a room'))];
    },
    without: [1, 1],
    with: [0, 1],
  },
  'sync-offline-sets-offline': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      await m.sync(a, { set_presence: 'offline' });
      return presenceOf(m, a);
    },
    without: 'online',
    with: 'offline',
  },
  'status-msg-kept-on-omit': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online', 'x');
      await m.put(a, 'unavailable');
      const afterOmit = (await m.get(a, a)).body.status_msg;
      const nulled = await request(m.app)
        .put(`${v3}/presence/${enc(a.userId)}/status`)
        .set(authHeader(a))
        .send({ presence: 'online', status_msg: null });
      return [afterOmit, nulled.status, (await m.get(a, a)).body.status_msg];
    },
    without: [undefined, 400, undefined],
    with: ['x', 200, 'x'],
  },
  'message-not-activity': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, room } = await pair(m);
      await m.put(a, 'online');
      m.clock.advance(1000);
      await m.say(a, room);
      return lastActiveOf(m, a);
    },
    without: 0,
    with: 1000,
  },
  'typing-receipts-not-activity': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, room } = await pair(m);
      await m.put(a, 'online');
      m.clock.advance(1000);
      await request(m.app)
        .put(`${v3}/rooms/${enc(room)}/typing/${enc(a.userId)}`)
        .set(authHeader(a))
        .send({ typing: true });
      const afterTyping = await lastActiveOf(m, a);
      m.clock.advance(1000);
      await request(m.app)
        .post(`${v3}/rooms/${enc(room)}/receipt/m.read/${enc('$e')}`)
        .set(authHeader(a))
        .send({});
      return [afterTyping, await lastActiveOf(m, a)];
    },
    without: [0, 0],
    with: [1000, 2000],
  },
  'join-is-activity': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      const room = await m.shareRoom(b);
      // offline -> unavailable raises availability, so the PUT is activity; the join comes later.
      await m.put(a, 'unavailable');
      m.clock.advance(1000);
      await request(m.app)
        .post(`${v3}/rooms/${enc(room)}/join`)
        .set(authHeader(a))
        .send({});
      return [await presenceOf(m, a), await lastActiveOf(m, a)];
    },
    without: ['unavailable', 1000],
    with: ['online', 0],
  },
  'profile-change-is-activity': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'unavailable');
      await request(m.app)
        .put(`${v3}/profile/${enc(a.userId)}/displayname`)
        .set(authHeader(a))
        .send({ displayname: 'A' });
      return presenceOf(m, a);
    },
    without: 'unavailable',
    with: 'online',
  },
  'lowering-counts-as-activity': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1000);
      await m.put(a, 'unavailable');
      return lastActiveOf(m, a);
    },
    without: 1000,
    with: 0,
  },
  'invalid-set-presence-ignored': { probe: invalidSetPresence, without: [400, 'unavailable'], with: [200, 'unavailable'] },
  'invalid-set-presence-as-default': { probe: invalidSetPresence, without: [400, 'unavailable'], with: [200, 'online'] },
  'strangers-may-read': { probe: strangerGet, without: [403, 'M_FORBIDDEN', undefined], with: [200, undefined, 'online'] },
  'stranger-get-404': { probe: strangerGet, without: [403, 'M_FORBIDDEN', undefined], with: [404, 'M_NOT_FOUND', undefined] },
  'never-set-404': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      const never = await m.get(a, b);
      await m.put(b, 'online');
      return [never.status, never.body.presence, (await m.get(a, b)).status];
    },
    without: [200, 'offline', 200],
    with: [404, undefined, 200],
  },
  'foreign-put-400': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      const res = await request(m.app)
        .put(`${v3}/presence/${enc(b.userId)}/status`)
        .set(authHeader(a))
        .send({ presence: 'online' });
      return [res.status, res.body.errcode, await presenceOf(m, b)];
    },
    without: [403, 'M_FORBIDDEN', 'offline'],
    with: [400, 'M_INVALID_PARAM', 'offline'],
  },
  'invalid-presence-m-unknown': {
    probe: async (m) => {
      const r = await m.put(await m.register(), 'busy');
      return [r.status, r.body.errcode];
    },
    without: [400, 'M_INVALID_PARAM'],
    with: [400, 'M_UNKNOWN'],
  },
  'lenient-put-keys': {
    probe: async (m) => {
      const a = await m.register();
      const res = await request(m.app)
        .put(`${v3}/presence/${enc(a.userId)}/status`)
        .set(authHeader(a))
        .send({ presence: 'online', mood: 'fine' });
      return [res.status, await presenceOf(m, a)];
    },
    without: [400, 'offline'],
    with: [200, 'online'],
  },
  'status-msg-length-limit': {
    // 2048 characters are kept; one more is refused, and the message set before stays.
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online', 'before');
      const kept = await m.put(a, 'online', 'k'.repeat(2048));
      const longer = await m.put(a, 'unavailable', 'l'.repeat(2049));
      const after = (await m.get(a, a)).body as { presence: string; status_msg: string };
      return [kept.status, longer.status, longer.body.errcode ?? null, after.presence, after.status_msg.length];
    },
    without: [200, 200, null, 'unavailable', 2049],
    with: [200, 400, 'M_INVALID_PARAM', 'online', 2048],
  },
  'currently-active-by-recency': {
    config: { presence: { ...slowTimers, last_active_granularity: 400 } },
    probe: async (m) => {
      const { a, b } = await pair(m);
      await m.put(a, 'online');
      const s = await m.sync(b);
      await m.put(a, 'offline');
      const event = eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId)[0]!;
      const offlineGet = (await m.get(a, a)).body.currently_active;
      m.clock.advance(500);
      return [offlineGet, event.content.currently_active, (await m.get(a, a)).body.currently_active];
    },
    without: [undefined, undefined, undefined],
    with: [true, undefined, false],
  },
  'currently-active-until-idle': {
    config: { presence: { idle_timeout: 1000, sync_online_timeout: 100_000, last_active_granularity: 400 } },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(500);
      const during = (await m.get(a, a)).body.currently_active;
      m.clock.advance(500);
      const idle = (await m.get(a, a)).body;
      return [during, idle.presence, idle.currently_active];
    },
    without: [false, 'unavailable', undefined],
    with: [true, 'unavailable', undefined],
  },
  'put-not-currently-active': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      const afterPut = (await m.get(a, a)).body.currently_active;
      await m.sync(a, { set_presence: 'online' });
      return [afterPut, (await m.get(a, a)).body.currently_active];
    },
    without: [true, true],
    with: [false, true],
  },
  'without-currently-active': {
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      return (await m.get(a, a)).body.currently_active;
    },
    without: true,
    with: undefined,
  },
  'no-presence-on-join': {
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      await m.put(b, 'online');
      const room = await m.shareRoom(a);
      return deliveredAfter(m, b, a, () =>
        request(m.app)
          .post(`${v3}/rooms/${enc(room)}/join`)
          .set(authHeader(b))
          .send({}),
      );
    },
    without: 1,
    with: 0,
  },
  'slow-wake': {
    options: { wake_delay: 300 },
    probe: async (m) => {
      const { a, b } = await pair(m);
      const poll = longPoll(m, b, (await m.sync(b)).next_batch);
      await settle(() => m.app.homeserver.notifier.waiting() > 0);
      await m.put(a, 'online');
      await settle(poll.woken, 25);
      const atOnce = poll.woken();
      m.clock.advance(300);
      await settle(poll.woken);
      const afterDelay = poll.woken();
      m.clock.advance(30_000);
      const events = (await poll.answer).events.length;
      return [atOnce, afterDelay, events];
    },
    without: [true, true, 1],
    with: [false, true, 1],
  },
  'late-delivery': {
    options: { delivery_delay: 300 },
    probe: async (m) => {
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      await m.put(a, 'online', 'x');
      const seen = async () => [await presenceOf(m, a), eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).length];
      const atOnce = await seen();
      m.clock.advance(300);
      return { atOnce, later: await seen() };
    },
    without: { atOnce: ['online', 1], later: ['online', 1] },
    with: { atOnce: ['online', 0], later: ['online', 1] },
  },
  'no-last-active-in-events': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, b } = await pair(m);
      const [event] = await eventsAfterPut(m, a, b);
      return ['last_active_ago' in event!.content, typeof (await lastActiveOf(m, a))];
    },
    without: [true, 'number'],
    with: [false, 'number'],
  },
  'fractional-last-active': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, b } = await pair(m);
      const [event] = await eventsAfterPut(m, a, b, 1000);
      return [event!.content.last_active_ago, await lastActiveOf(m, a)];
    },
    without: [1000, 1000],
    with: [1000.5, 1000],
  },
  'last-active-second-precision': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      m.clock.advance(1500);
      return lastActiveOf(m, a);
    },
    without: 1500,
    with: 1000,
  },
  'presence-list-as-events': {
    config: { spec_version: 'r0.0.0' },
    probe: async (m) => {
      const a = await m.register();
      const b = await m.register();
      await m.put(b, 'online');
      const list = `${m.prefix}/presence/list/${encodeURIComponent(a.userId)}`;
      await m.authed(request(m.app).post(list), a).send({ invite: [b.userId] });
      const entry = ((await m.authed(request(m.app).get(list), a)).body as Record<string, unknown>[])[0]!;
      const fields = (entry.content ?? entry) as Record<string, unknown>;
      return [entry.type ?? 'flat', fields.user_id === b.userId, fields.presence];
    },
    without: ['flat', true, 'online'],
    with: ['m.presence', true, 'online'],
  },
  'hidden-taken-as-offline': {
    config: { spec_version: 'early' },
    probe: hiddenSeenByCoMember,
    without: [400, 'offline'],
    with: [200, 'offline'],
  },
  'retry-after-header-only': {
    config: limited,
    probe: async (m) => {
      const a = await m.register();
      await m.put(a, 'online');
      const r = await m.put(a, 'online');
      return [r.status, r.body.errcode, r.body.retry_after_ms, r.headers['retry-after']];
    },
    without: [429, 'M_LIMIT_EXCEEDED', 10_000, '10'],
    with: [429, 'M_LIMIT_EXCEEDED', undefined, '10'],
  },
  'no-sync-offline': {
    config: { presence: { idle_timeout: 100_000, sync_online_timeout: 1000 } },
    probe: async (m) => {
      const a = await m.register();
      await m.sync(a, { set_presence: 'online' });
      m.clock.advance(1000);
      return presenceOf(m, a);
    },
    without: 'offline',
    with: 'online',
  },
  'presence-omitted-when-empty': {
    probe: async (m) => {
      const a = await m.register();
      const res = await request(m.app).get(`${v3}/sync`).query({ set_presence: 'offline' }).set(authHeader(a));
      await m.put(a, 'online');
      const full = await request(m.app).get(`${v3}/sync`).query({ set_presence: 'offline' }).set(authHeader(a));
      return ['presence' in res.body, 'presence' in full.body];
    },
    without: [true, true],
    with: [false, true],
  },
  'duplicate-in-batch': {
    probe: async (m) => {
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      await m.put(a, 'online');
      return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId).map((e) => e.content.presence);
    },
    without: ['online'],
    with: ['online', 'online'],
  },
  'default-presence-limit': {
    options: { presence_limit: 3 },
    probe: async (m) => {
      const a = await m.register();
      const others = [];
      for (let i = 0; i < 5; i++) others.push(await m.register());
      await m.shareRoom(a, ...others);
      for (const o of others) await m.put(o, 'online');
      const unfiltered = (await m.sync(a)).presence.events.length;
      const filtered = (await m.sync(a, { filter: JSON.stringify({ presence: { limit: 20 } }) })).presence.events.length;
      return [unfiltered, filtered];
    },
    without: [5, 5],
    with: [3, 5],
  },
  'unchanged-put-resent': {
    config: { presence: slowTimers },
    probe: async (m) => {
      const { a, b } = await pair(m);
      await m.put(a, 'unavailable', 'x');
      const lower = await deliveredAfter(m, a, b, () => m.put(a, 'unavailable', 'x'));
      await m.put(a, 'online', 'y');
      const whileActive = await deliveredAfter(m, a, b, () => m.put(a, 'online', 'y'));
      return [lower, whileActive];
    },
    without: [0, 0],
    with: [1, 0],
  },
  'manual-state-sticky': {
    probe: async (m) => {
      const a = await m.register();
      await m.sync(a, { set_presence: 'online' });
      await m.put(a, 'unavailable');
      await m.sync(a, { set_presence: 'online' });
      const afterSameAsk = await presenceOf(m, a);
      await m.sync(a, { set_presence: 'unavailable' });
      await m.sync(a, { set_presence: 'online' });
      return [afterSameAsk, await presenceOf(m, a)];
    },
    without: ['online', 'online'],
    with: ['unavailable', 'online'],
  },
  'online-sync-outranks': {
    config: { presence: slowTimers },
    options: { sync_aggregation_window: 1000 },
    probe: async (m) => {
      const a = await m.register();
      await m.sync(a, { set_presence: 'online' });
      await m.sync(a, { set_presence: 'unavailable' });
      const within = await presenceOf(m, a);
      m.clock.advance(1000);
      await m.sync(a, { set_presence: 'unavailable' });
      return [within, await presenceOf(m, a)];
    },
    without: ['unavailable', 'unavailable'],
    with: ['online', 'unavailable'],
  },
};

/** a PUTs online; `wait` ms later b's incremental sync: a's events. */
async function eventsAfterPut(m: TestMock, a: Actor, b: Actor, wait = 0) {
  const s = await m.sync(b);
  await m.put(a, 'online');
  m.clock.advance(wait);
  return eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId);
}

const SPEC_FILES = /\((?:[\w./-]+\.(?:md|rst|yaml)):\d+(?:-\d+)?(?:, [\d-]+)*\)/;

describe('mock variants', () => {
  it('every variant in the catalogue has a row', () => {
    expect(Object.keys(rows).sort()).to.deep.equal([...VARIANT_NAMES].sort());
  });

  for (const name of VARIANT_NAMES) {
    const row = rows[name];
    it(`${name}: Synapse's behaviour without it, the variant's with it`, async () => {
      const config = row.config ?? {};
      expect(await row.probe(makeMock(config)), 'without the variant').to.deep.equal(row.without);
      const on = makeMock({ ...config, variants: [name], ...(row.options ? { variant_options: row.options } : {}) });
      expect(await row.probe(on), 'with the variant').to.deep.equal(row.with);
    });
  }
});

describe('mock variants, in detail', () => {
  it('put-not-currently-active: the flag stays false after a PUT, in GET and in /sync, until activity or a /sync that sets presence', async () => {
    const m = makeMock({ variants: ['put-not-currently-active'], presence: slowTimers });
    const { a, b, room } = await pair(m);
    const s = await m.sync(b);
    await m.put(a, 'online');
    expect((await m.get(a, a)).body).to.include({ presence: 'online', currently_active: false });
    expect(eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId)[0]!.content).to.include({ presence: 'online', currently_active: false });
    m.clock.advance(10);
    expect((await m.get(a, a)).body.currently_active).to.equal(false);
    // Activity sets it (a message counts, as in the mock's default); the next PUT clears it again.
    expect((await m.say(a, room)).status).to.equal(200);
    expect((await m.get(a, a)).body.currently_active).to.equal(true);
    await m.put(a, 'online');
    expect((await m.get(a, a)).body.currently_active).to.equal(false);
    await m.sync(a, { set_presence: 'online' });
    expect((await m.get(a, a)).body.currently_active).to.equal(true);
  });

  it('duplicate-in-batch: every presence event of an answer, initial or incremental, v3 or r0, comes twice in a row', async () => {
    const m = makeMock({ variants: ['duplicate-in-batch'], presence: slowTimers });
    const a = await m.register();
    const b = await m.register();
    const c = await m.register();
    await m.shareRoom(a, b, c);
    await m.put(a, 'online', 'a');
    await m.put(c, 'unavailable', 'c');
    const pairsOf = (events: unknown[]) => {
      expect(events.length % 2, 'an even count').to.equal(0);
      for (let i = 0; i < events.length; i += 2) expect(events[i + 1], `event ${i + 1} repeats event ${i}`).to.deep.equal(events[i]);
      return events.filter((_, i) => i % 2 === 0).map((e) => (e as { sender: string }).sender);
    };
    const initial = await m.sync(b);
    expect(pairsOf(initial.presence.events).sort()).to.deep.equal([a.userId, c.userId].sort());
    await m.put(a, 'unavailable', 'a2');
    await m.put(c, 'online', 'c2');
    const incremental = await m.presenceSince(b, initial.next_batch);
    expect(pairsOf(incremental.events).sort()).to.deep.equal([a.userId, c.userId].sort());
    const r0 = await request(m.app).get('/_matrix/client/r0/sync').query({ set_presence: 'offline', since: initial.next_batch }).set(authHeader(b));
    expect(pairsOf(r0.body.presence.events)).to.have.length(2);
    // The filter's limit counts the copies: at most that many events in the answer.
    const limited = await m.presenceSince(b, initial.next_batch, { filter: JSON.stringify({ presence: { limit: 3 } }) });
    expect(limited.events).to.have.length(3);
    expect(limited.events[1]).to.deep.equal(limited.events[0]);
  });

  describe('late-delivery', () => {
    const lateMock = () => makeMock({ variants: ['late-delivery'], variant_options: { delivery_delay: 300 }, presence: slowTimers });

    it('an answer built before delivery_delay has passed does not carry the change; the next one does, whatever since it was given', async () => {
      const m = lateMock();
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      await m.put(a, 'online', 'x');
      expect((await m.get(a, a)).body, 'GET at once').to.include({ presence: 'online', status_msg: 'x' });
      const early = await m.presenceSince(b, s.next_batch);
      expect(eventsFrom(early.events, a.userId)).to.deep.equal([]);
      m.clock.advance(299);
      const almost = await m.presenceSince(b, early.next);
      expect(eventsFrom(almost.events, a.userId)).to.deep.equal([]);
      m.clock.advance(1);
      // The token of the answer built 299 ms after the change, which had nothing: the change is after it.
      const [event] = eventsFrom((await m.presenceSince(b, almost.next)).events, a.userId);
      expect(event?.content).to.include({ presence: 'online', status_msg: 'x' });
    });

    it('a long-poll waiting when the change happens is woken delivery_delay ms later, with it', async () => {
      const m = lateMock();
      const { a, b } = await pair(m);
      const poll = longPoll(m, b, (await m.sync(b)).next_batch);
      await settle(() => m.app.homeserver.notifier.waiting() > 0);
      await m.put(a, 'online');
      m.clock.advance(299);
      await settle(poll.woken, 25);
      expect(poll.woken(), 'still waiting 299 ms after the change').to.equal(false);
      m.clock.advance(1);
      const answer = await poll.answer;
      expect(eventsFrom(answer.events, a.userId).map((e) => e.content.presence)).to.deep.equal(['online']);
    });

    it('until then an initial sync shows the state before the change; changes in quick succession arrive in order, each as it was', async () => {
      const m = lateMock();
      const { a, b } = await pair(m);
      await m.put(a, 'unavailable', 'before');
      m.clock.advance(300);
      const s = await m.sync(b);
      const stateIn = (events: PresenceEvent[]) => eventsFrom(events, a.userId).map((e) => [e.content.presence, e.content.status_msg]);
      expect(stateIn(s.presence.events)).to.deep.equal([['unavailable', 'before']]);
      await m.put(a, 'online', 'one');
      m.clock.advance(100);
      await m.put(a, 'unavailable', 'two');
      expect(stateIn((await m.sync(b)).presence.events), 'an initial sync at once').to.deep.equal([['unavailable', 'before']]);
      m.clock.advance(200);
      const first = await m.presenceSince(b, s.next_batch);
      expect(stateIn(first.events)).to.deep.equal([['online', 'one']]);
      expect(stateIn((await m.sync(b)).presence.events)).to.deep.equal([['online', 'one']]);
      m.clock.advance(100);
      expect(stateIn((await m.presenceSince(b, first.next)).events)).to.deep.equal([['unavailable', 'two']]);
      expect((await m.get(b, a)).body).to.include({ presence: 'unavailable', status_msg: 'two' });
    });

    it('stopping the mock drops the changes still on their way', async () => {
      const m = lateMock();
      const { a, b } = await pair(m);
      const s = await m.sync(b);
      await m.put(a, 'online');
      m.app.homeserver.stop();
      m.clock.advance(1000);
      expect(eventsFrom((await m.presenceSince(b, s.next_batch)).events, a.userId)).to.deep.equal([]);
    });
  });
});

describe('the variant catalogue', () => {
  const clauses = new Map(
    (parseYaml(readFileSync(join(suitesDir, 'clauses.yaml'), 'utf8')) as { clauses: { id: string; level: string }[] }).clauses.map((c) => [c.id, c.level]),
  );
  const known = new Set<string>([...FAULT_NAMES, ...VARIANT_NAMES]);

  for (const name of VARIANT_NAMES) {
    const spec: VariantSpec = VARIANTS[name];
    it(`${name}: cites the texts, names real clauses, faults and variants`, () => {
      expect(spec.allows, 'allows quotes the text with file:line').to.match(SPEC_FILES).and.to.include('"');
      for (const id of spec.takes ?? []) expect(clauses.get(id), `takes ${id}: a SHOULD clause of suites/clauses.yaml`).to.equal('SHOULD');
      for (const other of spec.excludes ?? []) expect(known.has(other), `excludes ${other}`).to.equal(true);
      for (const option of spec.options ?? []) expect(DEFAULT_VARIANT_OPTIONS).to.have.property(option);
      if (spec.from) expect(spec.from).to.match(/^(Dendrite|conduwuit|tuwunel|ToM-server) \S+\.(go|rs|ts)\b/);
    });
  }

  it('no variant shares a name with a fault', () => {
    expect(VARIANT_NAMES.filter((n) => (FAULT_NAMES as string[]).includes(n))).to.deep.equal([]);
  });

  it("the config schema lists exactly the catalogue, and the option defaults are the code's", () => {
    const schema = JSON.parse(readFileSync(MOCK_CONFIG_SCHEMA_FILE, 'utf8'));
    expect(schema.properties.variants.items.enum).to.deep.equal(VARIANT_NAMES);
    const defaults = Object.fromEntries(
      Object.entries(schema.properties.variant_options.properties as Record<string, { default: unknown }>).map(([k, p]) => [k, p.default]),
    );
    expect(defaults).to.deep.equal(DEFAULT_VARIANT_OPTIONS);
    // Every option belongs to some variant.
    const used = new Set(VARIANT_NAMES.flatMap((n) => (VARIANTS[n] as VariantSpec).options ?? []));
    expect([...used].sort()).to.deep.equal(Object.keys(DEFAULT_VARIANT_OPTIONS).sort());
  });

  it('isVariantName knows the catalogue and nothing else', () => {
    expect(VARIANT_NAMES.every(isVariantName)).to.equal(true);
    expect(isVariantName('never-idle')).to.equal(false);
    expect(isVariantName('toString')).to.equal(false);
  });
});

describe('mock variants: configuration errors', () => {
  function problems(input: MockConfigInput): string {
    try {
      resolveConfig(input, 'x.yaml');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      return (err as Error).message;
    }
    return '';
  }

  it('refuses a variant together with a fault or variant that decides the same behaviour', () => {
    expect(problems({ variants: ['stranger-get-404'], faults: ['get-without-shared-room'] }))
      .to.match(/^x\.yaml is invalid:/)
      .and.to.include('variant "stranger-get-404" cannot be combined with fault "get-without-shared-room"');
    const both = problems({ variants: ['strangers-may-read', 'stranger-get-404'] });
    expect(both).to.include('cannot be combined with variant');
    expect(both.match(/cannot be combined/g), 'a pair is named once').to.have.length(1);
    expect(problems({ variants: ['slow-wake'], faults: ['long-poll-not-woken'] })).to.include('fault "long-poll-not-woken"');
  });

  it('every exclusion is refused', () => {
    for (const name of VARIANT_NAMES) {
      for (const other of (VARIANTS[name] as VariantSpec).excludes ?? []) {
        const input: MockConfigInput = isVariantName(other) ? { variants: [name, other] } : { variants: [name], faults: [other] };
        expect(problems(input), `${name} + ${other}`).to.include(`"${other}"`);
      }
    }
  });

  it('refuses an option whose variant is off, and an unknown variant', () => {
    expect(problems({ variant_options: { processing_delay: 50 } })).to.include(
      'variant_options.processing_delay is set, but "async-processing" is not among the variants',
    );
    expect(problems({ variants: ['async-processing'], variant_options: { processing_delay: 0 } })).to.include('variant_options.processing_delay: must be >= 1');
    expect(problems({ variants: ['nope'] } as never)).to.include('variants.0: unknown variant "nope"; known variants: extra-fields');
  });

  it('accepts compatible variants with their options, and keeps options as given', () => {
    const c = resolveConfig({ variants: ['async-processing', 'slow-wake', 'no-own-presence'], faults: ['never-idle'], variant_options: { wake_delay: 50 } });
    expect(c.variants).to.deep.equal(['async-processing', 'slow-wake', 'no-own-presence']);
    expect(c.variant_options).to.deep.equal({ wake_delay: 50 });
    // A resolved configuration is a valid input again (createMockApp validates what it is given).
    expect(resolveConfig(c)).to.deep.equal(c);
  });

  it('stops pending deferred writes when the mock stops', async () => {
    const m = makeMock({ variants: ['async-processing'] });
    const a = await m.register();
    await m.put(a, 'online');
    const pending = m.clock.pending();
    m.app.homeserver.stop();
    expect(m.clock.pending()).to.be.below(pending);
    m.clock.advance(10_000);
    expect(m.app.homeserver.presence.get(a.userId).presence).to.equal('offline');
  });
});

describe('variants reach the embedded mock of a run', function () {
  this.timeout(30_000);
  const E2E = join(projectRoot, 'test/fixtures/suites/e2e');
  // extra-fields makes the PUT answer {} plus a field, which the fixture's `equals: {}` refuses.
  const failedCheck = async (options: Parameters<typeof runSuites>[0]) => {
    const report = await runSuites({ suites: [E2E], grep: /round-trip/, expectations: false, ...options });
    const c = report.cases.find((r) => r.id === 'basic#put-get-round-trip')!;
    return [c.outcome, c.message?.replace(/^\S+:\d+:\d+: /, '')];
  };

  it("from the `variants` run option, and from the profile's mock.variants (in the worker too)", async () => {
    expect(await failedCheck({ variants: ['extra-fields'], mockIsolation: 'in-process' })).to.deep.equal([
      'fail',
      `body: got ${JSON.stringify(EXTRA_FIELD)}, want {}`,
    ]);
    const profile = parseTargetProfile('name: x\nregistration: { method: dummy }\nmock: { variants: [extra-fields] }\n');
    expect(profile.mock.variants).to.deep.equal(['extra-fields']);
    expect((await failedCheck({ target: profile }))[0]).to.equal('fail');
  });
});

describe('personalities (fixtures/targets/*-like.yaml)', () => {
  const clauses = new Set((parseYaml(readFileSync(join(suitesDir, 'clauses.yaml'), 'utf8')) as { clauses: { id: string }[] }).clauses.map((c) => c.id));

  for (const [file, server] of [
    ['dendrite-like.yaml', 'Dendrite'],
    ['conduwuit-like.yaml', 'conduwuit'],
    ['tuwunel-like.yaml', 'tuwunel'],
  ] as const) {
    it(`${file}: a valid mock configuration of ${server}'s variants, each from ${server}, and every fault documented with its clauses`, async () => {
      const path = join(targetsDir, file);
      const profile = await loadTargetProfile(path);
      const config = resolveConfig(mockConfigFromTarget(profile), file);
      expect(config.variants.length).to.be.greaterThan(5);
      for (const v of config.variants) expect((VARIANTS[v as VariantName] as VariantSpec).from, v).to.include(server);
      const comments = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('#'));
      for (const v of config.variants)
        expect(
          comments.some((l) => l.includes(v)),
          `${v} listed in the comments`,
        ).to.equal(true);
      expect(config.faults.length).to.be.greaterThan(2);
      for (const fault of config.faults) {
        const line = comments.find((l) => new RegExp(`^#\\s+${fault}\\s`).test(l));
        expect(line, `${fault}: a comment line naming it and its clauses`).to.be.a('string');
        const ids = line!
          .trim()
          .split(/[\s,]+/)
          .slice(2);
        expect(ids.length, fault).to.be.greaterThan(0);
        for (const id of ids) expect(clauses.has(id), `${fault}: clause ${id}`).to.equal(true);
      }
    });
  }
});
