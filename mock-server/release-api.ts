// What the API the mock serves looks like, decided once when the Homeserver is built: one release of
// project/releases.ts alone (the facts of its texts, read through releaseHas), or every prefix at once
// (`all`, the mock as it has always been: the current API, with the r0 and early prefixes in their own
// dialects and the older features behind the legacy switches). Handlers read these booleans; none looks
// a release up per request.
import { RELEASES, compareReleases, familyOf, releaseHas, type Release } from '../project/releases.js';
import type { MockConfig } from './config.js';

export interface ReleaseApi {
  /** The release served alone, or undefined for `all`. */
  readonly release: Release | undefined;
  /** The client prefixes served (v3, r0, api/v1, ...); undefined: every one. */
  readonly prefixes: ReadonlySet<string> | undefined;
  /** What GET /versions advertises; undefined: there is no /versions (404 M_UNRECOGNIZED). */
  readonly versions: readonly string[] | undefined;
  /** An `Authorization: Bearer` header is read (the early prefix of `all` never reads it). */
  readonly headerToken: boolean;
  /** The `access_token` query parameter is read. */
  readonly queryToken: boolean;
  /** m.presence has a top-level `sender`. */
  readonly presenceSender: boolean;
  /** m.presence has an `event_id` and names its user in `content.user_id`. */
  readonly presenceEventIdAndUserId: boolean;
  /** Presence content (events, GET, the list) may carry `currently_active`. */
  readonly currentlyActive: boolean;
  /** PUT takes free_for_chat (never under the v1.x prefixes of `all`, which decide per request). */
  readonly freeForChat: boolean;
  /** The values /sync's set_presence takes. */
  readonly setPresenceValues: ReadonlySet<string>;
  /** POST /login reads `identifier`. */
  readonly loginIdentifier: boolean;
  /** The presence list is served, and at which path: per_user (/presence/list/{userId}) or own (/presence/list). */
  readonly presenceList: false | MockConfig['legacy']['presence_list_path'];
  /** createRoom's `preset` (and a `visibility` that implies one) sets the join rule; without presets (the
   * early API) a new room is invite-only until its m.room.join_rules says otherwise. */
  readonly roomPresets: boolean;
}

/** The r0 releases and v1.1 ... v1.19, the releases whose presence rules `all` implements (r0.0.0 had no /versions, and servers
 * list from r0.0.1). */
const ALL_VERSIONS: readonly string[] = [...RELEASES.slice(RELEASES.indexOf('r0.0.1'), RELEASES.indexOf('v1.19') + 1)];

const PREFIXES_OF_FAMILY = {
  early: new Set(['api/v1']),
  r0: new Set(['r0']),
  'v1.19': new Set(['v3', 'v1', 'unstable']),
} as const;

const SET_PRESENCE_ALL: ReadonlySet<string> = new Set(['online', 'unavailable', 'offline']);
// sync.yaml before r0.4.0: set_presence "enum: ["offline"]".
const SET_PRESENCE_OFFLINE_ONLY: ReadonlySet<string> = new Set(['offline']);

/** The API of a resolved configuration. */
export function releaseApi(config: Pick<MockConfig, 'spec_version' | 'legacy'>): ReleaseApi {
  const listPath = config.legacy.presence_list_path;
  if (config.spec_version === 'all') {
    return {
      release: undefined,
      prefixes: undefined,
      versions: ALL_VERSIONS,
      headerToken: true,
      queryToken: true,
      presenceSender: true,
      presenceEventIdAndUserId: false,
      currentlyActive: true,
      freeForChat: config.legacy.free_for_chat,
      setPresenceValues: SET_PRESENCE_ALL,
      loginIdentifier: true,
      presenceList: config.legacy.presence_list && listPath,
      roomPresets: true,
    };
  }
  const release = config.spec_version;
  const has = (feature: Parameters<typeof releaseHas>[1]) => releaseHas(release, feature);
  return {
    release,
    prefixes: PREFIXES_OF_FAMILY[familyOf(release)],
    versions: advertisedBy(release),
    headerToken: has('authorization_header'),
    queryToken: has('query_string_token'),
    presenceSender: has('presence_sender'),
    presenceEventIdAndUserId: has('presence_content_user_id'),
    currentlyActive: has('currently_active'),
    freeForChat: has('free_for_chat'),
    setPresenceValues: has('set_presence_online_unavailable') ? SET_PRESENCE_ALL : SET_PRESENCE_OFFLINE_ONLY,
    loginIdentifier: has('login_identifier'),
    presenceList: has('presence_list') && listPath,
    // The early createRoom takes a `visibility` and no presets; the join rule is a state event of its own.
    roomPresets: release !== 'early',
  };
}

/**
 * GET /versions of a release: none for the early API and r0.0.0 (it came with r0.0.1); otherwise the
 * releases from r0.0.1 up to and including this one, the r0 ones included for a v1.x release as real
 * servers list them (Synapse advertises r0.0.1 ... r0.6.1 beside v1.x).
 */
function advertisedBy(release: Release): readonly string[] | undefined {
  if (compareReleases(release, 'r0.0.1') < 0) return undefined;
  return RELEASES.slice(RELEASES.indexOf('r0.0.1'), RELEASES.indexOf(release) + 1);
}
