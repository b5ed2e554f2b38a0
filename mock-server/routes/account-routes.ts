// Versions, registration, login, whoami, logout, and the small endpoints matrix-js-sdk needs to reach
// a synced state: capabilities, push rules, filters, account data.
import { SYNC_PREFIXES } from './sync-routes.js';
import { randomBytes } from 'node:crypto';
import { bodyObject, me, optString, pathParam, userIdParam, type Context } from '../context.js';
import { ERRORS, MatrixError } from '../errors.js';
import { checkFilterOn } from '../filter-validation.js';
import { sendJson } from '../http-io.js';
import type { Route } from '../router.js';

/** GET /versions: the releases the API speaks (release-api.ts); none before r0.0.1, which brought it. */
function versions(ctx: Context): unknown {
  if (!ctx.hs.api.versions) throw new MatrixError(ERRORS.UNRECOGNIZED);
  return { versions: ctx.hs.api.versions, unstable_features: {} };
}

const DUMMY_FLOWS = { flows: [{ stages: ['m.login.dummy'] }], params: {} };

function login(ctx: Context, userId: string, deviceId: string | undefined): Record<string, unknown> {
  const session = ctx.hs.accounts.newSession(userId, deviceId);
  ctx.hs.noteDeviceSeen(userId);
  return { user_id: userId, access_token: session.accessToken, device_id: session.deviceId, home_server: ctx.hs.config.server_name };
}

function register(ctx: Context): unknown {
  // Synapse refuses before looking at the body or the auth when registration is closed.
  if (!ctx.hs.config.registration.enabled) throw new MatrixError(ERRORS.REGISTRATION_DISABLED);
  const body = bodyObject(ctx);
  const kind = ctx.query.get('kind') ?? 'user';
  if (kind !== 'user') throw new MatrixError(ERRORS.FORBIDDEN, 'Guest access is disabled.');
  const auth = body.auth;
  // User-interactive auth (spec "User-interactive authentication API"): without auth, 401 with the
  // flows; m.login.dummy completes it.
  if (auth === undefined) {
    sendJson(ctx.res, 401, { ...DUMMY_FLOWS, session: randomBytes(8).toString('hex') }, ctx.hs.jsonStyle);
    return undefined;
  }
  if (typeof auth !== 'object' || auth === null || (auth as { type?: unknown }).type !== 'm.login.dummy') {
    sendJson(ctx.res, 401, { ...DUMMY_FLOWS, errcode: 'M_FORBIDDEN', error: 'Only m.login.dummy is supported.' }, ctx.hs.jsonStyle);
    return undefined;
  }
  const username = optString(body, 'username');
  const password = optString(body, 'password');
  const deviceId = optString(body, 'device_id');
  if (body.inhibit_login !== undefined && typeof body.inhibit_login !== 'boolean') throw new MatrixError(ERRORS.BAD_JSON, 'inhibit_login must be a boolean.');
  const user = ctx.hs.accounts.register(username, password);
  if (body.inhibit_login === true) return { user_id: user.userId, home_server: ctx.hs.config.server_name };
  return login(ctx, user.userId, deviceId);
}

function postLogin(ctx: Context): unknown {
  const body = bodyObject(ctx);
  const type = optString(body, 'type');
  if (type !== 'm.login.password') throw new MatrixError(ERRORS.UNKNOWN_LOGIN_TYPE);
  let name = optString(body, 'user');
  // `identifier` came with r0.4.0 (login.yaml); before it the body names the user in `user`, and an
  // identifier is a key the release did not know: without `user` the login has no user.
  const identifier = ctx.hs.api.loginIdentifier ? body.identifier : undefined;
  if (identifier !== undefined) {
    if (typeof identifier !== 'object' || identifier === null) throw new MatrixError(ERRORS.BAD_JSON, 'identifier must be an object.');
    const id = identifier as Record<string, unknown>;
    if (id.type !== 'm.id.user') throw new MatrixError(ERRORS.UNKNOWN_LOGIN_TYPE, 'Unknown identifier type.');
    name = optString(id, 'user');
  }
  const password = optString(body, 'password');
  if (name === undefined || password === undefined) throw new MatrixError(ERRORS.BAD_JSON, 'Missing user or password.');
  const user = ctx.hs.accounts.findForLogin(name);
  if (!user || user.password === undefined || user.password !== password) throw new MatrixError(ERRORS.FORBIDDEN_LOGIN);
  return login(ctx, user.userId, optString(body, 'device_id'));
}

