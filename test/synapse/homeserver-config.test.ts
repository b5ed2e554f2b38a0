// The homeserver.yaml that scripts/synapse/start.sh gives Synapse is derived from the target profile;
// these checks need no Synapse (the live checks are in live.synapse.ts, run separately).
import { expect } from 'chai';
import { join } from 'node:path';
import { homeserverConfig, type SynapseSettings } from '../../scripts/synapse/homeserver-config.js';
import { loadTargetProfile, parseTargetProfile } from '../../runner/load/load-target.js';
import { loadExpectations } from '../../runner/load/expectations.js';
import { projectRoot } from '../../project/paths.js';

const settings: SynapseSettings = {
  port: 8123,
  dataDir: '/srv/synapse',
  registrationSharedSecret: 'reg',
  macaroonSecretKey: 'mac',
  formSecret: 'form',
};
const profileFile = join(projectRoot, 'fixtures', 'targets', 'synapse.yaml');

describe('synapse homeserver config', () => {
  it('the synapse profile and its expectations file are valid', async () => {
    const profile = await loadTargetProfile(profileFile);
    expect(profile.name).to.equal('synapse');
    expect(profile.registration.method).to.equal('dummy');
    expect(profile.expectations).to.be.a('string');
    await loadExpectations(profile.expectations!);
  });

  it('the r0 profile runs against the same server configuration, judged by the r0 text', async () => {
    const v1 = await loadTargetProfile(profileFile);
    const r0 = await loadTargetProfile(join(projectRoot, 'fixtures', 'targets', 'synapse-r0.yaml'));
    expect(r0.spec_version).to.equal('r0');
    expect(homeserverConfig(r0, settings)).to.deep.equal(homeserverConfig(v1, settings));
    expect(r0.expectations).to.match(/synapse-r0\.yaml$/);
    await loadExpectations(r0.expectations!);
  });

  it('takes the presence timers and the PUT /presence rate limit from the profile', async () => {
    const profile = await loadTargetProfile(profileFile);
    const config = homeserverConfig(profile, settings);
    expect(config['presence']).to.deep.equal({
      enabled: true,
      idle_timeout: profile.timers.idle_timeout,
      sync_online_timeout: profile.timers.sync_online_timeout,
      last_active_granularity: profile.timers.last_active_granularity,
    });
    expect(config['rc_presence']).to.deep.equal({
      per_user: { per_second: profile.rate_limit!.per_second, burst_count: profile.rate_limit!.burst },
    });
  });

  it('listens on 127.0.0.1 only, serves the client API only and trusts no key server', async () => {
    const config = homeserverConfig(await loadTargetProfile(profileFile), settings);
    expect(config['listeners']).to.deep.equal([
      {
        port: 8123,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client'], compress: false }],
      },
    ]);
    expect(config['trusted_key_servers']).to.deep.equal([]);
    expect(config['federation_domain_whitelist']).to.deep.equal([]);
  });

  it('opens m.login.dummy registration and keeps a shared secret', async () => {
    const config = homeserverConfig(await loadTargetProfile(profileFile), settings);
    expect(config['enable_registration']).to.equal(true);
    expect(config['enable_registration_without_verification']).to.equal(true);
    expect(config['registration_shared_secret']).to.equal('reg');
  });

  it("uses the profile's shared secret when it has one", () => {
    const profile = parseTargetProfile('name: s\nregistration: { method: shared_secret, shared_secret: sesame }\n');
    expect(homeserverConfig(profile, settings)['registration_shared_secret']).to.equal('sesame');
  });

  it('refuses an idle_timeout not above last_active_granularity, as Synapse would', () => {
    const profile = parseTargetProfile('name: s\nregistration: { method: dummy }\ntimers: { idle_timeout: 1000, last_active_granularity: 1000 }\n');
    expect(() => homeserverConfig(profile, settings)).to.throw(/idle_timeout \(1000\) must be greater than/);
  });

  it('refuses a port outside 1..65535', () => {
    const profile = parseTargetProfile('name: s\nregistration: { method: dummy }\n');
    expect(() => homeserverConfig(profile, { ...settings, port: 0 })).to.throw(/port must be an integer/);
    expect(() => homeserverConfig(profile, { ...settings, port: Number.NaN })).to.throw(/port must be an integer/);
  });
});
