// Releases as the runner reads them: names and aliases, ranges, the highest advertised release, the
// dialect each release speaks, the schemas it is checked against, the cases a target of a release plans,
// and the templates whose value depends on the release.
import { expect } from 'chai';
import { compareReleases, describeRange, familyOf, highestAdvertised, inRange, releaseHas, releaseNamed, RELEASES } from '../../project/releases.js';
import { dialectFor, presenceUserOf, schemaOfRelease } from '../../runner/dialect/dialects.js';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { planRun } from '../../runner/plan/plan.js';
import { render, type TemplateContext } from '../../runner/load/templates.js';

describe('releases', () => {
  it('orders every release, early first and the next version last, and resolves the old names', () => {
    expect(RELEASES[0]).to.equal('early');
    expect(RELEASES.at(-1)).to.equal('v1.20');
    expect(compareReleases('r0.6.1', 'v1.1')).to.be.lessThan(0);
    expect(compareReleases('v1.2', 'v1.10')).to.be.lessThan(0);
    expect([releaseNamed('r0'), releaseNamed('next'), releaseNamed('v1.19'), releaseNamed('early'), releaseNamed('r1')]).to.deep.equal([
      'r0.1.0',
      'v1.20',
      'v1.19',
      'early',
      undefined,
    ]);
    expect(['early', 'r0.0.0', 'r0.6.1', 'v1.1', 'v1.20'].map((r) => familyOf(r as never))).to.deep.equal(['early', 'r0', 'r0', 'v1.19', 'v1.19']);
  });

  it('reads a range as since (inclusive) up to until (exclusive), and says it in words', () => {
    expect(inRange('r0.2.0', { since: 'r0.2.0' })).to.equal(true);
    expect(inRange('r0.1.0', { since: 'r0.2.0' })).to.equal(false);
    expect(inRange('r0.4.0', { until: 'r0.5.0' })).to.equal(true);
    expect(inRange('r0.5.0', { until: 'r0.5.0' })).to.equal(false);
    expect(inRange('early', { until: 'r0.2.0' })).to.equal(true);
    expect([
      describeRange({ since: 'r0.2.0' }),
      describeRange({ until: 'v1.20' }),
      describeRange({ since: 'r0.3.0', until: 'v1.20' }),
      describeRange({}),
    ]).to.deep.equal(['from r0.2.0 on', 'before v1.20', 'from r0.3.0 up to v1.20', undefined]);
  });

  it('takes the highest release a server advertises that it knows', () => {
    expect(highestAdvertised(['r0.0.1', 'v1.1', 'v1.12', 'v1.2', 'r0.6.1'])).to.equal('v1.12');
    expect(highestAdvertised(['v9.9', 'unstable'])).to.equal(undefined);
  });

  it('speaks each release as its text says: token, login, prefix', () => {
    const d = (r: string) => dialectFor(releaseNamed(r)!);
    expect([d('early'), d('r0.0.0'), d('r0.2.0'), d('r0.3.0'), d('r0.6.1'), d('v1.20')].map((x) => [x.api, x.tokenInQuery, x.loginIdentifier])).to.deep.equal([
      ['/_matrix/client/api/v1', true, false],
      ['/_matrix/client/r0', true, false],
      ['/_matrix/client/r0', true, false],
      ['/_matrix/client/r0', false, false],
      ['/_matrix/client/r0', false, true],
      ['/_matrix/client/v3', false, true],
    ]);
    expect(releaseHas('v1.20', 'query_string_token')).to.equal(false);
  });

  it('reads whose presence an event is from sender, else content.user_id', () => {
    expect(presenceUserOf({ sender: '@a:hs', content: { user_id: '@b:hs' } })).to.equal('@a:hs');
    expect(presenceUserOf({ content: { user_id: '@b:hs' } })).to.equal('@b:hs');
    expect(presenceUserOf({ content: {} })).to.equal(undefined);
  });

  it("checks an answer against its release's own schema", () => {
    const of = (alias: string, r: string) => schemaOfRelease(alias, dialectFor(releaseNamed(r)!));
    expect(of('matrix/get-presence-response', 'early')).to.equal('matrix/legacy/early-get-presence-response');
    expect(of('matrix/get-presence-response', 'r0.1.0')).to.equal('matrix/legacy/r0-get-presence-response');
    expect(of('matrix/get-presence-response', 'r0.6.1')).to.equal('matrix/get-presence-response');
    expect(of('matrix/legacy/r0-get-presence-response', 'early')).to.equal('matrix/legacy/early-get-presence-response');
    expect(of('matrix/error', 'early')).to.equal('matrix/error');
  });
});