function ownUser(ctx: Context): string {
  const userId = userIdParam(ctx);
  if (userId !== me(ctx).userId) throw new MatrixError(ERRORS.FORBIDDEN, "Cannot access another user's data.");
  return userId;
}

function postFilter(ctx: Context): unknown {
  const user = me(ctx);
  ownUser(ctx);
  const filter = bodyObject(ctx);
  checkFilterOn(ctx.hs.faults, filter); // so that a stored filter is always well-typed when /sync uses it
  const filterId = String(user.filters.size);
  user.filters.set(filterId, filter);
  return { filter_id: filterId };
}

function getFilter(ctx: Context): unknown {
  const user = me(ctx);
  ownUser(ctx);
  const filter = user.filters.get(pathParam(ctx, 'filterId'));
  if (!filter) throw new MatrixError(ERRORS.UNKNOWN_FILTER);
  return filter;
}

export const accountRoutes: Route[] = [
  { method: 'GET', path: '/versions', auth: false, handler: versions },
  { method: 'POST', path: '/register', auth: false, body: 'json', handler: register },
  {
    method: 'GET',
    path: '/register/available',
    auth: false,
    handler: (ctx) => {
      if (!ctx.hs.config.registration.enabled) throw new MatrixError(ERRORS.REGISTRATION_DISABLED);
      const username = ctx.query.get('username');
      if (!username) throw new MatrixError(ERRORS.MISSING_PARAM, 'Missing username.');
      return { available: ctx.hs.accounts.isAvailable(username) };
    },
  },
  { method: 'GET', path: '/login', auth: false, handler: () => ({ flows: [{ type: 'm.login.password' }] }) },
  { method: 'POST', path: '/login', auth: false, body: 'json', handler: postLogin },
  { method: 'GET', path: '/account/whoami', handler: (ctx) => ({ user_id: me(ctx).userId, device_id: ctx.session!.deviceId, is_guest: false }) },
  {
    method: 'POST',
    path: '/logout',
    body: 'optional',
    handler: (ctx) => {
      if (ctx.accessToken) ctx.hs.accounts.logout(ctx.accessToken);
      return {};
    },
  },
  { method: 'POST', path: '/logout/all', body: 'optional', handler: (ctx) => (ctx.hs.accounts.logoutAll(me(ctx).userId), {}) },
  {
    method: 'GET',
    path: '/capabilities',
    handler: () => ({
      capabilities: {
        'm.change_password': { enabled: false },
        'm.room_versions': { default: '10', available: { '10': 'stable' } },
        'm.set_displayname': { enabled: true },
        'm.set_avatar_url': { enabled: true },
        'm.3pid_changes': { enabled: false },
      },
    }),
  },
  {
    method: 'GET',
    path: '/pushrules/{rest}',
    handler: () => ({ global: { override: [], content: [], room: [], sender: [], underride: [] } }),
  },
  // Filters came with /sync, in r0.
  { method: 'POST', path: '/user/{userId}/filter', body: 'json', versions: SYNC_PREFIXES, handler: postFilter },
  { method: 'GET', path: '/user/{userId}/filter/{filterId}', versions: SYNC_PREFIXES, handler: getFilter },
  {
    method: 'GET',
    path: '/user/{userId}/account_data/{type}',
    handler: (ctx) => {
      ownUser(ctx);
      throw new MatrixError(ERRORS.NOT_FOUND, 'Account data not found.');
    },
  },
  { method: 'PUT', path: '/user/{userId}/account_data/{type}', body: 'json', handler: (ctx) => (ownUser(ctx), {}) },
];
