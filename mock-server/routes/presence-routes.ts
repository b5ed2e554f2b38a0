// GET/PUT /presence/{userId}/status, and the presence list of the early API and the r0 releases before r0.5.0.
import { bodyObject, dialectOf, me, userIdParam, type Context } from '../context.js';
import { ERRORS, MatrixError } from '../errors.js';
import { sendJson } from '../http-io.js';
import { formatPresence, type PresenceValue } from '../presence-state.js';
import type { ReleaseApi } from '../release-api.js';
import type { Route } from '../router.js';

const PRESENCE_VALUES: ReadonlySet<string> = new Set(['online', 'unavailable', 'offline']);

function isValidPresence(ctx: Context, value: string): boolean {
  if (PRESENCE_VALUES.has(value)) return true;
  // The early API and the r0 releases until r0.2.0 have a fourth state, free_for_chat (presence.yaml:
  // enum ["online", "offline", "unavailable", "free_for_chat"]); r0.2.0 dropped it, and so v1.x, whose
  // prefix never takes it. A mock of one release takes it when that release had it; a mock of every
  // prefix under /r0 and the early prefix behind the legacy switch (Synapse refuses it on /r0 too).
  const { hs } = ctx;
  return value === 'free_for_chat' && hs.api.freeForChat && dialectOf(ctx) !== 'v1.19' && !hs.faults.has('no-free-for-chat');
}

/**
 * Dendrite's GET of a user without a presence row (the no-state-empty-presence fault): an empty state and
 * status, and the device's last-seen time as the last active time, the epoch (0) for a user with no
 * device (syncapi/consumers/presence.go, clientapi/routing/presence.go GetPresence).
 */
function emptyRecord(ctx: Context, userId: string): Record<string, unknown> {
  const now = ctx.hs.clock.now();
  const ago = now - (ctx.hs.accounts.deviceSeen.get(userId) ?? 0);
  const active = ctx.hs.api.currentlyActive ? { currently_active: ago < ctx.hs.config.presence.last_active_granularity } : {};
  return { ...active, ...(ago > 0 ? { last_active_ago: ago } : {}), presence: '', status_msg: '' };
}

function getStatus(ctx: Context): unknown {
  const requester = me(ctx).userId;
  const userId = userIdParam(ctx);
  // Synapse rest/client/presence.py: with presence disabled, GET answers {"presence": "offline"}
  // before any visibility check.
  if (!ctx.hs.config.presence.enabled) return { presence: 'offline' };
  // Synapse: a user who shares no room with the requester is 403 "You are not allowed to see their
  // presence." (own presence is always visible; an unknown user shares no room, hence 403 too).
  if (ctx.hs.faults.has('unknown-user-online') && !ctx.hs.accounts.users.has(userId)) return { presence: 'online' };
  if (!ctx.hs.canSeePresence(requester, userId)) {
    if (ctx.hs.faults.has('refusal-without-errcode')) {
      sendJson(ctx.res, ERRORS.FORBIDDEN_SEE_PRESENCE.status, { error: ERRORS.FORBIDDEN_SEE_PRESENCE.message });
      return undefined;
    }
    // One's own presence is refused only by the own-presence-needs-room fault, with conduwuit's 404.
    if (requester === userId || ctx.hs.variants.has('stranger-get-404')) throw new MatrixError(ERRORS.PRESENCE_NOT_FOUND);
    throw new MatrixError(ERRORS.FORBIDDEN_SEE_PRESENCE);
  }
  if (ctx.hs.faults.has('get-200-empty-object') && ctx.hs.presence.get(userId).presence === 'offline') return {};
  if (!ctx.hs.presence.has(userId)) {
    if (ctx.hs.faults.has('fresh-user-online')) return { presence: 'online' };
    if (ctx.hs.faults.has('no-state-empty-presence')) return emptyRecord(ctx, userId);
    if (ctx.hs.variants.has('never-set-404')) throw new MatrixError(ERRORS.PRESENCE_NOT_FOUND);
  }
  const record = ctx.hs.presence.get(userId);
  const now = ctx.hs.clock.now();
  const content = formatPresence(record, now, ctx.hs);
  if (ctx.hs.faults.has('get-status-msg-missing')) delete content.status_msg;
  // get-last-active-frozen-while-active: while the flag is true, the value as of its last announcement.
  if (ctx.hs.faults.has('get-last-active-frozen-while-active') && content.currently_active === true && record.last_active_ts > 0)
    content.last_active_ago = Math.max(0, record.changed_ts - record.last_active_ts);
  // Dendrite's GET: currently_active always present, "active within the window", whatever the state,
  // and the last active time is the later of the presence's and the device's last-seen time.
  if (ctx.hs.variants.has('currently-active-by-recency')) {
    const lastActive = Math.max(record.last_active_ts, ctx.hs.accounts.deviceSeen.get(userId) ?? 0);
    if (ctx.hs.api.currentlyActive) content.currently_active = lastActive > 0 && now - lastActive < ctx.hs.config.presence.last_active_granularity;
    if (lastActive > 0) content.last_active_ago = now - lastActive;
  }
  // conduwuit and tuwunel (get_presence_route): no last_active_ago while currently_active is true.
  if (ctx.hs.faults.has('last-active-hidden-while-active') && content.currently_active === true) delete content.last_active_ago;
  return content;
}

