// The mock's configuration: its shape (schemas/mock-config.schema.json is the source of truth; these
// types follow it), Synapse's defaults, validation with clear errors, and the derivation from a target
// profile so that a mock started by hand with `mock --target FILE` matches the embedded one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../project/errors.js';
import { schemasDir } from '../project/paths.js';
import { loadSchemaRegistry } from '../project/schemas.js';
import { familyOf, NEXT_RELEASE, RELEASE_NAMES, releaseNamed, type Release } from '../project/releases.js';
import { FAULT_NAMES } from './faults.js';
import { VARIANT_NAMES, optionsWithoutVariant, variantConflicts, type VariantOptions } from './variants.js';

/** Which API the mock serves: every prefix, each in its own dialect (all), or one release's API alone. */
export type MockSpecVersion = 'all' | Release;

/** What a configuration may name: `all`, a release, or an alias of one (project/releases.ts
 * RELEASE_ALIASES: r0 = r0.1.0, next = v1.20), resolved by resolveConfig. */
export type MockSpecVersionName = MockSpecVersion | 'r0' | 'next';

/** Every name spec_version takes, in the order of the schema's enum. */
export const SPEC_VERSION_NAMES: readonly string[] = ['all', ...RELEASE_NAMES];

/** Where the presence list is served: /presence/list/{userId} (the era's API reference, Synapse) or
 * the bare /presence/list (the caller's own list, as the early text's prose writes it). */
export type PresenceListPath = 'per_user' | 'own';

export interface StaticUserConfig {
  localpart: string;
  access_token: string;
  device_id?: string;
}

