// What a route handler gets: the homeserver, the parsed request, and the authenticated user.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session, User } from './accounts.js';
import { isUserId } from './accounts.js';
import { ERRORS, MatrixError } from './errors.js';
import type { Homeserver } from './homeserver.js';

export interface Context {
  hs: Homeserver;
  req: IncomingMessage;
  res: ServerResponse;
  /** The prefix the request came under: v3, r0, v1, unstable, or api/v1 (the early API). */
  version: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Set when the route requires auth (or a token was given). */
  user?: User;
  session?: Session;
  accessToken?: string;
  /** Runs `fn` when the connection closes (a long-poll stops waiting when its client goes away). A
   * plain listener rather than an AbortSignal: aborting builds a DOMException, which showed up as a
   * hot spot in the benchmark. */
  onClose(fn: () => void): void;
}

/** The dialect of a request, from its prefix: the early API (api/v1), r0, or the current one. */
export function dialectOf(ctx: Pick<Context, 'version'>): 'early' | 'r0' | 'v1.19' {
  return ctx.version === 'api/v1' ? 'early' : ctx.version === 'r0' ? 'r0' : 'v1.19';
}

/** The authenticated user; routes that declare auth always have one. */
export function me(ctx: Context): User {
  if (!ctx.user) throw new MatrixError(ERRORS.MISSING_TOKEN);
  return ctx.user;
}

/** A path parameter, percent-decoded (a malformed escape is M_INVALID_PARAM, never a 500). */
export function pathParam(ctx: Context, name: string): string {
  const raw = ctx.params[name] ?? '';
  if (!raw.includes('%')) return raw; // nothing to decode (the common case, and a hot path)
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new MatrixError(ERRORS.INVALID_PARAM, `Malformed percent-encoding in ${name}.`);
  }
}

/** A {userId} path parameter, checked for the @localpart:server grammar. */
export function userIdParam(ctx: Context, name = 'userId'): string {
  const value = ctx.hs.faults.has('user-id-not-decoded') ? (ctx.params[name] ?? '') : pathParam(ctx, name);
  if (!isUserId(value)) throw new MatrixError(ERRORS.INVALID_PARAM, `Invalid user id: ${JSON.stringify(value)}.`);
  return value;
}

/** The JSON object body (routes with body "json" always have one). */
export function bodyObject(ctx: Context): Record<string, unknown> {
  return (ctx.body ?? {}) as Record<string, unknown>;
}

/** Reads an optional string field; another type is M_BAD_JSON. */
export function optString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new MatrixError(ERRORS.BAD_JSON, `${key} must be a string.`);
  return v;
}