function putStatus(ctx: Context): unknown {
  const { hs } = ctx;
  const requester = me(ctx).userId;
  const userId = userIdParam(ctx);
  // Synapse: "Can only set your own presence state" (403 M_FORBIDDEN), checked before the body.
  if (userId !== requester && !hs.faults.has('foreign-put-allowed')) {
    // conduwuit refuses with 400 M_INVALID_PARAM (foreign-put-400); the spec names no status.
    if (hs.variants.has('foreign-put-400')) throw new MatrixError(ERRORS.INVALID_PARAM, 'Not allowed to set presence of other users.');
    throw new MatrixError(ERRORS.FORBIDDEN_SET_PRESENCE);
  }
  const body = bodyObject(ctx);
  const lax = hs.faults.has('lax-body-types');
  // lax-body-types: a body without presence (e.g. a non-object body) keeps the current state.
  const given = (body.presence === undefined || typeof body.presence !== 'string') && lax ? hs.presence.get(userId).presence : body.presence;
  const presence = given === 'hidden' ? hiddenAs(ctx) : given;
  // Synapse answers 400 for a missing presence, a non-string status_msg and unknown keys; the mock
  // names the errcodes: a wrong shape is M_BAD_JSON, a value outside the enum M_INVALID_PARAM.
  if (presence === undefined) throw new MatrixError(ERRORS.BAD_JSON, 'Missing presence.');
  if (typeof presence !== 'string' && !lax) throw new MatrixError(ERRORS.BAD_JSON, 'presence must be a string.');
  // status-msg-kept-on-omit (Dendrite): null means "no new status", like an absent one.
  const statusMsg = body.status_msg === null && hs.variants.has('status-msg-kept-on-omit') ? undefined : body.status_msg;
  if (statusMsg === null && hs.faults.has('null-status-msg-500')) throw new MatrixError(ERRORS.UNKNOWN);
  if (statusMsg === '' && hs.faults.has('empty-status-msg-refused')) throw new MatrixError(ERRORS.BAD_JSON, 'status_msg must not be empty.');
  const clientLastActive = hs.faults.has('client-last-active-honoured') ? body.last_active_ago : undefined;
  if (statusMsg !== undefined && typeof statusMsg !== 'string' && !lax) throw new MatrixError(ERRORS.BAD_JSON, 'status_msg must be a string.');
  // status-msg-length-limit (ToM-server putStatus.ts): a status_msg over 2048 characters is refused.
  if (typeof statusMsg === 'string' && statusMsg.length > STATUS_MSG_LIMIT && hs.variants.has('status-msg-length-limit')) {
    throw new MatrixError(ERRORS.INVALID_PARAM, 'Status message is too long.');
  }
  if (!lax && !hs.variants.has('lenient-put-keys')) refuseUnknownKeys(body, clientLastActive !== undefined);
  if (!isValidPresence(ctx, String(presence)) && !hs.faults.has('invalid-presence-accepted')) {
    throw new MatrixError(
      hs.variants.has('invalid-presence-m-unknown') ? ERRORS.UNKNOWN_PRESENCE : ERRORS.INVALID_PARAM,
      `Invalid presence state: ${JSON.stringify(presence)}.`,
    );
  }
  // Rate limiting (Synapse rc_presence.per_user): 429 M_LIMIT_EXCEEDED with retry_after_ms and a
  // Retry-After header of ceil(ms / 1000) seconds (Synapse api/errors.py LimitExceededError).
  if (hs.rateLimiter) {
    const decision = hs.rateLimiter.take(requester);
    if (!decision.allowed) {
      if (hs.faults.has('rate-limit-no-retry-after')) throw new MatrixError(ERRORS.LIMIT_EXCEEDED);
      const spec = hs.faults.has('rate-limit-wrong-errcode') ? { ...ERRORS.LIMIT_EXCEEDED, errcode: 'M_FORBIDDEN' } : ERRORS.LIMIT_EXCEEDED;
      // retry-after-header-only: the v1.10+ way, the header (SHOULD) without the deprecated body field.
      // retry-after-zero: no wait at all; retry-after-seconds: the header's seconds in the body too.
      const seconds = hs.faults.has('retry-after-zero') ? 0 : Math.ceil(decision.retryAfterMs / 1000);
      const ms = hs.faults.has('retry-after-zero') ? 0 : hs.faults.has('retry-after-seconds') ? seconds : decision.retryAfterMs;
      const extra = hs.variants.has('retry-after-header-only') ? {} : { retry_after_ms: ms };
      throw new MatrixError(spec, undefined, extra, { 'Retry-After': String(seconds) });
    }
  }
  if (typeof statusMsg === 'string' && hs.faults.has('long-status-msg-500') && codePointCount(statusMsg) > 32_768) throw new MatrixError(ERRORS.UNKNOWN);
  // Synapse: with presence disabled the PUT is accepted and does nothing.
  if (hs.config.presence.enabled) {
    const value = typeof presence === 'string' ? presence : String(presence);
    hs.setPresence(
      userId,
      value as PresenceValue,
      typeof statusMsg === 'string' ? asStored(hs, statusMsg) : undefined,
      typeof clientLastActive === 'number' ? clientLastActive : undefined,
    );
  }
  if (hs.faults.has('put-echoes-body')) return body;
  if (hs.faults.has('put-body-not-object')) {
    sendJson(ctx.res, 200, []);
    return undefined;
  }
  return {};
}

