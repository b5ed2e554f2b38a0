// Derives a Synapse homeserver.yaml from a target profile, so that the server under test runs with
// exactly the presence timers and rate limit the profile declares (and the suite relies on).
//
// CLI (used by scripts/synapse/start.sh):
//   npx tsx scripts/synapse/homeserver-config.ts --profile FILE --port N --data-dir DIR
//       --registration-secret S --macaroon-secret S --form-secret S [--bind ADDR] [--log console]
//       > homeserver.yaml
// --bind 0.0.0.0 and --log console serve a Synapse container in CI (docs/ci.md): reachable from the
// job's container, logging to its own output.
import { loadTargetProfile, type TargetProfile } from '../../runner/load/load-target.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { namedArgs } from '../lib/named-args.js';

export interface SynapseSettings {
  /** TCP port on 127.0.0.1 for the client API. */
  port: number;
  /** Directory *inside the chroot* for the database, keys, media and logs. */
  dataDir: string;
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
  /** The address the client listener binds (default 127.0.0.1; a container in CI needs 0.0.0.0). */
  bind?: string;
  /** Log to Synapse's console instead of a file in the data directory. */
  logToConsole?: boolean;
}

/** A rate limit so generous that no number of fresh users or rooms in a run can reach it. */
const UNLIMITED = { per_second: 10_000, burst_count: 100_000 };

export function homeserverConfig(profile: TargetProfile, s: SynapseSettings): Record<string, unknown> {
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65_535) {
    throw new Error(`port must be an integer between 1 and 65535, got ${String(s.port)}`);
  }
  const { idle_timeout, sync_online_timeout, last_active_granularity } = profile.timers;
  // Synapse refuses to start otherwise (synapse/config/server.py), so say it in the profile's terms.
  if (idle_timeout <= last_active_granularity) {
    throw new Error(
      `${profile.source}: timers.idle_timeout (${idle_timeout}) must be greater than ` +
        `timers.last_active_granularity (${last_active_granularity}) for Synapse`,
    );
  }
  if (sync_online_timeout <= 0 || last_active_granularity <= 0) {
    throw new Error(`${profile.source}: Synapse needs positive sync_online_timeout and last_active_granularity`);
  }
  const rate = profile.rate_limit ?? { per_second: 0.1, burst: 1 }; // Synapse's own rc_presence default
  const registrationSecret = profile.registration.shared_secret ?? s.registrationSharedSecret;
  return {
    server_name: profile.server_name ?? 'localhost',
    public_baseurl: `http://127.0.0.1:${s.port}/`,
    pid_file: `${s.dataDir}/homeserver.pid`,
    // One plain-HTTP listener on loopback with the client API only: no federation resource at all.
    listeners: [
      {
        port: s.port,
        bind_addresses: [s.bind ?? '127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client'], compress: false }],
      },
    ],
    database: { name: 'sqlite3', args: { database: `${s.dataDir}/homeserver.db` } },
    ...(s.logToConsole ? {} : { log_config: `${s.dataDir}/log.config` }),
    media_store_path: `${s.dataDir}/media`,
    signing_key_path: `${s.dataDir}/signing.key`,
    report_stats: false,
    enable_metrics: false,
    // Never contact another server: no key servers, an empty federation allow-list, no URL previews.
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    federation_domain_whitelist: [],
    url_preview_enabled: false,
    allow_guest_access: false,
    // Open registration with the m.login.dummy flow (the profile's `dummy` method), plus the shared
    // secret for the admin API (`shared_secret` method).
    enable_registration: true,
    enable_registration_without_verification: true,
    registration_shared_secret: registrationSecret,
    // A throw-away server: cheap password hashes keep registering a run's hundreds of users fast
    // (the default 12 rounds cost ~0.3 s of CPU each and made parallel registrations take seconds).
    bcrypt_rounds: 4,
    macaroon_secret_key: s.macaroonSecretKey,
    form_secret: s.formSecret,
    presence: {
      enabled: true,
      idle_timeout,
      sync_online_timeout,
      last_active_granularity,
    },
    // The one limit the suite measures (PUT /presence, per user) ...
    rc_presence: { per_user: { per_second: rate.per_second, burst_count: rate.burst } },
    // ... and every other limit out of the way of a run's many fresh users, rooms and messages.
    rc_message: UNLIMITED,
    rc_registration: UNLIMITED,
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    rc_joins_per_room: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
    rc_room_creation: UNLIMITED,
    rc_3pid_validation: UNLIMITED,
  };
}

/** Python logging config: INFO to a file in the data directory (start.sh shows its tail on failure). */
export function logConfig(dataDir: string): Record<string, unknown> {
  return {
    version: 1,
    formatters: { precise: { format: '%(asctime)s %(levelname)s %(name)s %(request)s %(message)s' } },
    filters: { context: { '()': 'synapse.logging.context.LoggingContextFilter', request: '' } },
    handlers: {
      file: {
        class: 'logging.FileHandler',
        filename: `${dataDir}/homeserver.log`,
        formatter: 'precise',
        filters: ['context'],
      },
    },
    root: { level: 'INFO', handlers: ['file'] },
    disable_existing_loggers: false,
  };
}

async function main(): Promise<void> {
  const { args, need } = namedArgs(process.argv.slice(2));
  const profile = await loadTargetProfile(need('profile'));
  const dataDir = need('data-dir');
  const config = homeserverConfig(profile, {
    port: Number(need('port')),
    dataDir,
    registrationSharedSecret: need('registration-secret'),
    macaroonSecretKey: need('macaroon-secret'),
    formSecret: need('form-secret'),
    ...(args['bind'] ? { bind: args['bind'] } : {}),
    logToConsole: args['log'] === 'console',
  });
  const what = args['what'] ?? 'homeserver';
  const header = `# Generated by scripts/synapse/homeserver-config.ts from ${profile.source}; do not edit.\n`;
  process.stdout.write(header + stringify(what === 'log' ? logConfig(dataDir) : config));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`homeserver-config: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
