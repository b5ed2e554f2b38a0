// The request listener: CORS preflight, routing, auth, body parsing, and turning every error into the
// catalogue's JSON body. No input reaches a 500 unless the mock itself has a bug (then M_UNKNOWN).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { realClock, type Clock } from './clock.js';
import { resolveConfig, type MockConfig, type MockConfigInput } from './config.js';
import { dialectOf, type Context } from './context.js';
import { ERRORS, MatrixError } from './errors.js';
import { Homeserver, type JsonStyle } from './homeserver.js';
import { ClientGoneError, CORS_HEADERS, parseJson, readBody, sendJson } from './http-io.js';
import { parseTarget, type RequestTarget } from './request-target.js';
import type { Session, User } from './accounts.js';
import { Router, type Match, type Route } from './router.js';
import { accountRoutes } from './routes/account-routes.js';
import { earlyRoutes } from './routes/early-routes.js';
import { presenceListRoutes, presenceRoutes } from './routes/presence-routes.js';
import { profileRoutes } from './routes/profile-routes.js';
import { roomRoutes } from './routes/room-routes.js';
import { syncRoutes } from './routes/sync-routes.js';

export interface MockApp extends RequestListener {
  homeserver: Homeserver;
  config: MockConfig;
}

/** The mock as a request listener (for supertest or any node:http server). A resolved MockConfig is a
 * valid input too; either way it is validated against the schema. */
export function createMockApp(config: MockConfig | MockConfigInput = {}, clock: Clock = realClock): MockApp {
  const resolved = resolveConfig(config);
  const hs = new Homeserver(resolved, clock);
  const router = new Router([
    ...earlyRoutes,
    ...accountRoutes,
    ...presenceRoutes,
    ...presenceListRoutes(hs.api),
    ...profileRoutes,
    ...roomRoutes,
    ...syncRoutes,
  ]);
  const listener = ((req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(hs, router, req, res);
    } catch (err) {
      answerError(res, err, hs.jsonStyle);
    }
  }) as MockApp;
  listener.homeserver = hs;
  listener.config = resolved;
  return listener;
}

/** A request's Context; its query is read from the target only when a handler asks for it. */
class RequestContext implements Context {
  body: unknown = undefined;
  user?: User;
  session?: Session;
  accessToken?: string;

  constructor(
    readonly hs: Homeserver,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly params: Record<string, string>,
    readonly version: string,
    private readonly target: RequestTarget,
  ) {}

  get query(): URLSearchParams {
    return this.target.query;
  }

  onClose(fn: () => void): void {
    this.res.once('close', fn);
  }
}

/** Every request gets an answer, whatever went wrong. The decision rests on the response alone (was
 * anything sent yet?), never on the request: a request whose body has been read is "destroyed" too,
 * and once guarding on that turned every internal error after the body into a silent hang. */
function answerError(res: ServerResponse, err: unknown, style: JsonStyle): void {
  // A client that went away mid-upload is nobody's bug and there is nobody to answer.
  if (err instanceof ClientGoneError) return;
  try {
    if (err instanceof MatrixError) {
      sendJson(res, err.spec.status, err.body(), { ...style, headers: err.headers });
    } else {
      // A bug in the mock: say so on stderr (once, here) and answer the catalogue's M_UNKNOWN.
      console.error('mock: internal error:', err);
      sendJson(res, 500, new MatrixError(ERRORS.UNKNOWN).body(), style);
    }
  } finally {
    // Headers already out (a handler failed mid-answer): end what was started rather than leave it open.
    if (res.headersSent && !res.writableEnded) res.end();
  }
}

/** Answers a request; an error thrown now propagates, one that happens later is answered here. No
 * promise unless the handler is asynchronous (promises per request showed in the benchmark), and no
 * closure per request beyond the body reader's. */
function handle(hs: Homeserver, router: Router, req: IncomingMessage, res: ServerResponse): void {
  const url = parseTarget(req.url ?? '/');
  const method = req.method ?? 'GET';
  // Spec: servers answer a CORS preflight on every endpoint with the CORS headers.
  if (method === 'OPTIONS') {
    res.writeHead(204, CORS_HEADERS);
    res.end();
    return;
  }
  let match: Match | undefined;
  const split = Router.split(url.pathname);
  if (url.pathname === '/_matrix/client/versions') {
    // The early API and r0.0.0 had no /versions (release-api.ts).
    if (hs.api.versions) match = router.match(method, 'v3', '/versions') as Match | undefined;
  } else if (split && (hs.api.prefixes?.has(split.version) ?? true) && !(split.version === 'r0' && hs.faults.has('r0-paths-missing'))) {
    const m = router.match(method, split.version, split.rest);
    if (m && 'allowed' in m) {
      req.resume();
      throw new MatrixError(ERRORS.METHOD_NOT_ALLOWED, undefined, {}, { Allow: [...new Set(m.allowed)].join(', ') });
    }
    match = m;
  }
  if (!match || !('route' in match)) {
    req.resume();
    throw new MatrixError(ERRORS.UNRECOGNIZED);
  }
  const { route, params } = match;
  const ctx = new RequestContext(hs, req, res, params, split?.version ?? 'v3', url);

  authenticate(ctx, route.auth !== false, route.presence === true);

  if (route.body === 'none' || method === 'GET' || method === 'DELETE') {
    req.resume();
    runHandler(hs, route, ctx);
    return;
  }
  readBody(req, hs.config.limits.max_body_bytes, (err, raw) => {
    if (err) return answerError(res, err, hs.jsonStyle);
    try {
      ctx.body = parseBody(hs, route, raw!);
      runHandler(hs, route, ctx);
    } catch (e) {
      answerError(res, e, hs.jsonStyle);
    }
  });
}

