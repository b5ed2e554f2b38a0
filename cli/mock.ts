// `matrix-presence-conformance mock`: starts the reference homeserver from a target profile, a mock
// config file and flags (later ones win), prints one readiness line, and stops cleanly on SIGINT/SIGTERM.
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../project/errors.js';
import {
  FAULTS,
  FAULT_NAMES,
  VARIANTS,
  VARIANT_NAMES,
  isFaultName,
  isVariantName,
  mergeConfig,
  mockConfigFromTarget,
  readMockConfigFile,
  resolveConfig,
  SPEC_VERSION_NAMES,
  startMockServer,
  type MockConfigInput,
  type MockSpecVersionName,
  type PresenceListPath,
} from '../mock-server/index.js';
import { loadTargetProfile } from '../runner/index.js';
import { action } from './command.js';

export const READY_PREFIX = 'matrix-presence-conformance mock listening on ';

interface MockOptions {
  host: string;
  port: number;
  target?: string;
  config?: string;
  fault: string[];
  variant: string[];
  serverName?: string;
  specVersion?: MockSpecVersionName;
  presenceListPath?: PresenceListPath;
  idleTimeout?: number;
  syncOnlineTimeout?: number;
  lastActiveGranularity?: number;
  rateLimit?: string | false;
  presence: boolean;
  freeForChat?: boolean;
  presenceList?: boolean;
  listFaults?: boolean;
  listVariants?: boolean;
}

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const ok = /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
    if (!ok)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER ? `${name} must be an integer >= ${min}.` : `${name} must be an integer from ${min} to ${max}.`,
      );
    return Number(value);
  };
}

/** listen() failed (address in use, not permitted, not local, unknown host): the user's input, not a bug. */
class ListenError extends ConfigError {}

function collectFault(value: string, previous: string[]): string[] {
  if (!isFaultName(value)) throw new InvalidArgumentError(`unknown fault "${value}"; known faults: ${FAULT_NAMES.join(', ')}`);
  return [...previous, value];
}

/** Prints a catalogue; a reader that stops early (`| head`) is not an error worth a stack trace. */
function printCatalogue(lines: string[]): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What --spec-version takes: all, or a release or an alias of one (project/releases.ts). */
function specVersionName(value: string): MockSpecVersionName {
  if (!SPEC_VERSION_NAMES.includes(value)) throw new InvalidArgumentError(`unknown spec version "${value}"; accepted: ${SPEC_VERSION_NAMES.join(', ')}`);
  return value as MockSpecVersionName;
}

function collectVariant(value: string, previous: string[]): string[] {
  if (!isVariantName(value)) throw new InvalidArgumentError(`unknown variant "${value}"; known variants: ${VARIANT_NAMES.join(', ')}`);
  return [...previous, value];
}

function flagsLayer(o: MockOptions): MockConfigInput {
  const presence: NonNullable<MockConfigInput['presence']> = {};
  if (o.idleTimeout !== undefined) presence.idle_timeout = o.idleTimeout;
  if (o.syncOnlineTimeout !== undefined) presence.sync_online_timeout = o.syncOnlineTimeout;
  if (o.lastActiveGranularity !== undefined) presence.last_active_granularity = o.lastActiveGranularity;
  if (!o.presence) presence.enabled = false;
  const layer: MockConfigInput = { presence, faults: o.fault, variants: o.variant };
  if (o.serverName !== undefined) layer.server_name = o.serverName;
  if (o.specVersion !== undefined) layer.spec_version = o.specVersion;
  if (o.rateLimit === false) layer.rate_limit = { enabled: false };
  else if (typeof o.rateLimit === 'string') {
    const m = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(o.rateLimit);
    if (!m || Number(m[1]) <= 0 || Number(m[2]) < 1) throw new ConfigError('--rate-limit must be PER_SECOND/BURST, e.g. 0.1/1');
    layer.rate_limit = { enabled: true, per_second: Number(m[1]), burst: Number(m[2]) };
  }
  const legacy: NonNullable<MockConfigInput['legacy']> = {};
  if (o.freeForChat) legacy.free_for_chat = true;
  if (o.presenceList) legacy.presence_list = true;
  if (o.presenceListPath !== undefined) legacy.presence_list_path = o.presenceListPath;
  layer.legacy = legacy;
  return layer;
}

async function runMock(o: MockOptions): Promise<number> {
  if (o.listFaults) {
    printCatalogue(FAULT_NAMES.map((name) => `${name.padEnd(30)} ${FAULTS[name].description}`));
    return 0;
  }
  if (o.listVariants) {
    printCatalogue(VARIANT_NAMES.map((name) => `${name.padEnd(32)} ${VARIANTS[name].description}`));
    return 0;
  }
  const layers: MockConfigInput[] = [];
  // The runner's loader validates the profile against schemas/target.schema.json.
  if (o.target) layers.push(mockConfigFromTarget(await loadTargetProfile(o.target)));
  if (o.config) layers.push(readMockConfigFile(o.config));
  layers.push(flagsLayer(o));
  const config = resolveConfig(mergeConfig(...layers), 'mock configuration');
  let server: Awaited<ReturnType<typeof startMockServer>>;
  try {
    server = await startMockServer({ config, host: o.host, port: o.port });
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : (err as Error).message;
    throw new ListenError(`cannot listen on ${o.host}:${o.port}: ${code}`);
  }
  console.log(`${READY_PREFIX}${server.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

export function registerMockCommand(program: Command): void {
  program
    .command('mock')
    .description('Start the reference mock homeserver (loopback only by default)')
    // A bad flag is one line on stderr (docs/cli.md promises it), not the error plus the whole usage.
    .showHelpAfterError(false)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on; 0 picks a free one', integer('--port', 0, 65535), 0)
    .option('--target <file>', 'target profile (YAML): timers, rate limit, capabilities, mock.faults and mock.variants')
    .option('--config <file>', 'mock configuration file (YAML or JSON, schemas/mock-config.schema.json)')
    .option('--fault <name>', 'switch on a deliberate fault (repeatable; see --list-faults)', collectFault, [])
    .option('--list-faults', 'print the fault catalogue and exit')
    .option('--variant <name>', "switch on a spec-allowed behaviour other than Synapse's (repeatable; see --list-variants)", collectVariant, [])
    .option('--list-variants', 'print the variant catalogue and exit')
    .option('--server-name <name>', 'server name in user and room ids')
    .option(
      '--spec-version <version>',
      'serve every prefix (all, the default) or one release alone: early, r0.0.0 ... r0.6.1, v1.1 ... v1.20, or r0 (= r0.1.0), next (= v1.20)',
      specVersionName,
    )
    .option('--idle-timeout <ms>', 'online -> unavailable after this long without activity', integer('--idle-timeout', 1))
    .option('--sync-online-timeout <ms>', 'offline after this long without syncing', integer('--sync-online-timeout', 1))
    .option('--last-active-granularity <ms>', 'currently_active stays true this long', integer('--last-active-granularity', 1))
    .option('--rate-limit <rate/burst>', 'PUT presence rate limit, e.g. 0.1/1')
    .option('--no-rate-limit', 'switch rate limiting off')
    .option('--no-presence', 'presence disabled, as Synapse with presence.enabled: false')
    .addOption(new Option('--free-for-chat', 'accept the r0 free_for_chat state'))
    .addOption(new Option('--presence-list', 'serve the early spec presence list'))
    .addOption(
      new Option('--presence-list-path <path>', 'where the presence list is: per_user (/presence/list/{userId}, the default) or own (/presence/list)').choices([
        'per_user',
        'own',
      ]),
    )
    .action(action('mock: ', runMock));
}
