// Rooms: create, join, invite, leave, joined_rooms, send (pro-active), state, members, typing and
// receipts (activity that bumps last active).
import { isUserId } from '../accounts.js';
import { bodyObject, me, optString, pathParam, userIdParam, type Context } from '../context.js';
import { ERRORS, MatrixError } from '../errors.js';
import type { Route } from '../router.js';
import { stateKeyOf, type RoomEvent } from '../rooms.js';

function clientEvent(e: RoomEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {
    event_id: e.event_id,
    type: e.type,
    sender: e.sender,
    room_id: e.room_id,
    origin_server_ts: e.origin_server_ts,
    content: e.content,
  };
  if (e.state_key !== undefined) out.state_key = e.state_key;
  return out;
}

function stringArray(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new MatrixError(ERRORS.BAD_JSON, `${key} must be an array of strings.`);
  return v as string[];
}

function createRoom(ctx: Context): unknown {
  const body = bodyObject(ctx);
  const preset = optString(body, 'preset');
  if (preset !== undefined && !['private_chat', 'public_chat', 'trusted_private_chat'].includes(preset)) {
    throw new MatrixError(ERRORS.INVALID_PARAM, `Unknown preset ${JSON.stringify(preset)}.`);
  }
  const invite = stringArray(body, 'invite');
  const initialState = body.initial_state === undefined ? [] : body.initial_state;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (
    !Array.isArray(initialState) ||
    initialState.some(
      (s) => !isObject(s) || typeof s.type !== 'string' || !isObject(s.content) || (s.state_key !== undefined && typeof s.state_key !== 'string'),
    )
  ) {
    throw new MatrixError(ERRORS.BAD_JSON, 'initial_state must be an array of state events.');
  }
  // Room creation sends initial_state as the creator, under the auth rules: a member event can only be
  // the creator's own join (nobody is joined to a new room behind their back).
  const creator = me(ctx).userId;
  if (initialState.some((s) => s.type === 'm.room.member' && (s.state_key !== creator || s.content.membership !== 'join'))) {
    throw new MatrixError(ERRORS.FORBIDDEN, 'initial_state cannot set the membership of another user.');
  }
  for (const u of invite) if (!ctx.hs.accounts.users.has(u)) throw new MatrixError(ERRORS.UNKNOWN_USER, `Unknown user ${u}.`);
  const room = ctx.hs.createRoom(creator, {
    preset,
    visibility: optString(body, 'visibility'),
    name: optString(body, 'name'),
    topic: optString(body, 'topic'),
    invite,
    initial_state: initialState as { type: string; state_key?: string; content: Record<string, unknown> }[],
  });
  return { room_id: room.roomId };
}

function roomIdParam(ctx: Context): string {
  return pathParam(ctx, 'roomId');
}

const KEPT_TXNS = 1000;

function sendEvent(ctx: Context): unknown {
  const user = me(ctx);
  const roomId = roomIdParam(ctx);
  const txnKey = `${ctx.accessToken ?? ''}\u0000${roomId}\u0000${pathParam(ctx, 'txnId')}`;
  const seen = user.txns.get(txnKey);
  if (seen) return { event_id: seen };
  const event = ctx.hs.send(roomId, user.userId, pathParam(ctx, 'eventType'), bodyObject(ctx), undefined, ctx.session?.deviceId);
  user.txns.set(txnKey, event.event_id);
  // The newest transaction ids only (a retry comes soon after the first try): no history without limit.
  if (user.txns.size > KEPT_TXNS) user.txns.delete(user.txns.keys().next().value!);
  return { event_id: event.event_id };
}

function putState(ctx: Context): unknown {
  const sender = me(ctx).userId;
  const roomId = roomIdParam(ctx);
  const type = pathParam(ctx, 'eventType');
  const stateKey = ctx.params.stateKey === undefined ? '' : pathParam(ctx, 'stateKey');
  const content = bodyObject(ctx);
  if (type === 'm.room.member') return putMembership(ctx, roomId, sender, stateKey, content);
  const event = ctx.hs.send(roomId, sender, type, content, stateKey);
  return { event_id: event.event_id };
}

/** A member event through the state endpoint goes through the membership rules, as in Synapse
 * (RoomStateEventRestServlet hands it to update_membership): a user changes only their own membership
 * (a profile update of their join, or leaving) and may invite; others' memberships are refused. */
function putMembership(ctx: Context, roomId: string, sender: string, target: string, content: Record<string, unknown>): unknown {
  const membership = content.membership;
  if (typeof membership !== 'string') throw new MatrixError(ERRORS.BAD_JSON, 'membership must be a string.');
  if (!isUserId(target)) throw new MatrixError(ERRORS.INVALID_PARAM, `Invalid user id: ${JSON.stringify(target)}.`);
  if (membership === 'invite') {
    ctx.hs.invite(roomId, sender, target);
    return { event_id: ctx.hs.getRoom(roomId).state.get(stateKeyOf('m.room.member', target))!.event_id };
  }
  if (target !== sender || (membership !== 'join' && membership !== 'leave')) {
    throw new MatrixError(ERRORS.FORBIDDEN, "You cannot change another user's membership.");
  }
  const room = ctx.hs.getRoom(roomId);
  if (membership === 'leave') ctx.hs.leave(roomId, sender);
  else if (room.members.get(sender) === 'join')
    ctx.hs.send(roomId, sender, 'm.room.member', content, sender); // a profile update
  else ctx.hs.join(roomId, sender);
  return { event_id: room.state.get(stateKeyOf('m.room.member', target))!.event_id };
}