/** The request body as the route wants it: a JSON object, or {} for an empty optional body. */
function parseBody(hs: Homeserver, route: Route, raw: Buffer): unknown {
  if (raw.length === 0 && route.body === 'optional') return {};
  let body: unknown;
  try {
    body = parseJson(raw);
  } catch (err) {
    if (hs.faults.has('bad-json-500')) throw new MatrixError(ERRORS.UNKNOWN);
    throw err;
  }
  // Synapse parse_json_object_from_request: a JSON value that is not an object is M_BAD_JSON.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    if (!hs.faults.has('lax-body-types')) throw new MatrixError(ERRORS.BAD_JSON, 'Content must be a JSON object.');
    return {};
  }
  return body;
}

function runHandler(hs: Homeserver, route: Route, ctx: Context): void {
  const result = route.handler(ctx);
  if (result instanceof Promise) result.then((r: unknown) => answer(hs, ctx.res, r)).catch((err: unknown) => answerError(ctx.res, err, hs.jsonStyle));
  else answer(hs, ctx.res, result);
}

function answer(hs: Homeserver, res: ServerResponse, result: unknown): void {
  if (result === undefined) return; // the handler answered itself
  sendJson(res, 200, result, hs.jsonStyle);
}

/** Access token from `Authorization: Bearer` or the `access_token` query parameter (spec: "Using
 * access tokens"); missing is 401 M_MISSING_TOKEN, unknown 401 M_UNKNOWN_TOKEN. The early API knew
 * only the query parameter ("must be used in ALL requests ... as a query parameter 'access_token'")
 * and answered 403 (Synapse's api/v1: M_FORBIDDEN "Missing access token.", M_UNKNOWN_TOKEN). A release
 * reads the header from r0.3.0 and the query string until v1.20; a token where it does not look counts
 * as absent. */
function authenticate(ctx: Context, required: boolean, presenceRoute: boolean): void {
  const { hs } = ctx;
  const early = dialectOf(ctx) === 'early';
  const header = early || !hs.api.headerToken ? undefined : ctx.req.headers.authorization;
  let token = header === undefined ? undefined : bearerToken(header);
  if (token === undefined && hs.api.queryToken && !hs.faults.has('query-token-ignored')) token = ctx.query.get('access_token') ?? undefined;
  if (token === undefined) {
    if (!required) return;
    if (presenceRoute && hs.faults.has('no-auth-required')) return impersonate(ctx);
    throw new MatrixError(early ? ERRORS.EARLY_MISSING_TOKEN : ERRORS.MISSING_TOKEN);
  }
  const session = hs.accounts.sessionFor(token);
  if (!session) {
    if (hs.faults.has('bad-token-accepted')) return impersonate(ctx);
    if (!required) return;
    if (early) throw new MatrixError(ERRORS.EARLY_UNKNOWN_TOKEN);
    throw new MatrixError(ERRORS.UNKNOWN_TOKEN, undefined, { soft_logout: false });
  }
  ctx.accessToken = token;
  ctx.session = session;
  ctx.user = hs.accounts.users.get(session.userId);
}

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case, as RFC 9110 says of
 * auth schemes; white space before the token, none in or after it), or undefined for any other header.
 * No regex captures: this runs for every request. */
export function bearerToken(header: string): string | undefined {
  if (!BEARER.test(header)) return undefined;
  const token = header.slice(6).trimStart();
  return token === '' || /\s/.test(token) ? undefined : token;
}

const BEARER = /^Bearer\s/i;

/** For the auth faults: act as the user named in the path, or else the first registered user. */
function impersonate(ctx: Context): void {
  let userId: string | undefined;
  try {
    userId = decodeURIComponent(ctx.params.userId ?? '');
  } catch {
    userId = undefined;
  }
  const user = (userId && ctx.hs.accounts.users.get(userId)) || ctx.hs.accounts.firstUser();
  if (!user) throw new MatrixError(ERRORS.UNKNOWN_TOKEN, undefined, { soft_logout: false });
  ctx.user = user;
  ctx.session = { userId: user.userId, deviceId: 'FAULT' };
}