/**
 * The early events' fifth state, "hidden : Behaves as offline" (5-early-events.rst): not among what the
 * early PUT takes, so refused like any unknown state (the value stays "hidden"), taken as offline by the
 * hidden-taken-as-offline variant, and shown online by the hidden-leaks-online fault. Only the early API.
 */
function hiddenAs(ctx: Context): string {
  if (dialectOf(ctx) !== 'early') return 'hidden';
  if (ctx.hs.faults.has('hidden-leaks-online')) return 'online';
  return ctx.hs.variants.has('hidden-taken-as-offline') ? 'offline' : 'hidden';
}

/** A PUT body takes presence and status_msg (and last_active_ago where the client-last-active-honoured
 * fault reads it); anything else is M_BAD_JSON. The list of keys is built only to name them in the
 * error: this runs for every PUT. */
function refuseUnknownKeys(body: Record<string, unknown>, lastActiveRead: boolean): void {
  for (const key in body) {
    if (key === 'presence' || key === 'status_msg' || (key === 'last_active_ago' && lastActiveRead)) continue;
    const unknown = Object.keys(body).filter((k) => k !== 'presence' && k !== 'status_msg' && !(k === 'last_active_ago' && lastActiveRead));
    throw new MatrixError(ERRORS.BAD_JSON, `Unknown keys: ${unknown.join(', ')}.`);
  }
}

/** The longest status_msg the status-msg-length-limit variant stores, in UTF-16 code units (ToM-server's
 * /^.{0,2048}$/). */
const STATUS_MSG_LIMIT = 2048;

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The status_msg as stored: the string the PUT gave, unless a status text fault rewrites it.
 * status-msg-whitespace-mangled does what Dendrite's NATS headers do (line breaks become spaces, the ends
 * are trimmed); the others are the usual ways text is damaged on its way into a database.
 */
