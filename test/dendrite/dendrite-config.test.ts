// Dendrite's dendrite.yaml is derived by scripts/dendrite/dendrite-config.ts from Dendrite's own
// `generate-config -ci` output and fixtures/targets/dendrite.yaml; these checks need no Dendrite (the
// real run is `npm run dendrite`). A skeleton of the generated configuration stands in for it here.
import { expect } from 'chai';
import { join } from 'node:path';
import { DENDRITE_TIMERS, dendriteConfig, type DendriteSettings } from '../../scripts/dendrite/dendrite-config.js';
import { loadTargetProfile, type TargetProfile } from '../../runner/load/load-target.js';
import { loadExpectations } from '../../runner/load/expectations.js';
import { projectRoot } from '../../project/paths.js';
import { loadAllCases, readClauseCatalogue } from '../suites/suite-catalogue.js';

const settings: DendriteSettings = { dataDir: '/tmp/dendrite-data', registrationSharedSecret: 'reg' };
const profileFile = join(projectRoot, 'fixtures', 'targets', 'dendrite.yaml');

/** The sections of generate-config -ci output that the derivation touches, with its values. */
function generated(): Record<string, unknown> {
  return {
    version: 2,
    global: {
      server_name: 'localhost',
      private_key: 'matrix_key.pem',
      disable_federation: false,
      presence: { enable_inbound: true, enable_outbound: true },
      trusted_third_party_id_servers: ['matrix.org'],
      jetstream: { in_memory: true },
    },
    client_api: { registration_disabled: false, registration_shared_secret: 'complement', guests_disabled: false, rate_limiting: { enabled: false } },
    federation_api: { key_perspectives: [], send_max_retries: 16 },
    user_api: { bcrypt_cost: 4 },
    mscs: { mscs: ['msc2836', 'msc2444', 'msc2753'] },
    sync_api: { search: { enabled: true, in_memory: true } },
    logging: [{ type: 'std', level: 'trace' }],
  };
}

describe('dendrite config', () => {
  let profile: TargetProfile;
  before(async () => {
    profile = await loadTargetProfile(profileFile);
  });

  it("the dendrite profile is valid and states Dendrite's fixed timers", () => {
    expect(profile.name).to.equal('dendrite');
    expect(profile.registration.method).to.equal('dummy');
    for (const [name, timer] of Object.entries(DENDRITE_TIMERS)) {
      expect(profile.timers[name as keyof typeof DENDRITE_TIMERS], name).to.equal(timer.value);
    }
    // Dendrite has no PUT presence rate limit and never sets a silent user offline.
    expect(profile.rate_limit).to.equal(undefined);
    expect(profile.capabilities).not.to.include('sync_online_timeout');
  });

  it('the r0 profile runs against the same server configuration, judged by the r0 text', async () => {
    const r0 = await loadTargetProfile(join(projectRoot, 'fixtures', 'targets', 'dendrite-r0.yaml'));
    expect(r0.spec_version).to.equal('r0');
    expect(dendriteConfig(generated(), r0, settings)).to.deep.equal(dendriteConfig(generated(), profile, settings));
    expect(r0.expectations).to.match(/dendrite-r0\.yaml$/);
  });

  it("every expectation of Dendrite (v1.19 and r0) names its clauses, the words of the texts and Dendrite's source lines", async () => {
    const r0 = await loadTargetProfile(join(projectRoot, 'fixtures', 'targets', 'dendrite-r0.yaml'));
    const expectations = new Map([...(await loadExpectations(profile.expectations!)), ...(await loadExpectations(r0.expectations!))]);
    const clauses = new Set(readClauseCatalogue().clauses.map((c) => c.id));
    const cases = new Map((await loadAllCases()).map((c) => [c.fullId, c]));
    expect(expectations.size).to.be.greaterThan(0);
    for (const [id, e] of expectations) {
      expect(e.reason, id).to.match(/^DEVIATION/);
      expect(e.clauses, id).to.be.an('array').with.length.above(0);
      expect(cases.has(id), `${id} is a case of the suites`).to.equal(true);
      for (const clause of e.clauses!) {
        expect(clauses.has(clause), `${id}: clause ${clause}`).to.equal(true);
        // The clause broken is one the case is traced to, so the per-clause tables agree with the file.
        expect(cases.get(id)!.clauses, `${id}: clause ${clause} is the case's`).to.include(clause);
      }
      expect(e.quote, id).to.be.a('string').and.match(/:\d+/);
      expect(e.source, id).to.be.an('array').with.length.above(0);
      for (const line of e.source!) expect(line, id).to.match(/^[a-z/_]+\.go:\d+(-\d+)?$/);
    }
  });

  it('switches presence on, opens dummy registration with a shared secret, and keeps to loopback', () => {
    const config = dendriteConfig(generated(), profile, settings) as Record<string, Record<string, unknown>>;
    expect(config['global']!['presence']).to.deep.equal({ enable_inbound: true, enable_outbound: true });
    expect(config['global']!['disable_federation']).to.equal(true);
    expect(config['global']!['trusted_third_party_id_servers']).to.deep.equal([]);
    expect(config['global']!['report_stats']).to.deep.equal({ enabled: false, endpoint: '' });
    expect(config['global']!['private_key']).to.equal('/tmp/dendrite-data/matrix_key.pem');
    expect(config['federation_api']!['key_perspectives']).to.deep.equal([]);
    expect(config['client_api']!['registration_disabled']).to.equal(false);
    expect(config['client_api']!['registration_shared_secret']).to.equal('reg');
    expect((config['client_api']!['rate_limiting'] as { enabled: boolean }).enabled).to.equal(false);
    expect(config['mscs']!['mscs']).to.deep.equal([]);
    expect(config['logging']).to.deep.equal([{ type: 'file', level: 'info', params: { path: '/tmp/dendrite-data/log' } }]);
    // What the derivation does not touch stays as generated.
    expect(config['federation_api']!['send_max_retries']).to.equal(16);
    expect((config['global']!['jetstream'] as { in_memory: boolean }).in_memory).to.equal(true);
  });

  it('takes the server name and a shared secret from the profile when it has them', () => {
    const custom = { ...profile, server_name: 'hs.test', registration: { method: 'shared_secret' as const, shared_secret: 'from-profile' } };
    const config = dendriteConfig(generated(), custom, settings) as Record<string, Record<string, unknown>>;
    expect(config['global']!['server_name']).to.equal('hs.test');
    expect(config['client_api']!['registration_shared_secret']).to.equal('from-profile');
  });

  it("refuses a profile whose timers are not Dendrite's, saying which value to write", () => {
    const wrong = { ...profile, timers: { ...profile.timers, last_active_granularity: 8_000 } };
    expect(() => dendriteConfig(generated(), wrong, settings)).to.throw(
      /timers\.last_active_granularity is 8000, but Dendrite's is fixed at 300000 ms \(syncapi\/types\/presence\.go:77-79\); set it to 300000/,
    );
  });

  it("refuses input that is not Dendrite's generated configuration", () => {
    expect(() => dendriteConfig({ version: 2 }, profile, settings)).to.throw(/no "global" section: is this Dendrite's generate-config output\?/);
  });
});
