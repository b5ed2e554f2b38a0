// Configuration: defaults, validation errors, the derivation from a target profile, and the
// documentation tables generated from the schema and the catalogues.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG, MOCK_CONFIG_SCHEMA_FILE, mergeConfig, mockConfigFromTarget, readMockConfigFile, resolveConfig } from '../../mock-server/config.js';
import { ConfigError } from '../../project/errors.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import { configTable, errorTable, faultTable, variantTable } from '../../scripts/mock-reference-tables.js';
import { projectRoot } from '../../project/paths.js';

describe('mock configuration', () => {
  it("defaults are Synapse's", () => {
    const c = resolveConfig({});
    expect(c.presence).to.include({ idle_timeout: 300_000, sync_online_timeout: 30_000, last_active_granularity: 60_000 });
    expect(c.rate_limit).to.deep.equal({ enabled: true, per_second: 0.1, burst: 1 });
  });

  it("the schema's defaults are the code's defaults, and its fault enum is the catalogue", () => {
    const schema = JSON.parse(readFileSync(MOCK_CONFIG_SCHEMA_FILE, 'utf8'));
    for (const section of ['registration', 'presence', 'rate_limit', 'legacy', 'limits'] as const) {
      for (const [key, prop] of Object.entries(schema.properties[section].properties as Record<string, { default: unknown }>)) {
        expect(prop.default, `${section}.${key}`).to.deep.equal((DEFAULT_CONFIG[section] as Record<string, unknown>)[key]);
      }
    }
    expect(schema.properties.faults.items.enum).to.deep.equal(FAULT_NAMES);
  });

  it('rejects bad input with every problem named', () => {
    const attempt = () => resolveConfig({ presence: { idle_timeout: -5, bogus: 1 }, faults: ['nope'] } as never, 'x.yaml');
    expect(attempt).to.throw(ConfigError);
    try {
      attempt();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).to.match(/^x\.yaml is invalid:/);
      expect(msg).to.include('presence.idle_timeout: must be >= 1');
      expect(msg).to.include('presence: unknown property "bogus"');
      expect(msg).to.include('faults.0: unknown fault "nope"; known faults: never-idle');
    }
  });

  it('a file may set an option whose variant another layer switches on; the merged configuration decides', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mpc-config-')), 'mock.yaml');
    writeFileSync(file, 'variant_options: { processing_delay: 100 }\n');
    const layer = readMockConfigFile(file);
    expect(resolveConfig(mergeConfig(layer, { variants: ['async-processing'] })).variant_options).to.deep.equal({ processing_delay: 100 });
    expect(() => resolveConfig(layer, file)).to.throw(
      ConfigError,
      `${file} is invalid:\n  variant_options.processing_delay is set, but "async-processing" is not among the variants`,
    );
  });

  it('refuses pre-made users that share a name or a token', () => {
    const users = [
      { localpart: 'a', access_token: 't1' },
      { localpart: 'b', access_token: 't1' },
    ];
    expect(() => resolveConfig({ registration: { users } }, 'x.yaml')).to.throw(
      ConfigError,
      'x.yaml is invalid:\n  registration.users.1.access_token: the same access_token as an earlier user',
    );
    expect(() => resolveConfig({ registration: { users: [{ localpart: 'A!', access_token: 't' }] } }, 'x.yaml')).to.throw(
      ConfigError,
      'registration.users.0.localpart: must match pattern',
    );
  });

  it('derives from a target profile: timers, rate limit, capabilities, faults', () => {
    const profile = parseYaml(`
name: fast
timers: { idle_timeout: 1500, sync_online_timeout: 1500, last_active_granularity: 400, request_timeout: 5000 }
rate_limit: { per_second: 5, burst: 3 }
capabilities: [currently_active, profile_propagation, free_for_chat, presence_list]
mock: { faults: [never-idle] }
`);
    const c = resolveConfig(mockConfigFromTarget(profile));
    expect(c.presence).to.include({ idle_timeout: 1500, sync_online_timeout: 1500, last_active_granularity: 400, profile_propagation: true });
    expect(c.rate_limit).to.deep.equal({ enabled: true, per_second: 5, burst: 3 });
    expect(c.legacy).to.deep.equal({ free_for_chat: true, presence_list: true, presence_list_path: 'per_user' });
    expect(c.faults).to.deep.equal(['never-idle']);
    const bare = resolveConfig(mockConfigFromTarget({ timers: {} }));
    expect(bare.rate_limit.enabled).to.equal(false);
    expect(bare.legacy).to.deep.equal({ free_for_chat: false, presence_list: false, presence_list_path: 'per_user' });
    expect(bare.presence.profile_propagation).to.equal(false);
  });

  it('layers merge deeply, later winning, faults accumulating', () => {
    const merged = mergeConfig(
      { presence: { idle_timeout: 1 }, faults: ['never-idle'] },
      { presence: { sync_online_timeout: 2 }, faults: ['no-rate-limit', 'never-idle'] },
    );
    expect(merged).to.deep.equal({ presence: { idle_timeout: 1, sync_online_timeout: 2 }, faults: ['never-idle', 'no-rate-limit'] });
  });

  describe('docs/mock-catalogue.md (npm run mock-catalogue)', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'mock-catalogue.md'), 'utf8');
    it('contains the configuration table generated from the schema', () => expect(doc).to.include(configTable()));
    it('contains the error catalogue', () => expect(doc).to.include(errorTable()));
    it('contains the fault catalogue', () => expect(doc).to.include(faultTable()));
    it('contains the variant catalogue', () => expect(doc).to.include(variantTable()));
  });
});
