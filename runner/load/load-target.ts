// Loads a target profile (schemas/target.schema.json): YAML with positions, schema validation, default
// timers, and paths resolved relative to the profile file.
import { dirname, join, resolve } from 'node:path';
import { targetsDir } from '../../project/paths.js';
import { ConfigError } from '../../project/errors.js';
import { familyOf, releaseNamed, type Release } from '../../project/releases.js';
import type { SpecVersion } from '../../project/spec-versions.js';
import type { PresenceListPath } from './templates.js';
import { readYamlFile, parseYamlText } from '../../project/yaml-source.js';
import { assertFormat } from './format-schemas.js';

export type Capability =
  | 'currently_active'
  | 'currently_active_flip'
  | 'idle_timeout'
  | 'sync_online_timeout'
  | 'rate_limit'
  | 'message_activity'
  | 'profile_propagation'
  | 'presence_filter'
  | 'query_string_token'
  | 'r0_paths'
  | 'free_for_chat'
  | 'presence_list';

export interface StaticUser {
  user_id: string;
  access_token: string;
  device_id?: string;
}

export interface Registration {
  method: 'dummy' | 'shared_secret' | 'static';
  shared_secret?: string;
  users?: StaticUser[];
}

/** Milliseconds. Every timer is present after loading (missing ones take their defaults). */
export interface Timers {
  idle_timeout: number;
  sync_online_timeout: number;
  last_active_granularity: number;
  request_timeout: number;
  sync_poll_timeout: number;
  delivery_deadline: number;
  visibility_deadline: number;
  last_active_precision: number;
  [name: string]: number;
}

export interface TargetProfile {
  name: string;
  description?: string;
  /** The API family of the release: its prefix, its event stream, its spec text (v1.19, r0, early). */
  spec_version: SpecVersion;
  /** The release the profile names (spec_version in the file, aliases resolved): its dialect and ranges. */
  release: Release;
  server_name?: string;
  /** Where the early presence list is served (profile init finds it): per_user (default) or own. */
  presence_list_path?: PresenceListPath;
  registration: Registration;
  timers: Timers;
  rate_limit?: { per_second: number; burst: number; counts_sync?: boolean };
  capabilities: Capability[];
  /** Values never to show in a report or log, besides those the runner knows to be secret. */
  secrets?: string[];
  /** Absolute path of the expectations file, when the profile names one. */
  expectations?: string;
  /** The embedded mock's faults and variants (variant_options as given). */
  mock: { faults: string[]; variants: string[]; variant_options?: Record<string, number> };
  /** The profile file as shown to the user, or "(inline)". */
  source: string;
  /** The generic profile (GENERIC_TARGET): the run says what using it means. */
  generic?: boolean;
}

/** The profile of `run --homeserver URL` without --target: it claims no optional behaviour. */
export const GENERIC_TARGET = join(targetsDir, 'generic.yaml');

/**
 * Defaults for timers a profile leaves out: Synapse's presence defaults for the server's timers
 * (synapse/handlers/presence.py: IDLE_TIMER 5 min, SYNC_ONLINE_TIMEOUT 30 s,
 * LAST_ACTIVE_GRANULARITY 60 s) and generous limits for the runner's own.
 */
export const DEFAULT_TIMERS: Timers = {
  idle_timeout: 300_000,
  sync_online_timeout: 30_000,
  last_active_granularity: 60_000,
  request_timeout: 10_000,
  sync_poll_timeout: 1_000,
  delivery_deadline: 10_000,
  visibility_deadline: 2_000,
  last_active_precision: 1_000,
};

/** The rate limit's numbers, by the names suite expressions use for them. */
export const RATE_LIMIT_NAMES = ['rate_limit_burst', 'rate_limit_per_second'];

/** The values suite expressions may name: the timers, and the rate limit's numbers when there is one. */
export function expressionVariables(profile: Pick<TargetProfile, 'timers' | 'rate_limit'>): Record<string, number> {
  const rate: Record<string, number> = profile.rate_limit
    ? { rate_limit_burst: profile.rate_limit.burst, rate_limit_per_second: profile.rate_limit.per_second }
    : {};
  return { ...profile.timers, ...rate };
}

type RawProfile = Omit<TargetProfile, 'timers' | 'capabilities' | 'mock' | 'spec_version' | 'release' | 'source'> & {
  timers?: Partial<Timers>;
  capabilities?: Capability[];
  mock?: { faults?: string[]; variants?: string[]; variant_options?: Record<string, number> };
  spec_version?: string;
};

function normalise(raw: RawProfile, source: string, baseDir: string): TargetProfile {
  const name = raw.spec_version ?? 'v1.19';
  const release = releaseNamed(name);
  // The schema's enum refuses an unknown name first; this guards a profile built in code.
  if (release === undefined) throw new ConfigError(`${source}: spec_version ${name} is not a release this project knows`);
  return {
    ...raw,
    spec_version: familyOf(release),
    release,
    timers: { ...DEFAULT_TIMERS, ...(raw.timers ?? {}) } as Timers,
    capabilities: raw.capabilities ?? [],
    expectations: raw.expectations === undefined ? undefined : resolve(baseDir, raw.expectations),
    mock: {
      faults: raw.mock?.faults ?? [],
      variants: raw.mock?.variants ?? [],
      ...(raw.mock?.variant_options ? { variant_options: raw.mock.variant_options } : {}),
    },
    source,
  };
}

/** Throws ConfigError with `file:line:col: ...` when the file is unreadable, not YAML, or off-schema. */
export async function loadTargetProfile(file: string): Promise<TargetProfile> {
  const source = await readYamlFile(file);
  assertFormat('target', source);
  const profile = normalise(source.data as RawProfile, source.file, dirname(resolve(file)));
  return resolve(file) === GENERIC_TARGET ? { ...profile, generic: true } : profile;
}

/** The same from YAML text (tests, or a profile given inline); relative paths resolve against baseDir. */
export function parseTargetProfile(text: string, name = '(inline)', baseDir = process.cwd()): TargetProfile {
  const source = parseYamlText(text, name);
  assertFormat('target', source);
  return normalise(source.data as RawProfile, name, baseDir);
}
