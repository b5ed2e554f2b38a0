// Property-based fuzzing of every endpoint of the mock over real HTTP (fast-check): generated methods,
// paths (every route's template under every prefix, with values drawn from a dictionary of user ids,
// room ids, event types, malformed escapes and random text), query strings, headers and bodies, sent by
// an "attacker" user. Properties of every answer:
//   - no 5xx, and an answer at all (a 5 s bound: no hang);
//   - every 4xx is a Matrix error body {errcode: "M_...", error: string} (or, on /register, the
//     user-interactive-auth 401 with its flows);
//   - no other user's state changed (a bystander sharing a room with the attacker, and one who does not);
//   - the server still serves correctly afterwards (a control user's PUT and GET round trip).
// FUZZ_RUNS=N runs longer (default 400); FUZZ_SEED=S replays a run (the seed is printed on failure).
import { expect } from 'chai';
import fc from 'fast-check';
import { Agent, request } from 'node:http';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';
import type { Homeserver } from '../../mock-server/homeserver.js';
import { accountRoutes } from '../../mock-server/routes/account-routes.js';
import { presenceRoutes } from '../../mock-server/routes/presence-routes.js';
import { profileRoutes } from '../../mock-server/routes/profile-routes.js';
import { roomRoutes } from '../../mock-server/routes/room-routes.js';
import { syncRoutes } from '../../mock-server/routes/sync-routes.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const ROUTES = [...accountRoutes, ...presenceRoutes, ...profileRoutes, ...roomRoutes, ...syncRoutes];
const PREFIXES = [
  '/_matrix/client/v3',
  '/_matrix/client/r0',
  '/_matrix/client/api/v1',
  '/_matrix/client/unstable',
  '/_matrix/client/v1',
  '/_matrix/client/v9',
  '/_matrix/media/v3',
  '',
];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Stands for the attacker's current access token in generated headers (a logout replaces it). */
const ATTACKER_TOKEN = '{attacker-token}';

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function send(base: string, r: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // An explicit Content-Length: Node's client would otherwise send a GET's body unframed, and the
    // server would read it as the start of the next request.
    const headers = r.body === undefined ? r.headers : { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body)) };
    const req = request(`${base}${r.path}`, { method: r.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer within 5 s: ${r.method} ${r.path}`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** What "a user's state" means here: presence, profile, rooms, filters, sessions, presence list. */
function snapshot(hs: Homeserver, userId: string, token: string): unknown {
  const p = hs.presence.get(userId);
  const u = hs.accounts.users.get(userId)!;
  return {
    presence: p.presence,
    status_msg: p.status_msg,
    last_active_ts: p.last_active_ts,
    displayname: u.displayname,
    avatar_url: u.avatar_url,
    joined: [...hs.rooms.joinedRooms(userId)].sort(),
    filters: [...u.filters.entries()].map(([k, v]) => [k, JSON.stringify(v)]),
    session: hs.accounts.sessionFor(token)?.userId,
    presenceList: [...(hs.presenceList.get(userId) ?? [])].sort(),
  };
}

function isMatrixError(a: Answer, path: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(a.body);
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  // Spec "User-interactive authentication API": the 401 of /register carries flows (errcode optional).
  if (a.status === 401 && path.includes('/register') && Array.isArray(b.flows)) return true;
  return typeof b.errcode === 'string' && /^M_[A-Z_]+$/.test(b.errcode) && typeof b.error === 'string';
}

describe('fuzzing every endpoint of the mock (fast-check)', function () {
  this.timeout(180_000);
  let mock: RunningMockServer;
  let hs: Homeserver;
  const users: Record<'attacker' | 'bystander' | 'stranger' | 'control', { userId: string; token: string }> = {} as never;
  const rooms: Record<'shared' | 'private' | 'attackers', string> = {} as never;

  before(async () => {
    mock = await startMockServer({
      config: {
        rate_limit: { per_second: 5, burst: 3 },
        // Presence timers beyond any run: only requests may change anyone's state.
        presence: { idle_timeout: 86_400_000, sync_online_timeout: 86_400_000 },
        limits: { max_sync_timeout: 50 },
        legacy: { free_for_chat: true, presence_list: true },
      },
    });
    hs = mock.homeserver;
    for (const name of ['attacker', 'bystander', 'stranger', 'control'] as const) {
      // Random passwords: the attacker cannot log in as anyone else.
      const u = hs.accounts.register(name, `pw-${Math.random()}`);
      users[name] = { userId: u.userId, token: hs.accounts.newSession(u.userId).accessToken };
    }
    hs.presence.setFromRequest(users.bystander.userId, 'unavailable', 'bystanding');
    hs.accounts.users.get(users.bystander.userId)!.displayname = 'Bystander';
    hs.presence.setFromRequest(users.stranger.userId, 'online', 'far away');
    rooms.shared = hs.createRoom(users.bystander.userId, { preset: 'public_chat', invite: [], initial_state: [] }).roomId;
    hs.join(rooms.shared, users.attacker.userId);
    rooms.private = hs.createRoom(users.bystander.userId, { preset: 'private_chat', invite: [], initial_state: [] }).roomId;
    rooms.attackers = hs.createRoom(users.attacker.userId, { preset: 'public_chat', invite: [], initial_state: [] }).roomId;
  });

  after(async () => {
    agent.destroy();
    await mock.close();
  });

  /** One of `values`, the first `favoured` of them three times as likely as the rest (the ids that
   * matter for "no other user's state changed" come up often enough to be combined). */
  const weighted = <T>(favoured: number, ...values: T[]): fc.Arbitrary<T> =>
    fc.noBias(fc.oneof(...values.map((v, i) => ({ weight: i < favoured ? 3 : 1, arbitrary: fc.constant(v) }))));
  const userIds = () =>
    weighted(
      2,
      users.bystander.userId,
      users.attacker.userId,
      users.stranger.userId,
      '@nobody:localhost',
      '@bystander:elsewhere',
      'bystander',
      '@:',
      '@bystander:localhost:1',
    );
  const roomIds = () => weighted(1, rooms.shared, rooms.private, rooms.attackers, '!nope:localhost', '#alias:localhost');
  const eventTypes = () =>
    weighted(
      1,
      'm.room.member',
      'm.room.message',
      'm.room.name',
      'm.room.power_levels',
      'm.room.create',
      'm.room.join_rules',
      'm.presence',
      'm.read',
      'm.typing',
    );

  /** Trouble: malformed escapes, numbers and tokens of every shape, long and non-ASCII text. */
  function trouble(): fc.Arbitrary<string> {
    return fc.oneof(
      fc.constantFrom(
        '',
        '0',
        '1',
        '-1',
        '99999999999999999999',
        's0',
        's1',
        's-1',
        'sABC',
        'online',
        'offline',
        'unavailable',
        'free_for_chat',
        'join',
        'leave',
        'invite',
        'ban',
        '%',
        '%zz',
        '%E0%A4%A',
        '%00',
        '..',
        '.',
        'null',
        'true',
        '{}',
        '[]',
        '{"presence":{"senders":5}}',
        '{"presence":{"limit":2}}',
        'x'.repeat(300),
        '\u{1F600}',
        'ünïcödé',
      ),
      fc.string({ maxLength: 12 }),
    );
  }

  /** Values for path parameters, query values and body fields: the mock's own ids, and trouble. */
  function dictionary(): fc.Arbitrary<string> {
    return fc.oneof(userIds(), roomIds(), eventTypes(), trouble());
  }

  /** A value for the path parameter `name`: mostly of its kind, sometimes anything. Aimed: the
   * bystander and the room the attacker shares with them, always. */
  function paramArb(name: string, aimed: boolean): fc.Arbitrary<string> {
    if (aimed && (name === 'userId' || name === 'stateKey')) return fc.constant(users.bystander.userId);
    if (aimed && name === 'roomId') return fc.constant(rooms.shared);
    const ofKind: Record<string, () => fc.Arbitrary<string>> = {
      userId: userIds,
      roomId: roomIds,
      eventType: eventTypes,
      stateKey: () => fc.oneof(userIds(), fc.constant('')),
    };
    const kind = ofKind[name];
    return kind ? fc.oneof({ weight: 4, arbitrary: kind() }, { weight: 1, arbitrary: dictionary() }) : dictionary();
  }

  function jsonValue(): fc.Arbitrary<unknown> {
    const leaf = fc.oneof(dictionary(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    return fc.oneof(
      leaf,
      fc.array(leaf, { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('presence', 'membership', 'user_id', 'type', 'state_key', 'content'), leaf, { maxKeys: 3 }),
    );
  }

  /** A value for the body field `key`: mostly of the kind the endpoints expect, sometimes anything. */
  function fieldArb(key: string, depth: number): fc.Arbitrary<unknown> {
    const ofKind: Record<string, () => fc.Arbitrary<unknown>> = {
      presence: () => fc.constantFrom('online', 'offline', 'unavailable', 'free_for_chat', 'busy'),
      membership: () => fc.constantFrom('join', 'leave', 'invite', 'ban', 'knock'),
      user_id: userIds,
      state_key: () => fc.oneof(userIds(), fc.constant('')),
      type: eventTypes,
      invite: () => fc.array(userIds(), { maxLength: 2 }),
      drop: () => fc.array(userIds(), { maxLength: 2 }),
      typing: () => fc.boolean(),
      preset: () => fc.constantFrom('public_chat', 'private_chat', 'trusted_private_chat', 'x'),
      content: () => (depth > 0 ? fc.constant({}) : objectArb(depth + 1)),
      initial_state: () => (depth > 0 ? fc.constant([]) : fc.array(objectArb(depth + 1, ['type', 'state_key', 'content']), { maxLength: 2 })),
    };
    const kind = ofKind[key];
    return kind ? fc.oneof({ weight: 4, arbitrary: kind() }, { weight: 1, arbitrary: jsonValue() }) : jsonValue();
  }

  const BODY_KEYS = [
    'presence',
    'status_msg',
    'last_active_ago',
    'displayname',
    'avatar_url',
    'membership',
    'user_id',
    'typing',
    'timeout',
    'username',
    'password',
    'auth',
    'type',
    'identifier',
    'user',
    'device_id',
    'inhibit_login',
    'invite',
    'drop',
    'preset',
    'visibility',
    'name',
    'topic',
    'initial_state',
    'msgtype',
    'body',
    'limit',
    'senders',
    'not_senders',
    'state_key',
    'content',
  ];

  function objectArb(depth = 0, keys = BODY_KEYS): fc.Arbitrary<Record<string, unknown>> {
    return fc.subarray(keys, { maxLength: 3 }).chain((chosen) => fc.record(Object.fromEntries(chosen.map((k) => [k, fieldArb(k, depth)]))));
  }

  function bodyArb(): fc.Arbitrary<string | undefined> {
    return fc.oneof(
      { weight: 6, arbitrary: objectArb().map((o) => JSON.stringify(o)) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '{"presence":', '[]', 'null') },
    );
  }

  function pathArb(aimed: boolean): fc.Arbitrary<{ method: string; path: string }> {
    const encoded = (v: fc.Arbitrary<string>) =>
      fc
        .tuple(v, fc.constantFrom('encode', 'raw-safe'))
        .map(([x, how]) => (how === 'encode' ? encodeURIComponent(x) : x.replace(/[^A-Za-z0-9@:!$%._~=-]/gu, (c) => encodeURIComponent(c))));
    // Unbiased: fast-check favours the first values of a small draw, and the routes are all equal.
    const fromRoute = fc
      .noBias(fc.constantFrom(...ROUTES))
      .chain((route) => {
        const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        return fc.tuple(fc.constant(route), weighted(2, ...PREFIXES), fc.tuple(...names.map((n) => encoded(paramArb(n, aimed)))), fc.boolean(), fc.boolean());
      })
      .map(([route, prefix, values, same1, same2]) => {
        let i = 0;
        // Three times in four the route's own method.
        return { route: route.method, path: prefix + route.path.replace(/\{\w+\}/g, () => values[i++]!), sameMethod: same1 || same2 };
      });
    const method = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD');
    return fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fromRoute, method).map(([r, m]) => ({ method: r.sameMethod ? r.route : m, path: r.path })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(method, fc.array(encoded(dictionary()), { maxLength: 5 }))
          .map(([m, segs]) => ({ method: m, path: `/_matrix/client/v3/${segs.join('/')}` })),
      },
    );
  }

  function queryArb(): fc.Arbitrary<string> {
    const key = fc.oneof(
      fc.constantFrom('timeout', 'since', 'filter', 'set_presence', 'full_state', 'access_token', 'kind', 'username', 'from'),
      fc.string({ maxLength: 6 }),
    );
    return fc
      .array(fc.tuple(key, dictionary()), { maxLength: 4 })
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
  }

  function headersArb(): fc.Arbitrary<Record<string, string>> {
    const auth = fc.oneof(
      { weight: 6, arbitrary: fc.constant(`Bearer ${ATTACKER_TOKEN}`) },
      { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Basic YTpi', `bearer ${ATTACKER_TOKEN}`, 'Bearer a b', 'Bearer mpc_forged') },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    const contentType = fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8');
    const extra = fc.dictionary(
      fc.constantFrom('X-Fuzz', 'Origin', 'Accept', 'If-None-Match', 'Expect-Nothing'),
      fc.stringMatching(/^[A-Za-z0-9 ,;=/*.-]{0,20}$/),
      { maxKeys: 2 },
    );
    return fc.tuple(auth, contentType, extra).map(([a, ct, x]) => {
      const h: Record<string, string> = { ...x };
      if (a !== undefined) h.Authorization = a;
      if (ct !== undefined) h['Content-Type'] = ct;
      return h;
    });
  }

  const requestArb = (aimed: boolean): fc.Arbitrary<FuzzRequest> =>
    fc.tuple(pathArb(aimed), queryArb(), headersArb(), bodyArb()).map(([p, q, headers, body]) => ({ method: p.method, path: p.path + q, headers, body }));

  const variants = {
    'any generated request': { aimed: false, runs: RUNS },
    'requests aimed at the bystander (their user id in every {userId} and {stateKey}, the shared room in every {roomId})': {
      aimed: true,
      runs: Math.ceil(RUNS / 2),
    },
  };
  for (const [name, { aimed, runs }] of Object.entries(variants))
    it(`keeps its properties over ${runs} runs: ${name}`, async () => {
      const others = ['bystander', 'stranger', 'control'] as const;
      let sent = 0;
      let put = 0;
      await fc.assert(
        fc.asyncProperty(requestArb(aimed), async (r) => {
          // A fuzzed logout ends the attacker's session: the next request gets a live token again.
          if (!hs.accounts.sessionFor(users.attacker.token)) users.attacker.token = hs.accounts.newSession(users.attacker.userId).accessToken;
          if (r.headers.Authorization) r.headers.Authorization = r.headers.Authorization.replace(ATTACKER_TOKEN, users.attacker.token);
          // The attacker may have left the shared room (and even made it invite-only): join it again, so
          // that requests about the bystander come from a co-member.
          if (hs.rooms.membership(rooms.shared, users.attacker.userId) !== 'join') {
            hs.send(rooms.shared, users.bystander.userId, 'm.room.join_rules', { join_rule: 'public' }, '');
            hs.join(rooms.shared, users.attacker.userId);
          }
          // Compared per request (the state persists across runs: a change must be pinned on its request).
          const before = Object.fromEntries(others.map((n) => [n, JSON.stringify(snapshot(hs, users[n].userId, users[n].token))]));
          const a = await send(mock.url, r);
          sent++;
          expect(a.status, `${r.method} ${r.path}: ${a.body.slice(0, 200)}`).to.be.below(500);
          if (a.status >= 400 && r.method !== 'HEAD') {
            expect(
              isMatrixError(a, r.path),
              `${r.method} ${r.path} answered ${a.status} with a body that is no Matrix error: ${a.body.slice(0, 200)}`,
            ).to.equal(true);
          }
          for (const n of others) {
            expect(JSON.stringify(snapshot(hs, users[n].userId, users[n].token)), `${r.method} ${r.path} ${r.body ?? ''} changed ${n}'s state`).to.equal(
              before[n],
            );
          }
          // Still serving: the control user's presence, set through the domain API (no rate limit), read back
          // over HTTP (a different status each time).
          const msg = `control ${++put}`;
          const c = users.control;
          const path = `/_matrix/client/v3/presence/${encodeURIComponent(c.userId)}/status`;
          hs.presence.setFromRequest(c.userId, 'online', msg);
          const g = await send(mock.url, { method: 'GET', path, headers: { Authorization: `Bearer ${c.token}` }, body: undefined });
          expect([g.status, (JSON.parse(g.body) as { status_msg?: string }).status_msg]).to.deep.equal([200, msg]);
        }),
        { numRuns: runs, seed: SEED },
      );
      expect(sent).to.be.at.least(runs);
    });
});