function asStored(hs: Context['hs'], statusMsg: string): string {
  const { faults } = hs;
  let text = statusMsg;
  if (faults.has('status-msg-whitespace-mangled')) text = text.replace(/[\r\n]/g, ' ').trim();
  if (faults.has('status-msg-trimmed')) text = text.trim();
  if (faults.has('status-msg-normalised')) text = text.normalize('NFC');
  if (faults.has('status-msg-markup-escaped')) text = text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
  if (faults.has('status-msg-non-ascii-mangled')) text = Buffer.from(text, 'utf8').toString('latin1');
  if (faults.has('status-msg-truncated')) text = firstCodePoints(text, 512);
  return text;
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += text.codePointAt(i)! > 0xffff ? 2 : 1) count += 1;
  return count;
}

/** The first `n` code points of `text` (a surrogate pair is never split). */
function firstCodePoints(text: string, n: number): string {
  let end = 0;
  for (let count = 0; end < text.length && count < n; count += 1) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return text.slice(0, end);
}

// The presence list of the early API and the r0 releases before r0.5.0: GET returns the list with each
// user's presence; POST {invite, drop} maintains it. The era's API reference and Synapse served it at
// /presence/list/{userId}; the early text's prose writes $PREFIX/presence/list (the caller's own list),
// served instead with legacy.presence_list_path own. Both paths run the same handlers, faults and all.

function getList(ctx: Context): unknown {
  const userId = userIdParam(ctx);
  if (userId !== me(ctx).userId) throw new MatrixError(ERRORS.FORBIDDEN, "Cannot see another user's presence list.");
  return getOwnList(ctx);
}

function getOwnList(ctx: Context): unknown {
  const userId = me(ctx).userId;
  if (ctx.hs.faults.has('presence-list-broken')) return [];
  const now = ctx.hs.clock.now();
  const asEvents = ctx.hs.variants.has('presence-list-as-events') && dialectOf(ctx) === 'r0';
  const list = [...(ctx.hs.presenceList.get(userId) ?? [])].map((u) => {
    const entry = { user_id: u, ...formatPresence(ctx.hs.presence.get(u), now, ctx.hs) };
    return asEvents ? { type: 'm.presence', content: entry } : entry;
  });
  sendJson(ctx.res, 200, list, ctx.hs.jsonStyle);
  return undefined;
}

function userList(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new MatrixError(ERRORS.BAD_JSON, `${key} must be an array of user ids.`);
  return v as string[];
}

function postList(ctx: Context): unknown {
  const userId = userIdParam(ctx);
  if (userId !== me(ctx).userId) throw new MatrixError(ERRORS.FORBIDDEN, "Cannot change another user's presence list.");
  return postOwnList(ctx);
}

function postOwnList(ctx: Context): unknown {
  const userId = me(ctx).userId;
  const body = bodyObject(ctx);
  const invite = userList(body, 'invite');
  const drop = userList(body, 'drop');
  for (const u of invite) if (!ctx.hs.accounts.users.has(u)) throw new MatrixError(ERRORS.UNKNOWN_USER, `Unknown user ${u}.`);
  if (ctx.hs.faults.has('presence-list-broken')) return {};
  for (const u of invite) ctx.hs.listInvite(userId, u);
  // presence-list-drop-clears: a drop takes everyone off the list, whomever it names.
  const dropped = drop.length > 0 && ctx.hs.faults.has('presence-list-drop-clears') ? [...(ctx.hs.presenceList.get(userId) ?? [])] : drop;
  if (!ctx.hs.faults.has('presence-list-drop-ignored')) for (const u of dropped) ctx.hs.listDrop(userId, u);
  return {};
}

export const presenceRoutes: Route[] = [
  { method: 'GET', path: '/presence/{userId}/status', presence: true, handler: getStatus },
  { method: 'PUT', path: '/presence/{userId}/status', presence: true, body: 'json', handler: putStatus },
];

/** The presence list's routes, where the API serves it (release-api.ts); none where it does not, so that
 * its paths are unrecognised (404) before any token is asked for. */
export function presenceListRoutes(api: ReleaseApi): Route[] {
  if (api.presenceList === 'own') {
    return [
      { method: 'GET', path: '/presence/list', presence: true, handler: getOwnList },
      { method: 'POST', path: '/presence/list', presence: true, body: 'json', handler: postOwnList },
    ];
  }
  if (api.presenceList === 'per_user') {
    return [
      { method: 'GET', path: '/presence/list/{userId}', presence: true, handler: getList },
      { method: 'POST', path: '/presence/list/{userId}', presence: true, body: 'json', handler: postList },
    ];
  }
  return [];
}
