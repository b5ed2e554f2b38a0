// The three APIs a target may speak, chosen by its profile's spec_version: the current one (v1.19,
// /_matrix/client/v3), r0 (/_matrix/client/r0) and the early Client-Server API
// (/_matrix/client/api/v1, before r0). They differ in the prefix, in how a client authenticates
// (early: the access token in the query string of every request, "which must be used in ALL requests
// to that home server as a query parameter 'access_token'"), in how users and rooms are made, and in
// the event stream (early: /initialSync and the /events long-poll; later: /sync). Suites write paths
// as {api}/..., so that a case written once runs in every dialect whose text has the behaviour.
import type { SpecVersion } from '../../project/spec-versions.js';

export interface Dialect {
  version: SpecVersion;
  /** The client API prefix; `{api}` in a suite path. */
  api: string;
  /** The access token rides in the query string of every request (early), not in a header. */
  tokenInQuery: boolean;
  /** How users register: user-interactive auth with m.login.dummy, or one m.login.password stage. */
  registration: 'uia-dummy' | 'password';
  /** How presence reaches a client: /sync, or /initialSync and the /events long-poll. */
  stream: 'sync' | 'events';
  /** Rooms are created with a preset (r0 and later), or with a visibility (early). */
  roomPresets: boolean;
}

export const DIALECTS: Record<SpecVersion, Dialect> = {
  'v1.19': { version: 'v1.19', api: '/_matrix/client/v3', tokenInQuery: false, registration: 'uia-dummy', stream: 'sync', roomPresets: true },
  r0: { version: 'r0', api: '/_matrix/client/r0', tokenInQuery: false, registration: 'uia-dummy', stream: 'sync', roomPresets: true },
  early: { version: 'early', api: '/_matrix/client/api/v1', tokenInQuery: true, registration: 'password', stream: 'events', roomPresets: false },
};

export function dialectOf(version: SpecVersion): Dialect {
  return DIALECTS[version];
}
