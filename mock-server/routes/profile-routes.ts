// Profile: displayname and avatar_url. A change updates the user's member events and, when
// profile_propagation is on, emits an m.presence event carrying both (r0 spec "Propagating profile
// information": SHOULD).
import { bodyObject, me, userIdParam, type Context } from '../context.js';
import { ERRORS, MatrixError } from '../errors.js';
import type { Route } from '../router.js';

type Field = 'displayname' | 'avatar_url';

function target(ctx: Context) {
  const userId = userIdParam(ctx);
  const user = ctx.hs.accounts.users.get(userId);
  if (!user) throw new MatrixError(ERRORS.UNKNOWN_USER, 'Profile was not found.');
  return user;
}

function getField(field: Field) {
  return (ctx: Context) => {
    const user = target(ctx);
    const value = user[field];
    if (value === undefined) throw new MatrixError(ERRORS.NOT_FOUND, `The user has no ${field}.`);
    return { [field]: value };
  };
}

function putField(field: Field) {
  return (ctx: Context) => {
    const user = target(ctx);
    if (user.userId !== me(ctx).userId) throw new MatrixError(ERRORS.FORBIDDEN_PROFILE);
    const value = bodyObject(ctx)[field];
    if (value !== null && typeof value !== 'string') throw new MatrixError(ERRORS.BAD_JSON, `${field} must be a string.`);
    if (value === null || value === '') delete user[field];
    else user[field] = value;
    ctx.hs.profileChanged(user.userId);
    return {};
  };
}

export const profileRoutes: Route[] = [
  {
    method: 'GET',
    path: '/profile/{userId}',
    handler: (ctx) => {
      const user = target(ctx);
      const out: Record<string, string> = {};
      if (user.displayname !== undefined) out.displayname = user.displayname;
      if (user.avatar_url !== undefined) out.avatar_url = user.avatar_url;
      return out;
    },
  },
  { method: 'GET', path: '/profile/{userId}/displayname', handler: getField('displayname') },
  { method: 'PUT', path: '/profile/{userId}/displayname', body: 'json', handler: putField('displayname') },
  { method: 'GET', path: '/profile/{userId}/avatar_url', handler: getField('avatar_url') },
  { method: 'PUT', path: '/profile/{userId}/avatar_url', body: 'json', handler: putField('avatar_url') },
];
