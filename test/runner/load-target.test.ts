import { expect } from 'chai';
import { join } from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { loadTargetProfile, parseTargetProfile, DEFAULT_TIMERS } from '../../runner/load/load-target.js';
import { ConfigError } from '../../project/errors.js';
import { targetsDir } from '../../project/paths.js';

describe('target profiles', () => {
  it('loads the default mock profile with every timer', async () => {
    const profile = await loadTargetProfile(join(targetsDir, 'mock.yaml'));
    expect(profile.name).to.equal('mock');
    expect(profile.registration.method).to.equal('dummy');
    expect(profile.timers.idle_timeout).to.be.lessThan(profile.timers.sync_online_timeout);
    expect(profile.capabilities).to.include('currently_active');
  });

  it('fills defaults and resolves the expectations path against the profile file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-target-'));
    await writeFile(join(dir, 'p.yaml'), 'name: p\nregistration: { method: dummy }\nexpectations: ../e.yaml\n');
    const profile = await loadTargetProfile(join(dir, 'p.yaml'));
    expect(profile.timers).to.deep.equal(DEFAULT_TIMERS);
    expect(profile.spec_version).to.equal('v1.19');
    expect(profile.expectations).to.equal(join(dir, '..', 'e.yaml'));
  });

  it('names file, line and column of schema violations', () => {
    const text = 'name: x\nregistration:\n  method: static\ntimers:\n  idle_timeout: -1\n  idel_timeout: 2\n';
    expect(() => parseTargetProfile(text, 'bad.yaml'))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/^bad\.yaml:\d+:\d+: /m)
      .and.includes('bad.yaml:5:3: target /timers/idle_timeout: got -1')
      .and.includes('bad.yaml:6:3: target /timers/idel_timeout: got 2, want nothing')
      .and.includes('/registration/users: got nothing, want property users');
  });

  it('requires the shared secret for shared_secret registration', () => {
    expect(() => parseTargetProfile('name: x\nregistration: { method: shared_secret }\n')).to.throw(/want property shared_secret/);
  });

  it('reports YAML syntax errors with a position', () => {
    expect(() => parseTargetProfile('name: x\n  y: [\n', 'broken.yaml')).to.throw(ConfigError, /^broken\.yaml:\d+:\d+: invalid YAML/);
  });

  it('reports a missing file without a stack trace', async () => {
    const err = await loadTargetProfile('/nonexistent/profile.yaml').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.equal('/nonexistent/profile.yaml: cannot read: no such file');
  });
});
