// Derives Dendrite's dendrite.yaml from the configuration Dendrite's own `generate-config -ci` writes
// (every option with its default, SQLite files in the data directory) and a target profile: the server
// name, registration the runner can use, presence on, and nothing that ever leaves 127.0.0.1.
//
// Dendrite's presence timers are constants in its code (syncapi/sync/requestpool.go,
// syncapi/types/presence.go at v0.13.8), so unlike Synapse's they cannot be taken from the profile;
// dendriteConfig refuses a profile whose timers claim otherwise, so the profile and the server agree.
//
// CLI (used by scripts/dendrite/start.sh):
//   npx tsx scripts/dendrite/dendrite-config.ts --profile FILE --data-dir DIR --registration-secret S
//       < generated.yaml > dendrite.yaml
import { loadTargetProfile, type TargetProfile } from '../../runner/load/load-target.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { namedArgs } from '../lib/named-args.js';

export interface DendriteSettings {
  /** Absolute directory for the databases, the signing key, the media and the log. */
  dataDir: string;
  /** For /_synapse/admin/v1/register, which Dendrite serves too (`shared_secret` registration). */
  registrationSharedSecret: string;
}

/** Dendrite's fixed presence timers at v0.13.8, in milliseconds, with where they live. */
export const DENDRITE_TIMERS = {
  // syncapi/types/presence.go:77-79: CurrentlyActive is "last active less than 5 minutes ago".
  last_active_granularity: { value: 300_000, where: 'syncapi/types/presence.go:77-79' },
  // syncapi/sync/requestpool.go:92,106-121: a sweep every 5 minutes sets unavailable whoever was last
  // active more than 5 minutes before it, so the change lands 5-10 minutes after the last activity.
  idle_timeout: { value: 600_000, where: 'syncapi/sync/requestpool.go:92,106-121' },
} as const;

type Tree = Record<string, unknown>;

function section(tree: Tree, key: string): Tree {
  const value = tree[key];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`the generated configuration has no "${key}" section: is this Dendrite's generate-config output?`);
  }
  return value as Tree;
}

export function dendriteConfig(generated: Tree, profile: TargetProfile, s: DendriteSettings): Tree {
  for (const [name, timer] of Object.entries(DENDRITE_TIMERS)) {
    const declared = profile.timers[name as keyof typeof DENDRITE_TIMERS];
    if (declared !== timer.value) {
      throw new Error(
        `${profile.source}: timers.${name} is ${declared}, but Dendrite's is fixed at ${timer.value} ms ` + `(${timer.where}); set it to ${timer.value}`,
      );
    }
  }
  if (profile.registration.method !== 'dummy' && profile.registration.method !== 'shared_secret') {
    throw new Error(`${profile.source}: registration.method ${profile.registration.method} is not one this configuration offers (dummy or shared_secret)`);
  }
  const config = structuredClone(generated);
  const global = section(config, 'global');
  global['server_name'] = profile.server_name ?? 'localhost';
  global['private_key'] = `${s.dataDir}/matrix_key.pem`;
  // Never contact another server: no federation API, no key perspectives, no identity servers, no stats.
  global['disable_federation'] = true;
  global['trusted_third_party_id_servers'] = [];
  global['report_stats'] = { enabled: false, endpoint: '' };
  global['presence'] = { enable_inbound: true, enable_outbound: true };
  section(config, 'federation_api')['key_perspectives'] = [];

  const clientApi = section(config, 'client_api');
  // Open registration with m.login.dummy (needs --really-enable-open-registration on the command line)
  // and the shared secret for the `shared_secret` method.
  clientApi['registration_disabled'] = false;
  clientApi['registration_shared_secret'] = profile.registration.shared_secret ?? s.registrationSharedSecret;
  clientApi['guests_disabled'] = true;
  // The per-host limiter would throttle a run's many fresh users; PUT presence has no limit of its own.
  clientApi['rate_limiting'] = { enabled: false, threshold: 20, cooloff_ms: 500, exempt_user_ids: [] };

  // A throw-away server: cheap password hashes keep registering a run's users fast.
  section(config, 'user_api')['bcrypt_cost'] = 4;
  section(config, 'mscs')['mscs'] = [];
  const search = section(section(config, 'sync_api'), 'search');
  search['enabled'] = false;
  config['logging'] = [{ type: 'file', level: 'info', params: { path: `${s.dataDir}/log` } }];
  return config;
}

async function main(): Promise<void> {
  const { need } = namedArgs(process.argv.slice(2));
  const profile = await loadTargetProfile(need('profile'));
  const generated = parse(readFileSync(0, 'utf8')) as unknown;
  if (generated === null || typeof generated !== 'object') throw new Error('standard input is not a YAML mapping (pipe generate-config -ci into it)');
  const config = dendriteConfig(generated as Tree, profile, {
    dataDir: need('data-dir'),
    registrationSharedSecret: need('registration-secret'),
  });
  const header = `# Generated by scripts/dendrite/dendrite-config.ts from ${profile.source} and generate-config -ci; do not edit.\n`;
  process.stdout.write(header + stringify(config));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`dendrite-config: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