function getState(ctx: Context): unknown {
  const room = ctx.hs.requireJoined(roomIdParam(ctx), me(ctx).userId);
  const key = `${pathParam(ctx, 'eventType')}\u0000${ctx.params.stateKey === undefined ? '' : pathParam(ctx, 'stateKey')}`;
  const event = room.state.get(key);
  if (!event) throw new MatrixError(ERRORS.NOT_FOUND, 'Event not found.');
  return event.content;
}

/** Typing and receipts are activity (Synapse bumps presence on both). */
function activity(kind: 'typing' | 'receipt') {
  return (ctx: Context): unknown => {
    ctx.hs.requireJoined(roomIdParam(ctx), me(ctx).userId);
    ctx.hs.activity(me(ctx).userId, kind, ctx.session?.deviceId);
    return {};
  };
}

export const roomRoutes: Route[] = [
  { method: 'POST', path: '/createRoom', body: 'json', handler: createRoom },
  { method: 'POST', path: '/rooms/{roomId}/join', body: 'optional', handler: (ctx) => ({ room_id: ctx.hs.join(roomIdParam(ctx), me(ctx).userId).roomId }) },
  { method: 'POST', path: '/join/{roomId}', body: 'optional', handler: (ctx) => ({ room_id: ctx.hs.join(roomIdParam(ctx), me(ctx).userId).roomId }) },
  {
    method: 'POST',
    path: '/rooms/{roomId}/invite',
    body: 'json',
    handler: (ctx) => {
      const target = optString(bodyObject(ctx), 'user_id');
      if (target === undefined) throw new MatrixError(ERRORS.BAD_JSON, 'Missing user_id.');
      ctx.hs.invite(roomIdParam(ctx), me(ctx).userId, target);
      return {};
    },
  },
  { method: 'POST', path: '/rooms/{roomId}/leave', body: 'optional', handler: (ctx) => (ctx.hs.leave(roomIdParam(ctx), me(ctx).userId), {}) },
  { method: 'GET', path: '/joined_rooms', handler: (ctx) => ({ joined_rooms: [...ctx.hs.rooms.joinedRooms(me(ctx).userId)] }) },
  { method: 'PUT', path: '/rooms/{roomId}/send/{eventType}/{txnId}', body: 'json', handler: sendEvent },
  { method: 'PUT', path: '/rooms/{roomId}/state/{eventType}', body: 'json', handler: putState },
  { method: 'PUT', path: '/rooms/{roomId}/state/{eventType}/{stateKey}', body: 'json', handler: putState },
  { method: 'GET', path: '/rooms/{roomId}/state/{eventType}', handler: getState },
  { method: 'GET', path: '/rooms/{roomId}/state/{eventType}/{stateKey}', handler: getState },
  {
    method: 'GET',
    path: '/rooms/{roomId}/state',
    handler: (ctx) => [...ctx.hs.requireJoined(roomIdParam(ctx), me(ctx).userId).state.values()].map(clientEvent),
  },
  {
    method: 'GET',
    path: '/rooms/{roomId}/members',
    handler: (ctx) => {
      const room = ctx.hs.requireJoined(roomIdParam(ctx), me(ctx).userId);
      return { chunk: [...room.state.values()].filter((e) => e.type === 'm.room.member').map(clientEvent) };
    },
  },
  {
    method: 'GET',
    path: '/rooms/{roomId}/joined_members',
    handler: (ctx) => {
      const room = ctx.hs.requireJoined(roomIdParam(ctx), me(ctx).userId);
      const joined: Record<string, unknown> = {};
      for (const u of ctx.hs.rooms.joinedMembers(room.roomId)) {
        const user = ctx.hs.accounts.users.get(u);
        joined[u] = { display_name: user?.displayname ?? null, avatar_url: user?.avatar_url ?? null };
      }
      return { joined };
    },
  },
  {
    method: 'GET',
    path: '/rooms/{roomId}/messages',
    handler: (ctx) => {
      ctx.hs.requireJoined(roomIdParam(ctx), me(ctx).userId);
      // History is not paginated by the mock: everything a client needs arrives through /sync.
      return { chunk: [], start: ctx.query.get('from') ?? 's0', end: ctx.query.get('from') ?? 's0' };
    },
  },
  {
    method: 'PUT',
    path: '/rooms/{roomId}/typing/{userId}',
    body: 'json',
    handler: (ctx) => {
      if (userIdParam(ctx) !== me(ctx).userId) throw new MatrixError(ERRORS.FORBIDDEN, "Cannot set another user's typing state.");
      const typing = bodyObject(ctx).typing;
      if (typeof typing !== 'boolean') throw new MatrixError(ERRORS.BAD_JSON, 'typing must be a boolean.');
      return activity('typing')(ctx);
    },
  },
  { method: 'POST', path: '/rooms/{roomId}/receipt/{receiptType}/{eventId}', body: 'optional', handler: activity('receipt') },
  { method: 'POST', path: '/rooms/{roomId}/read_markers', body: 'optional', handler: activity('receipt') },
];
