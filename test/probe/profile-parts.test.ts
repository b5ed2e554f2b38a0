// The pure parts of `profile init`: reading versions, rounding what was measured, evidence lines, and
// the written profile's text (valid against the target schema, every claim commented).
import { expect } from 'chai';
import { summariseVersions } from '../../project/spec-versions.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import type { CapabilityFinding } from '../../runner/probe/findings.js';
import { evidenceLine } from '../../runner/contact/probe-session.js';
import type { ProbeReport } from '../../runner/probe/probe-server.js';
import { writeProfile } from '../../runner/probe/profile-writer.js';
import { roundRate } from '../../runner/probe/rate-limit-probe.js';
import { releaseFrom } from '../../runner/contact/server-identity.js';
import { roundDown } from '../../runner/probe/timer-measurement.js';

function capability(name: CapabilityFinding['capability'], claimed: boolean, conclusion: string): CapabilityFinding {
  return { topic: name, capability: name, claimed, conclusion, evidence: [] };
}

function report(overrides: Partial<ProbeReport> = {}): ProbeReport {
  return {
    url: 'http://127.0.0.1:8008',
    software: 'Synapse 1.160.0',
    versions: ['r0.6.1', 'v1.1', 'v1.12', 'v1.2'],
    release: 'v1.12',
    releaseWhy: 'the highest release /versions advertises',
    serverName: 'localhost',
    registration: {
      finding: { topic: 'registration', conclusion: 'open: POST /register offers the flow [m.login.dummy] (method dummy)', evidence: [] },
      registration: { method: 'dummy' },
      placeholder: false,
      users: [],
    },
    presence: { verdict: 'on', get: { presence: 'online' }, visibleAfterMs: 3 },
    capabilities: [
      capability('currently_active', true, 'claimed: GET right after PUT online says currently_active true'),
      capability('rate_limit', true, 'claimed: PUT 4 of a burst answered 429'),
      capability('free_for_chat', false, 'not claimed: PUT presence free_for_chat answered 400 M_UNKNOWN "Invalid presence state"'),
    ],
    rateLimit: { per_second: 5, burst: 3 },
    timers: { last_active_granularity: 11_000 },
    timersMeasured: true,
    findings: [],
    durationMs: 1234,
    ...overrides,
  };
}

describe('profile init: the parts', () => {
  it('summarises advertised versions per family, in version order', () => {
    expect(summariseVersions(['r0.0.1', 'r0.6.1', 'r0.5.0', 'v1.12', 'v1.2', 'v1.1'])).to.equal('r0.0.1–r0.6.1, v1.1–v1.12');
    expect(summariseVersions(['v1.11'])).to.equal('v1.11');
    expect(summariseVersions([])).to.equal('no spec version');
  });

  it('chooses spec_version from the versions: the highest release it knows, else v1.19', () => {
    expect(releaseFrom(['r0.6.1', 'v1.1'])).to.equal('v1.1');
    expect(releaseFrom(['r0.0.1', 'r0.6.1', 'r0.5.0'])).to.equal('r0.6.1');
    expect(releaseFrom(['v1.12', 'v1.2', 'v1.20'])).to.equal('v1.20');
    expect(releaseFrom(['v1.99', 'custom'])).to.equal('v1.19');
    expect(releaseFrom([])).to.equal('v1.19');
  });

  it('rounds a measured rate to 1, 2 or 5 times a power of ten, and a measured time down', () => {
    expect(roundRate(5.26)).to.equal(5);
    expect(roundRate(0.102)).to.equal(0.1);
    expect(roundRate(1.6)).to.equal(2);
    expect(roundRate(14)).to.equal(10);
    expect(roundDown(1_479)).to.equal(1_400);
    expect(roundDown(21_950)).to.equal(21_000);
    expect(roundDown(20)).to.equal(100);
  });

  it('shows an exchange as one evidence line with secrets and tokens shortened', () => {
    const line = evidenceLine({
      step: 'x',
      request: { method: 'POST', url: 'http://h/_matrix/client/v3/register?access_token=abcdef…', headers: {}, body: '{"username":"u","password":"hunter2"}' },
      response: { status: 200, headers: {}, body: '{"user_id":"@u:h","access_token":"syt_secret"}' },
      duration_ms: 3,
    });
    expect(line).to.equal(
      'POST /_matrix/client/v3/register?access_token=abcdef%E2%80%A6 {"username":"u","password":"…"} → 200 {"user_id":"@u:h","access_token":"…"}',
    );
    expect(
      evidenceLine({ step: 'x', request: { method: 'GET', url: 'http://h/p', headers: {} }, error: 'no complete response within 5ms', duration_ms: 5 }),
    ).to.equal('GET /p → no answer: no complete response within 5ms');
  });

  it('writes a valid profile with every claim and every refusal commented', () => {
    const { text, name } = writeProfile(report(), { date: new Date('2026-03-04T00:00:00Z') });
    expect(name).to.equal('synapse');
    const profile = parseTargetProfile(text);
    expect(profile).to.deep.include({
      name: 'synapse',
      spec_version: 'v1.19',
      server_name: 'localhost',
      capabilities: ['currently_active', 'rate_limit'],
      rate_limit: { per_second: 5, burst: 3 },
    });
    expect(profile.timers).to.deep.include({ last_active_granularity: 11_000, idle_timeout: 300_000 });
    expect(profile.description).to.equal('Synapse 1.160.0 at http://127.0.0.1:8008, probed by profile init on 2026-03-04');
    expect(text).to.include('# /_matrix/client/versions advertises r0.6.1, v1.1–v1.12\n');
    expect(text).to.include('  last_active_granularity: 11000    # measured;');
    expect(text).to.include('  idle_timeout: 300000    # default;');
    expect(text).to.include('  # GET right after PUT online says currently_active true\n  - currently_active\n');
    expect(text).to.include('# Not claimed:\n#   free_for_chat: PUT presence free_for_chat answered 400 M_UNKNOWN "Invalid presence state"\n');
    for (const line of text.split('\n')) expect(line.length, line).to.be.at.most(140);
  });

  it('marks what must be filled in, and presence being off, at the top', () => {
    const placeholder = report({
      registration: {
        finding: { topic: 'registration', conclusion: 'closed', evidence: [] },
        registration: { method: 'shared_secret', shared_secret: 'REPLACE-ME-with-the-servers-registration_shared_secret' },
        placeholder: true,
        users: [],
      },
      presence: { verdict: 'off', seen: 'right after PUT online, GET answered 200 {"presence":"offline"}' },
      capabilities: [],
      timers: {},
      timersMeasured: false,
    });
    delete placeholder.rateLimit;
    const { text } = writeProfile(placeholder);
    const comments = text.replace(/\n# /g, ' ');
    expect(comments).to.match(
      /^# PRESENCE IS OFF on this server: right after PUT online, GET answered 200 \{"presence":"offline"\}\. A run stops at once; switch presence on/m,
    );
    expect(comments).to.match(/^# REPLACE-ME: the runner cannot make users on this server by itself/m);
    expect(text).to.include('  shared_secret: REPLACE-ME-with-the-servers-registration_shared_secret\n');
    expect(text).to.include('capabilities: []\n');
    expect(parseTargetProfile(text).registration.method).to.equal('shared_secret');
  });
});
