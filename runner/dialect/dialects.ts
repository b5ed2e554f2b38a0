// How the runner speaks to a target, chosen by the release its profile names (spec_version). The
// family of the release gives the API: the current one (v1.x, /_matrix/client/v3), r0
// (/_matrix/client/r0) and the early Client-Server API (/_matrix/client/api/v1, before r0); they
// differ in the prefix, in how users and rooms are made and in the event stream (early: /initialSync
// and the /events long-poll; later: /sync). Within a family the release decides the details that
// changed from one release to the next (project/releases.ts): where the access token goes (the query
// string alone before r0.3.0, "which must be used in ALL requests to that home server as a query
// parameter 'access_token'"), how a device logs in (`identifier` from r0.4.0) and how a presence event
// names its user (`sender` from r0.4.0, `content.user_id` before). Suites write paths as {api}/..., so
// that a case written once runs in every release whose text has the behaviour.
import { familyOf, releaseHas, type Release } from '../../project/releases.js';
import type { SpecVersion } from '../../project/spec-versions.js';

export interface Dialect {
  /** The API family (the release's spec text). */
  version: SpecVersion;
  release: Release;
  /** The client API prefix; `{api}` in a suite path. */
  api: string;
  /** The access token rides in the query string of every request (before r0.3.0), not in a header. */
  tokenInQuery: boolean;
  /** How users register: user-interactive auth with m.login.dummy, or one m.login.password stage. */
  registration: 'uia-dummy' | 'password';
  /** How a device logs in: an `identifier` object (r0.4.0 and later), or the `user` field. */
  loginIdentifier: boolean;
  /** How presence reaches a client: /sync, or /initialSync and the /events long-poll. */
  stream: 'sync' | 'events';
  /** Rooms are created with a preset (r0 and later), or with a visibility and a join rule (early). */
  roomPresets: boolean;
}

const PREFIXES: Record<SpecVersion, string> = { 'v1.19': '/_matrix/client/v3', r0: '/_matrix/client/r0', early: '/_matrix/client/api/v1' };

export function dialectFor(release: Release): Dialect {
  const version = familyOf(release);
  const early = version === 'early';
  return {
    version,
    release,
    api: PREFIXES[version],
    tokenInQuery: !releaseHas(release, 'authorization_header'),
    registration: early ? 'password' : 'uia-dummy',
    loginIdentifier: releaseHas(release, 'login_identifier'),
    stream: early ? 'events' : 'sync',
    roomPresets: !early,
  };
}

/**
 * /sync's set_presence as the release takes it: before r0.4.0 its enum is ["offline"] alone, and "if
 * this parameter is omitted then the client is automatically marked as online", so online is sent as
 * no parameter there. (A case that sets unavailable by /sync holds from r0.4.0: `since` in its suite.)
 */
export function setPresenceQuery(dialect: Pick<Dialect, 'release'>, value: string | undefined): { set_presence?: string } {
  if (value === undefined || (value === 'online' && !releaseHas(dialect.release, 'set_presence_online_unavailable'))) return {};
  return { set_presence: value };
}

/**
 * Whose presence an m.presence event is: its `sender` (r0.4.0 and later), or `content.user_id` (the
 * early API and the r0 releases before r0.4.0). A robust reader takes either, whatever the release.
 */
export function presenceUserOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as { sender?: unknown; content?: { user_id?: unknown } };
  if (typeof e.sender === 'string') return e.sender;
  const fromContent = e.content?.user_id;
  return typeof fromContent === 'string' ? fromContent : undefined;
}

/**
 * The release's own schema for a suite's schema alias: a case names the current schema
 * (matrix/get-presence-response) and an answer of the early API, or of an r0 release before r0.2.0
 * (free_for_chat in the enum), is checked against that text's schema instead; the presence list of
 * the r0 releases (before r0.5.0) may hold m.presence events, as their API reference shows it. Aliases
 * without an older counterpart, and every later release, keep the schema named.
 */
const R0_LIST = { 'matrix/legacy/early-presence-list-response': 'matrix/legacy/r0-presence-list-response' };

const OLDER_SCHEMAS: Record<'early' | 'r0-seed' | 'r0', Record<string, string>> = {
  early: {
    'matrix/get-presence-response': 'matrix/legacy/early-get-presence-response',
    'matrix/put-presence-request': 'matrix/legacy/early-put-presence-request',
    'matrix/m.presence': 'matrix/legacy/early-m.presence',
    'matrix/legacy/r0-get-presence-response': 'matrix/legacy/early-get-presence-response',
  },
  'r0-seed': {
    'matrix/get-presence-response': 'matrix/legacy/r0-get-presence-response',
    'matrix/put-presence-request': 'matrix/legacy/r0-put-presence-request',
    ...R0_LIST,
  },
  r0: R0_LIST,
};

export function schemaOfRelease(alias: string, dialect: Pick<Dialect, 'version' | 'release'>): string {
  const r0 = dialect.version === 'r0' ? (releaseHas(dialect.release, 'free_for_chat') ? 'r0-seed' : 'r0') : undefined;
  const era = dialect.version === 'early' ? 'early' : r0;
  return (era && OLDER_SCHEMAS[era][alias]) ?? alias;
}

/** A validator (judge/expect.ts SchemaValidator) that checks against the release's own schemas (schemaOfRelease). */
export function schemasOfRelease<V extends { validate(alias: string, data: unknown): unknown }>(
  validator: V,
  dialect: Pick<Dialect, 'version' | 'release'>,
): V {
  if (dialect.version === 'v1.19') return validator;
  return { validate: (alias: string, data: unknown) => validator.validate(schemaOfRelease(alias, dialect), data) } as V;
}
