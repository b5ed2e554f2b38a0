// The releases of the Client-Server API a target profile can name (spec_version), in order, and the
// presence-related features whose presence changed from one release to the next. A release belongs to
// one of the three API families the runner speaks (project/spec-versions.ts): the early API before r0,
// the r0 releases (/_matrix/client/r0) and the v1 releases (/_matrix/client/v3). Cases and clauses
// carry ranges of releases (since / until); every range a schema of the spec's history can show is
// confirmed against the history bundle by test/project/release-ranges.test.ts.
import type { SpecVersion } from './spec-versions.js';

/** Every release, oldest first. v1.20 is the next version, as the spec's main branch publishes it. */
export const RELEASES = [
  'early',
  'r0.0.0',
  'r0.0.1',
  'r0.1.0',
  'r0.2.0',
  'r0.3.0',
  'r0.4.0',
  'r0.5.0',
  'r0.6.0',
  'r0.6.1',
  'v1.1',
  'v1.2',
  'v1.3',
  'v1.4',
  'v1.5',
  'v1.6',
  'v1.7',
  'v1.8',
  'v1.9',
  'v1.10',
  'v1.11',
  'v1.12',
  'v1.13',
  'v1.14',
  'v1.15',
  'v1.16',
  'v1.17',
  'v1.18',
  'v1.19',
  'v1.20',
] as const;

export type Release = (typeof RELEASES)[number];

/** The version after the newest release: what the spec's main branch describes as "changed in v1.20". */
export const NEXT_RELEASE: Release = 'v1.20';

/**
 * Names a profile may give instead of a release, kept for what they named before releases were told
 * apart: `r0` is the era of the seed r0 text (the presence module of r0.0.0 and r0.1.0, whose features
 * r0.2.0 replaced), `next` the version after v1.19. `early` and `v1.19` are releases themselves.
 */
export const RELEASE_ALIASES: Readonly<Record<string, Release>> = { r0: 'r0.1.0', next: NEXT_RELEASE };

export function isRelease(value: string): value is Release {
  return (RELEASES as readonly string[]).includes(value);
}

/** A release or an alias of one; undefined when the name is neither. */
export function releaseNamed(name: string): Release | undefined {
  return isRelease(name) ? name : RELEASE_ALIASES[name];
}

/** Every name a profile, a case or an option may use for a release, for messages and schemas. */
export const RELEASE_NAMES: readonly string[] = [...RELEASES, ...Object.keys(RELEASE_ALIASES)];

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareReleases(a: Release, b: Release): number {
  return RELEASES.indexOf(a) - RELEASES.indexOf(b);
}

/** The API family a release is served in: its prefix, its way of streaming events, its texts' rules. */
export function familyOf(release: Release): SpecVersion {
  if (release === 'early') return 'early';
  return release.startsWith('r0.') ? 'r0' : 'v1.19';
}

/** A range of releases: from `since` (inclusive) up to `until` (the first release without it). */
export interface ReleaseRange {
  since?: Release;
  until?: Release;
}

export function inRange(release: Release, range: ReleaseRange): boolean {
  if (range.since && compareReleases(release, range.since) < 0) return false;
  if (range.until && compareReleases(release, range.until) >= 0) return false;
  return true;
}

/** "from r0.2.0 on", "before r0.2.0", "from r0.3.0 up to v1.20"; undefined for an open range. */
export function describeRange(range: ReleaseRange): string | undefined {
  if (range.since && range.until) return `from ${range.since} up to ${range.until}`;
  if (range.since) return `from ${range.since} on`;
  if (range.until) return `before ${range.until}`;
  return undefined;
}

/**
 * The highest release a server advertises in GET /versions that this project knows, or undefined when
 * it advertises none (an early server has no /versions).
 */
export function highestAdvertised(versions: string[]): Release | undefined {
  const known = versions.filter(isRelease).sort(compareReleases);
  return known.at(-1);
}

/**
 * The presence-related features whose existence changed between releases, each with its range and
 * where the spec's history shows it. `schema` features are confirmed against every release tree of the
 * history bundle by a test; `prose` ones are quoted from the release's text.
 */
export const RELEASE_FEATURES = {
  /** m.presence has a top-level `sender` and requires it. */
  presence_sender: { since: 'r0.4.0', shown_by: 'schema' },
  /** m.presence requires `event_id` and `content.user_id` (the user whose presence it is). */
  presence_content_user_id: { until: 'r0.4.0', shown_by: 'schema' },
  /** m.presence content may carry `currently_active`. */
  currently_active: { since: 'r0.2.0', shown_by: 'schema' },
  /** free_for_chat is a presence state a client may set. */
  free_for_chat: { until: 'r0.2.0', shown_by: 'schema' },
  /** /sync's set_presence accepts online and unavailable (before: offline only). */
  set_presence_online_unavailable: { since: 'r0.4.0', shown_by: 'schema' },
  /** /login takes an `identifier` object (before: `user`, or `medium` and `address`). */
  login_identifier: { since: 'r0.4.0', shown_by: 'schema' },
  /** The access token may ride in an `Authorization: Bearer` header. */
  authorization_header: { since: 'r0.3.0', shown_by: 'prose' },
  /** The access token may ride in the query string (`access_token`). */
  query_string_token: { until: 'v1.20', shown_by: 'schema' },
  /** GET/POST {api}/presence/list/{userId}: the presence list (early and the r0 releases before r0.5.0). */
  presence_list: { until: 'r0.5.0', shown_by: 'schema' },
} as const satisfies Record<string, ReleaseRange & { shown_by: 'schema' | 'prose' }>;

export type ReleaseFeature = keyof typeof RELEASE_FEATURES;

/** Whether a release has a feature of RELEASE_FEATURES. */
export function releaseHas(release: Release, feature: ReleaseFeature): boolean {
  return inRange(release, RELEASE_FEATURES[feature]);
}
