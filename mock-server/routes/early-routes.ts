// The early Client-Server API (/_matrix/client/api/v1, before r0), where it differs from today's:
// one-stage m.login.password registration, /initialSync and the /events long-poll instead of /sync,
// m.presence events naming the user in content.user_id (no sender), room events naming theirs in
// user_id, and POST .../send/{type} without a transaction id. Everything else (presence status, the
// presence list, profile, rooms) is shared with the other dialects. From the early text (spec 4-early-client-server-api.rst, 5-early-events.rst).
import { bodyObject, me, optString, pathParam, type Context } from '../context.js';
import { ERRORS, MatrixError } from '../errors.js';
import type { Homeserver } from '../homeserver.js';
import type { RoomEvent } from '../rooms.js';
import type { Route } from '../router.js';
import { presenceEvent } from '../sync.js';
import { parseSince, parseTimeout, streamSetsPresence } from './sync-routes.js';

const EARLY = ['api/v1'];

/** The events-presence-repeated fault: per homeserver, each user's senders whose presence their last
 * /events answer carried, to be carried again by the next one. */
const repeats = new WeakMap<Homeserver, Map<string, string[]>>();
const PASSWORD_FLOWS = { flows: [{ type: 'm.login.password' }] };
const INITIAL_MESSAGES = 20;

/** An m.presence event as the early API sends it: {type, content: {user_id, presence, ...}}, and an
 * event_id when the early release is served alone (the early prefix of `all` keeps the shape it has
 * always had, without one). */
function earlyPresenceEvent(hs: Homeserver, userId: string, now: number): Record<string, unknown> {
  const { sender: _sender, ...event } = presenceEvent(hs, userId, now);
  const content = { ...(event.content as Record<string, unknown>) };
  if (hs.faults.has('early-presence-without-user-id')) delete content.user_id;
  else content.user_id = userId;
  if (hs.faults.has('early-presence-without-last-active')) delete content.last_active_ago;
  return { ...event, content };
}

/** A room event as the early API sends it: the sender in user_id. */
function earlyRoomEvent(e: RoomEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    event_id: e.event_id,
    type: e.type,
    room_id: e.room_id,
    user_id: e.sender,
    content: e.content,
    origin_server_ts: e.origin_server_ts,
  };
  if (e.state_key !== undefined) out.state_key = e.state_key;
  return out;
}

/** "POST /register ... { "type": "m.login.password", "user": ..., "password": ... }": one stage, no
 * user-interactive auth; the answer is the user id and an access token. */
function register(ctx: Context): unknown {
  // Closed registration (registration.enabled false) is closed in every dialect.
  if (!ctx.hs.config.registration.enabled) throw new MatrixError(ERRORS.REGISTRATION_DISABLED);
  const body = bodyObject(ctx);
  if (body.type !== 'm.login.password') throw new MatrixError(ERRORS.EARLY_BAD_LOGIN_TYPE);
  const password = optString(body, 'password');
  if (password === undefined) throw new MatrixError(ERRORS.BAD_JSON, 'Missing password.');
  const user = ctx.hs.accounts.register(optString(body, 'user'), password);
  const session = ctx.hs.accounts.newSession(user.userId, undefined);
  ctx.hs.noteDeviceSeen(user.userId);
  return { user_id: user.userId, access_token: session.accessToken, home_server: ctx.hs.config.server_name };
}

/** Who a user's initial sync and event stream show presence of: the users they are interested in. */
function presenceFor(hs: Homeserver, userId: string, users: string[], now: number): Record<string, unknown>[] {
  if (!hs.config.presence.enabled) return [];
  return users.map((u) => earlyPresenceEvent(hs, u, now));
}

/** "GET /initialSync": the presence of the users the client is interested in, the rooms with their
 * recent messages and state, and the `end` token the event stream starts from. */
function initialSync(ctx: Context): unknown {
  const { hs } = ctx;
  const userId = me(ctx).userId;
  hs.noteSync(userId);
  const limit = ctx.query.get('limit') === null ? INITIAL_MESSAGES : parseTimeout(ctx.query.get('limit'), 1000);
  const end = `s${hs.notifier.current()}`;
  const rooms = [...hs.rooms.joinedRooms(userId)].map((roomId) => {
    const room = hs.getRoom(roomId);
    const chunk = limit === 0 ? [] : room.timeline.slice(-limit).map(earlyRoomEvent);
    return {
      room_id: roomId,
      membership: 'join',
      messages: { chunk, start: `s${room.timeline[0]?.pos ?? 0}`, end },
      state: [...room.state.values()].map(earlyRoomEvent),
    };
  });
  const presence = hs.faults.has('early-initial-sync-without-presence') ? [] : presenceFor(hs, userId, hs.visiblePresenceUsers(userId), hs.clock.now());
  return { end, presence, rooms };
}

/** "GET /events?from=&timeout=": a long-poll that returns early when an event occurs; every event the
 * client may see, presence included. Being connected to the stream is being online ("online: The
 * default state when the user is connected to an event stream"). */
async function events(ctx: Context): Promise<unknown> {
  const { hs } = ctx;
  const userId = me(ctx).userId;
  const from = ctx.query.get('from') === null ? hs.notifier.current() : parseSince(ctx.query.get('from'));
  hs.noteSync(userId);
  const timeout = parseTimeout(ctx.query.get('timeout'), hs.config.limits.max_sync_timeout);
  const online = hs.faults.has('event-stream-not-online') ? undefined : streamSetsPresence(ctx, 'online');
  if (online) hs.presence.syncStarted(userId, online);
  let repeated: Map<string, string[]> | undefined;
  if (hs.faults.has('events-presence-repeated')) {
    repeated = repeats.get(hs);
    if (!repeated) repeats.set(hs, (repeated = new Map()));
  }
  const again = repeated?.get(userId) ?? [];
  try {
    if (timeout > 0 && again.length === 0 && hs.notifier.lastChangeFor(userId) <= from) await hs.notifier.wait(userId, timeout, (fn) => ctx.onClose(fn));
    const end = `s${hs.notifier.current()}`;
    const chunk: Record<string, unknown>[] = [];
    for (const roomId of hs.rooms.joinedRooms(userId)) {
      for (const e of hs.getRoom(roomId).timeline) if (e.pos > from) chunk.push(earlyRoomEvent(e));
    }
    const taken = hs.takePresenceSince(userId, from);
    // events-presence-repeated: what the last answer carried comes first, once more.
    repeated?.set(userId, taken);
    chunk.push(...presenceFor(hs, userId, [...again.filter((u) => !taken.includes(u)), ...taken], hs.clock.now()));
    return { start: `s${from}`, end, chunk };
  } finally {
    if (online) hs.presence.syncEnded(userId);
  }
}

/** "POST /rooms/<room_id>/send/<event_type>": a message without a transaction id. */
function send(ctx: Context): unknown {
  const event = ctx.hs.send(pathParam(ctx, 'roomId'), me(ctx).userId, pathParam(ctx, 'eventType'), bodyObject(ctx), undefined, ctx.session?.deviceId);
  return { event_id: event.event_id };
}

export const earlyRoutes: Route[] = [
  { method: 'GET', path: '/register', auth: false, versions: EARLY, handler: () => PASSWORD_FLOWS },
  { method: 'POST', path: '/register', auth: false, body: 'json', versions: EARLY, handler: register },
  { method: 'GET', path: '/initialSync', versions: EARLY, handler: initialSync },
  { method: 'GET', path: '/events', versions: EARLY, handler: events },
  { method: 'POST', path: '/rooms/{roomId}/send/{eventType}', body: 'json', versions: EARLY, handler: send },
];