export interface MockConfig {
  server_name: string;
  spec_version: MockSpecVersion;
  registration: { enabled: boolean; users: StaticUserConfig[] };
  presence: {
    enabled: boolean;
    idle_timeout: number;
    sync_online_timeout: number;
    last_active_granularity: number;
    profile_propagation: boolean;
    sync_bumps_active: boolean;
    include_offline_on_initial_sync: boolean;
  };
  rate_limit: { enabled: boolean; per_second: number; burst: number };
  legacy: { free_for_chat: boolean; presence_list: boolean; presence_list_path: PresenceListPath };
  limits: { max_body_bytes: number; max_sync_timeout: number };
  faults: string[];
  variants: string[];
  /** As given: only options of variants that are on (Homeserver fills in DEFAULT_VARIANT_OPTIONS). */
  variant_options: Partial<VariantOptions>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type MockConfigInput = Omit<DeepPartial<MockConfig>, 'spec_version'> & { spec_version?: MockSpecVersionName };

// Synapse's defaults: handlers/presence.py IDLE_TIMER (5 min), SYNC_ONLINE_TIMEOUT (30 s),
// LAST_ACTIVE_GRANULARITY (60 s); rc_presence.per_user 0.1/s burst 1 (Synapse config documentation).
export const DEFAULT_CONFIG: MockConfig = {
  server_name: 'localhost',
  spec_version: 'all',
  registration: { enabled: true, users: [] },
  presence: {
    enabled: true,
    idle_timeout: 5 * 60_000,
    sync_online_timeout: 30_000,
    last_active_granularity: 60_000,
    profile_propagation: true,
    sync_bumps_active: true,
    include_offline_on_initial_sync: false,
  },
  rate_limit: { enabled: true, per_second: 0.1, burst: 1 },
  legacy: { free_for_chat: false, presence_list: false, presence_list_path: 'per_user' },
  // Synapse's limit (app/_base.py max_request_body_size: 200 PDUs of 64 KiB), so a 64 KiB status_msg fits.
  limits: { max_body_bytes: 13_107_200, max_sync_timeout: 60_000 },
  faults: [],
  variants: [],
  variant_options: {},
};

export const MOCK_CONFIG_SCHEMA_FILE = join(schemasDir, 'mock-config.schema.json');

let validator: ((data: unknown) => string[]) | undefined;

function getValidator(): (data: unknown) => string[] {
  if (validator) return validator;
  const validate = loadSchemaRegistry().validator('mock-config');
  validator = (data) => {
    if (validate(data)) return [];
    return (validate.errors ?? []).map((e) => {
      const where = e.instancePath === '' ? '(root)' : e.instancePath.slice(1).replace(/\//g, '.');
      const p = e.params as Record<string, unknown>;
      if (e.keyword === 'additionalProperties') return `${where}: unknown property "${String(p.additionalProperty)}"`;
      if (e.keyword === 'enum' && e.instancePath.startsWith('/faults/'))
        return `${where}: unknown fault ${JSON.stringify(data && (data as MockConfig).faults?.[Number(e.instancePath.split('/')[2])])}; known faults: ${FAULT_NAMES.join(', ')}`;
      if (e.keyword === 'enum' && e.instancePath === '/spec_version')
        return `spec_version: unknown spec version ${JSON.stringify((data as MockConfigInput).spec_version)}; accepted: ${SPEC_VERSION_NAMES.join(', ')}`;
      if (e.keyword === 'enum' && e.instancePath.startsWith('/variants/'))
        return `${where}: unknown variant ${JSON.stringify(data && (data as MockConfig).variants?.[Number(e.instancePath.split('/')[2])])}; known variants: ${VARIANT_NAMES.join(', ')}`;
      return `${where}: ${e.message ?? e.keyword}`;
    });
  };
  return validator;
}

/** Validates one layer of configuration (a file, a profile's mock section) against the schema, and its
 * variants against its faults (variants.ts: pairs that decide the same behaviour); throws ConfigError
 * listing every problem. `merged`: the whole configuration, whose variant options must also belong to
 * variants that are on. */
export function validateConfigInput(input: unknown, source = 'mock configuration', merged = false): MockConfigInput {
  let problems = getValidator()(input);
  if (problems.length === 0) {
    const c = (input ?? {}) as MockConfigInput;
    problems = variantConflicts(c.variants ?? [], c.faults ?? []);
    if (merged) problems.push(...optionsWithoutVariant(c.variants ?? [], c.variant_options ?? {}));
  }
  if (problems.length > 0) throw new ConfigError(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  return input as MockConfigInput;
}

/** What the schema cannot say: pre-made users must differ in name and token. */
function checkStaticUsers(users: StaticUserConfig[], source: string): void {
  const seen = { localpart: new Set<string>(), access_token: new Set<string>() };
  for (const [i, user] of users.entries()) {
    for (const key of ['localpart', 'access_token'] as const) {
      if (seen[key].has(user[key])) throw new ConfigError(`${source} is invalid:\n  registration.users.${i}.${key}: the same ${key} as an earlier user`);
      seen[key].add(user[key]);
    }
  }
}

/** `all` or the release a (schema-checked) name stands for. */
function resolveSpecVersion(name: MockSpecVersionName): MockSpecVersion {
  return name === 'all' ? 'all' : releaseNamed(name)!;
}

/** Fills in defaults after validating. */
export function resolveConfig(input: MockConfigInput = {}, source = 'mock configuration'): MockConfig {
  validateConfigInput(input, source, true);
  checkStaticUsers(input.registration?.users ?? [], source);
  return {
    server_name: input.server_name ?? DEFAULT_CONFIG.server_name,
    spec_version: resolveSpecVersion(input.spec_version ?? DEFAULT_CONFIG.spec_version),
    registration: { ...DEFAULT_CONFIG.registration, ...input.registration, users: [...(input.registration?.users ?? [])] },
    presence: { ...DEFAULT_CONFIG.presence, ...input.presence },
    rate_limit: { ...DEFAULT_CONFIG.rate_limit, ...input.rate_limit },
    legacy: { ...DEFAULT_CONFIG.legacy, ...input.legacy },
    limits: { ...DEFAULT_CONFIG.limits, ...input.limits },
    faults: [...(input.faults ?? [])],
    variants: [...(input.variants ?? [])],
    variant_options: { ...input.variant_options },
  };
}

/** A parsed target profile, as far as the mock cares (docs/architecture.md, "Target profile"). */
export interface TargetProfileLike {
  server_name?: string;
  /** As the profile file gives it (a release, an alias, or a family name)... */
  spec_version?: string;
  /** ...or, in a loaded profile, the release it resolved to (which wins). */
  release?: string;
  timers?: { idle_timeout?: number; sync_online_timeout?: number; last_active_granularity?: number };
  rate_limit?: { per_second?: number; burst?: number } | null;
  capabilities?: string[];
  mock?: { faults?: string[]; variants?: string[]; variant_options?: Partial<VariantOptions> };
}

/**
 * The mock configuration a target profile implies: its timers, its rate limit (absent means off), its
 * server name, and the capabilities that switch features (free_for_chat, presence_list,
 * profile_propagation), plus mock.faults, mock.variants and mock.variant_options.
 */
export function mockConfigFromTarget(profile: TargetProfileLike): MockConfigInput {
  const caps = new Set(profile.capabilities ?? []);
  const t = profile.timers ?? {};
  const presence: MockConfigInput['presence'] = { profile_propagation: caps.has('profile_propagation') };
  if (t.idle_timeout !== undefined) presence.idle_timeout = t.idle_timeout;
  if (t.sync_online_timeout !== undefined) presence.sync_online_timeout = t.sync_online_timeout;
  if (t.last_active_granularity !== undefined) presence.last_active_granularity = t.last_active_granularity;
  const config: MockConfigInput = {
    presence,
    rate_limit: profile.rate_limit ? { enabled: true, per_second: profile.rate_limit.per_second, burst: profile.rate_limit.burst } : { enabled: false },
    legacy: { free_for_chat: caps.has('free_for_chat'), presence_list: caps.has('presence_list') },
    faults: [...(profile.mock?.faults ?? [])],
    variants: [...(profile.mock?.variants ?? [])],
  };
  if (profile.mock?.variant_options !== undefined) config.variant_options = { ...profile.mock.variant_options };
  if (profile.server_name !== undefined) config.server_name = profile.server_name;
  const named = profile.release ?? profile.spec_version;
  const release = named === undefined ? undefined : servedAlone(named);
  if (release !== undefined) config.spec_version = release;
  return config;
}

/**
 * The release a profile's spec_version makes the mock serve alone: an early or r0 release (the old
 * family names included: `r0` is r0.1.0) is that release's API alone, and so is the next version,
 * whose API no longer takes the query-string token. A v1.1 ... v1.19 target keeps every prefix (`all`):
 * today's server, which also answers the r0 prefix where the profile claims r0_paths.
 */
function servedAlone(specVersion: string): Release | undefined {
  const release = releaseNamed(specVersion);
  if (release === undefined) return undefined;
  return familyOf(release) !== 'v1.19' || release === NEXT_RELEASE ? release : undefined;
}

/** Deep merge of configuration layers; arrays (faults, variants) are concatenated without duplicates. */
export function mergeConfig(...layers: MockConfigInput[]): MockConfigInput {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) out[key] = [...new Set([...((out[key] as unknown[]) ?? []), ...value])];
      else if (typeof value === 'object' && value !== null) out[key] = { ...(out[key] as object), ...value };
      else out[key] = value;
    }
  }
  return out as MockConfigInput;
}

/** A mock configuration file (YAML or JSON), validated. */
export function readMockConfigFile(file: string): MockConfigInput {
  if (!existsSync(file)) throw new ConfigError(`cannot read mock config ${file}: no such file`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateConfigInput(data ?? {}, file);
}
