// `profile init` against the reference mock in several configurations: each probe claims what the mock
// does and nothing it does not, with evidence, and the written profile gives a green run against the
// same mock (or the one clear stop). These are the issue's "done when" checks, end to end.
import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../project/errors.js';
import { loadTargetProfile, parseTargetProfile } from '../../runner/load/load-target.js';
import { probeServer, type ProbeReport } from '../../runner/probe/probe-server.js';
import { writeProfile } from '../../runner/probe/profile-writer.js';
import { runSuites } from '../../runner/index.js';
import { FAST_TIMERS, staticUsers, withMock } from './helpers.js';

function claimed(report: ProbeReport): string[] {
  return report.capabilities
    .filter((f) => f.claimed)
    .map((f) => f.capability)
    .sort();
}

function conclusion(report: ProbeReport, topic: string): string {
  const f = report.findings.find((x) => x.topic === topic);
  expect(f, `a finding on ${topic}`).to.not.equal(undefined);
  return f!.conclusion;
}

async function profileFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mpc-probe-'));
  const file = join(dir, 'profile.yaml');
  await writeFile(file, text);
  return file;
}

describe('profile init against the reference mock', function () {
  this.timeout(120_000);

  it('claims every behaviour of a mock that has them all, with evidence, and the profile gives a green run', async () => {
    await withMock({ presence: FAST_TIMERS, rate_limit: { per_second: 5, burst: 3 }, legacy: { free_for_chat: true, presence_list: true } }, async (mock) => {
      const report = await probeServer({ homeserver: mock.url });
      expect(claimed(report)).to.deep.equal([
        'currently_active',
        'currently_active_flip',
        'free_for_chat',
        'idle_timeout',
        'message_activity',
        'presence_filter',
        'presence_list',
        'profile_propagation',
        'query_string_token',
        'r0_paths',
        'rate_limit',
        'sync_online_timeout',
      ]);
      expect(report.registration.registration).to.deep.equal({ method: 'dummy' });
      expect(report.serverName).to.equal('localhost');
      expect(report.rateLimit).to.deep.equal({ per_second: 5, burst: 3 });
      // Measured timers are never above the configured ones (each is the last read before the change);
      // a loaded machine spaces the reads and makes them lower.
      expect(report.timers.idle_timeout).to.be.within(750, 1500);
      expect(report.timers.sync_online_timeout).to.be.within(1500, 3000);
      expect(report.timers.last_active_granularity).to.be.within(100, 400);
      expect(report.versions).to.include('v1.1');
      expect(conclusion(report, 'spec versions')).to.match(
        /^advertises r0\.0\.1–r0\.6\.1, v1\.1–v1\.19; speaks v1\.19 \(the highest release \/versions advertises\); the server does not say which software it is$/,
      );
      expect(report.release).to.equal('v1.19');
      const evidence = report.findings.find((f) => f.topic === 'query_string_token')!.evidence;
      expect(evidence).to.have.length(1);
      expect(evidence[0]).to.match(/^GET \/_matrix\/client\/v3\/presence\/@mpc-[a-z0-9]+-1-a:localhost\/status\?access_token=\S+ → 200 \{"presence":"online"/);
      expect(evidence[0]).to.not.include('mpc_'.padEnd(12, 'x')); // tokens are shortened
      expect(report.durationMs).to.be.lessThan(60_000);

      const { text } = writeProfile(report, { date: new Date('2026-01-02T00:00:00Z') });
      expect(text).to.match(/^# Target profile for http:\/\/127\.0\.0\.1:\d+, written by `matrix-presence-conformance profile init`/);
      expect(text).to.include('  - presence_list\n');
      const profile = await loadTargetProfile(await profileFile(text));
      expect(profile.capabilities).to.have.length(12);
      // The mock applies writes at once and keeps milliseconds.
      expect(profile.timers.visibility_deadline).to.equal(500);
      expect(profile.timers.last_active_precision, report.lastActivePrecision?.why).to.be.at.most(50);
      const run = await runSuites({ target: profile, homeserver: mock.url, expectations: false });
      const notPassed = run.cases.filter((c) => c.outcome !== 'pass' && c.outcome !== 'skip').map((c) => `${c.id}: ${c.outcome} ${c.message ?? ''}`);
      expect(notPassed).to.deep.equal([]);
      // The skips are the cases of the r0 and early texts and of the next version (spec_version v1.19),
      // none for a capability.
      const skipped = run.cases.filter((c) => c.outcome === 'skip').map((c) => `${c.id}: ${c.message ?? ''}`);
      expect(skipped.filter((line) => !/: (applies to spec |holds (from|before) )/.test(line))).to.deep.equal([]);
      expect(run.exit_code).to.equal(0);
    });
  });

  it("reads the timers from a co-member's /sync as the cases do: a flip that only GET shows (Dendrite) is not claimed", async () => {
    // currently-active-by-recency: GET turns currently_active false after the granularity;
    // currently-active-until-idle: no /sync ever announces it, the active period ends with unavailable.
    await withMock({ presence: FAST_TIMERS, variants: ['currently-active-by-recency', 'currently-active-until-idle'] }, async (mock) => {
      const report = await probeServer({ homeserver: mock.url, measureTimers: true, maxWaitMs: 3_000 });
      expect(report.timers.last_active_granularity).to.equal(undefined);
      expect(conclusion(report, 'last_active_granularity')).to.match(
        /^not seen: GET said currently_active false between [\d.]+m?s and [\d.]+m?s after PUT online, but no m\.presence announced it to a co-member's \/sync/,
      );
      // The flag is there (GET says true after PUT online); the flip the cases wait for is not.
      expect(claimed(report)).to.include('currently_active');
      expect(claimed(report)).to.not.include('currently_active_flip');
      expect(claimed(report)).to.include('idle_timeout');
      expect(report.capabilities.find((f) => f.capability === 'idle_timeout')!.conclusion).to.match(/became unavailable in a co-member's \/sync between/);
    });
  });

  it('a non-default mock (other timers, no rate limit, legacy switches on, registration closed with static users) gives a green run', async () => {
    const { config, users } = staticUsers(160);
    const mockConfig = {
      // The gap between idle and sync-online leaves a loaded machine time to act in between.
      presence: { idle_timeout: 2000, sync_online_timeout: 7000, last_active_granularity: 700 },
      rate_limit: { enabled: false },
      legacy: { free_for_chat: true, presence_list: true },
      registration: { enabled: false, users: config },
    };
    await withMock(mockConfig, async (mock) => {
      const report = await probeServer({ homeserver: mock.url, users });
      expect(report.registration.registration.method).to.equal('static');
      expect(conclusion(report, 'registration')).to.equal('pre-made users: the 160 tokens given with --users are accepted (method static)');
      expect(report.rateLimit).to.equal(undefined);
      expect(conclusion(report, 'rate_limit')).to.equal('not claimed: 50 PUTs in a row were all answered 200');
      expect(claimed(report), report.capabilities.map((f) => `${f.capability}: ${f.conclusion}`).join('\n')).to.include.members([
        'free_for_chat',
        'presence_list',
        'idle_timeout',
        'sync_online_timeout',
        'currently_active',
      ]);
      expect(report.timers.idle_timeout).to.be.within(1000, 2000);
      expect(report.timers.sync_online_timeout).to.be.within(3500, 7000);
      // The probes used the last users of the list; the run hands them out from the first.
      const probeUsers = report.findings.flatMap((f) => f.evidence).join('\n');
      expect(probeUsers).to.include('@pre139:localhost');
      expect(probeUsers).to.not.include('@pre0:localhost/');
      const { text } = writeProfile(report, { usersNeeded: 112 });
      expect(text.replace(/\n\s*# /g, ' ')).to.include('A whole run with this profile needs 112 (one per actor of each case that runs)');
      const run = await runSuites({ target: parseTargetProfile(text), homeserver: mock.url, expectations: false });
      expect(run.cases.filter((c) => c.outcome !== 'pass' && c.outcome !== 'skip').map((c) => `${c.id}: ${c.outcome} ${c.message ?? ''}`)).to.deep.equal([]);
      // Skipped: the rate-limit cases (the mock has none) and the cases of the r0 and early texts.
      const skips = run.cases.filter((c) => c.outcome === 'skip' && !/^(applies to spec |holds (from|before) )/.test(c.message ?? ''));
      // (and the cases of a second device, which static users cannot log in).
      expect(skips.map((c) => `${c.id}: ${c.message ?? ''}`).filter((line) => !/capability rate_limit$|static users cannot log in$/.test(line))).to.deep.equal(
        [],
      );
      expect(run.exit_code).to.equal(0);
    });
  });

  it('a mock with presence off: the probe says so and claims nothing; a run with the profile stops with one sentence', async () => {
    await withMock({ presence: { enabled: false } }, async (mock) => {
      const report = await probeServer({ homeserver: mock.url, budgetMs: 10_000 });
      expect(report.presence?.verdict).to.equal('off');
      expect(conclusion(report, 'presence')).to.match(/^off: right after PUT online, GET of @\S+'s own presence answered 200 \{"presence":"offline"\}$/);
      expect(claimed(report)).to.deep.equal([]);
      expect(conclusion(report, 'capabilities')).to.equal(
        'not claimed, not probed (presence is off): currently_active, currently_active_flip, idle_timeout, sync_online_timeout, rate_limit, message_activity, profile_propagation, presence_filter, query_string_token, r0_paths, free_for_chat, presence_list',
      );
      const { text } = writeProfile(report);
      expect(text).to.match(/# PRESENCE IS OFF on this server: right after PUT online/);
      const err = await runSuites({ target: parseTargetProfile(text), homeserver: mock.url, expectations: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.match(
        /^presence is off on http:\/\/127\.0\.0\.1:\d+: right after PUT online, .*; switch presence on \(Synapse: presence\.enabled: true; .*\), then run again$/,
      );
    });
  });

  it('a mock with closed registration and no users given: a placeholder the run refuses with one sentence', async () => {
    await withMock({ registration: { enabled: false } }, async (mock) => {
      const report = await probeServer({ homeserver: mock.url, budgetMs: 10_000 });
      expect(report.registration.placeholder).to.equal(true);
      expect(conclusion(report, 'registration')).to.match(
        /^POST \/register answered 403 M_FORBIDDEN "Registration has been disabled\."; no shared-secret registration either \(GET \/_synapse\/admin\/v1\/register: 404 M_UNRECOGNIZED/,
      );
      expect(report.presence).to.equal(undefined);
      const { text } = writeProfile(report, { usersNeeded: 73 });
      expect(text).to.include('REPLACE-ME: pre-made users of the server');
      const err = await runSuites({ target: parseTargetProfile(text, 'p.yaml'), homeserver: mock.url, expectations: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as Error).message).to.equal(
        "registration.users in p.yaml still holds the placeholder profile init wrote: list the server's pre-made users with their access tokens there",
      );
    });
  });

  it('claims none of the behaviours a mock lacks, and says what it saw instead', async () => {
    // Two mocks: without query-string tokens the early API (and so the presence list) cannot be asked.
    await withMock({ presence: FAST_TIMERS, faults: ['query-token-ignored', 'r0-paths-missing', 'no-currently-active'] }, async (mock) => {
      const report = await probeServer({ homeserver: mock.url });
      expect(claimed(report)).to.deep.equal(
        ['idle_timeout', 'message_activity', 'rate_limit', 'presence_filter', 'profile_propagation', 'sync_online_timeout'].sort(),
      );
      expect(conclusion(report, 'query_string_token')).to.equal('not claimed: GET with ?access_token= answered 401 M_MISSING_TOKEN "Missing access token."');
      expect(conclusion(report, 'r0_paths')).to.equal('not claimed: the r0 prefix answered 404 M_UNRECOGNIZED "Unrecognized request."');
      expect(conclusion(report, 'free_for_chat')).to.equal('not claimed: not probed (the cases use the r0 prefix, which is not served)');
      expect(conclusion(report, 'currently_active')).to.equal('not claimed: GET right after PUT online has currently_active null');
      // The default rate limit of the mock is Synapse's: 0.1/s, burst 1.
      expect(report.rateLimit).to.deep.equal({ per_second: 0.1, burst: 1 });
    });
    await withMock(
      { presence: FAST_TIMERS, legacy: { presence_list: true }, faults: ['presence-filter-ignored', 'no-profile-propagation', 'presence-list-broken'] },
      async (mock) => {
        const report = await probeServer({ homeserver: mock.url });
        expect(claimed(report)).to.not.include.members(['presence_filter', 'profile_propagation', 'presence_list']);
        expect(conclusion(report, 'presence_filter')).to.equal(
          "not claimed: the filter's presence.not_types and senders did not leave the user's own presence out",
        );
        // Whatever arrives (the mock's timers may send an m.presence meanwhile) carries no displayname.
        expect(conclusion(report, 'profile_propagation')).to.match(
          /^not claimed: after a displayname change (no m\.presence from the user arrived|the m\.presence that arrived carries no new displayname \(\{.*\}\)) within 4 s$/,
        );
        expect(conclusion(report, 'presence_list')).to.equal(
          'not claimed: the list is served at /_matrix/client/api/v1/presence/list/{userId} (presence_list_path per_user), but after POST {invite} (200) it does not hold the invited user',
        );
      },
    );
  });

  it('a mock that takes free_for_chat but no r0 free_for_chat switch: refused, not claimed', async () => {
    await withMock({ presence: FAST_TIMERS, rate_limit: { enabled: false } }, async (mock) => {
      const report = await probeServer({ homeserver: mock.url });
      expect(conclusion(report, 'free_for_chat')).to.equal(
        'not claimed: PUT presence free_for_chat answered 400 M_INVALID_PARAM "Invalid presence state: "free_for_chat"."',
      );
      expect(conclusion(report, 'presence_list')).to.equal(
        'not claimed: GET /_matrix/client/api/v1/presence/list/... and GET /_matrix/client/api/v1/presence/list answered 404 M_UNRECOGNIZED "Unrecognized request."',
      );
    });
  });
});