describe('planning by release', () => {
  const suite = parseSuiteText(
    `title: T
area: a
cases:
  - id: flag
    title: currently_active from r0.2.0
    level: MUST
    clauses: [x]
    since: r0.2.0
    steps: [ { wait: 1 } ]
  - id: old
    title: free_for_chat before r0.2.0
    level: MUST
    clauses: [x]
    until: r0.2.0
    steps: [ { wait: 1 } ]
  - id: shared
    title: co-members, SHOULD on early
    level: MUST
    level_in: { early: SHOULD }
    clauses: [x]
    steps: [ { wait: 1 } ]
`,
    'suites/t.yaml',
  );
  const plan = (specVersion: string) =>
    planRun([suite], parseTargetProfile(`name: t\nspec_version: ${specVersion}\nregistration: { method: dummy }\n`), {}, new Map()).cases.map((p) => [
      p.case.id,
      p.case.level,
      p.skip ?? 'run',
    ]);

  it('skips a case outside its releases, saying which and why', () => {
    expect(plan('r0.1.0')).to.deep.equal([
      ['flag', 'MUST', 'holds from r0.2.0 on; the target implements r0.1.0'],
      ['old', 'MUST', 'run'],
      ['shared', 'MUST', 'run'],
    ]);
    expect(plan('r0').map((c) => c[2])).to.deep.equal(plan('r0.1.0').map((c) => c[2]));
    expect(plan('v1.19').map((c) => c[2])).to.deep.equal(['run', 'holds before r0.2.0; the target implements v1.19', 'run']);
  });

  it("judges a case at its level in the target's text", () => {
    expect(plan('early')).to.deep.equal([
      ['flag', 'MUST', 'holds from r0.2.0 on; the target implements early'],
      ['old', 'MUST', 'run'],
      ['shared', 'SHOULD', 'run'],
    ]);
  });

  it('refuses a spec_version that names no release', () => {
    expect(() => parseTargetProfile('name: t\nspec_version: r0.7.0\nregistration: { method: dummy }\n')).to.throw(/spec_version/);
  });
});

describe('templates by release', () => {
  const ctx = (over: Partial<TemplateContext>): TemplateContext => ({
    actors: { alice: { user_id: '@alice:hs', localpart: 'alice', access_token: 'tok' } },
    rooms: {},
    captured: {},
    server_name: 'hs',
    timers: {},
    api: '/_matrix/client/api/v1',
    ...over,
  });

  it('gives the presence list where the profile says it is served, whole in a path', () => {
    expect(render('{alice.presence_list}', ctx({}), true)).to.equal('/_matrix/client/api/v1/presence/list/%40alice%3Ahs');
    expect(render('{alice.presence_list}', ctx({ presenceListPath: 'own' }), true)).to.equal('/_matrix/client/api/v1/presence/list');
  });

  it('starts a media URL http-scheme in the early API and mxc:// later', () => {
    expect(render('{media_base}/a', ctx({ httpMedia: true }))).to.equal('http://hs/_matrix/media/avatars/a');
    expect(render('{media_base}/a', ctx({}))).to.equal('mxc://hs/a');
  });
});
