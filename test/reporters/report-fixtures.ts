// Small hand-made reports for the tests of merging, comparing and rendering (a case result, a shard
// report of runner contract v1, reports of contract v2 with inconclusive and blocked cases and root causes).
import type { CaseResult, Check, Outcome, Report, Summary } from '../../project/report.js';
import { OUTCOMES } from '../../project/report.js';
import { withRootCauses } from '../../project/root-causes.js';

export function result(id: string, outcome: Outcome, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    id,
    title: `Title of ${id}`,
    file: `suites/${id.split('#')[0]}.yaml`,
    area: id.split('#')[0]!,
    level: 'MUST',
    clauses: ['v1-c'],
    tags: [],
    outcome,
    duration_ms: 5,
    checks: [],
    failed_at: [],
    at: `suites/${id.split('#')[0]}.yaml:${extra.position ?? 1}:5`,
    ...extra,
  };
}

export function shard(shardText: string | undefined, cases: CaseResult[], extra: Partial<Report> = {}): Report {
  return {
    runner_contract: 'v1',
    tool: { name: 'matrix-presence-conformance', version: '0.1.0' },
    target: { name: 'mock', url: 'http://127.0.0.1:1', spec_version: 'v1.19', embedded_mock: true, faults: [], profile: 'p.yaml' },
    options: { jobs: 8, strict: false, ...(shardText ? { shard: shardText } : {}) },
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:02.000Z',
    planned: cases.length,
    duration_ms: 2000,
    // A v1 report's summary: no inconclusive and blocked counts.
    summary: { total: 0, pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, timeout: 0 } as Summary,
    exit_code: 0,
    gating_failures: [],
    warnings: ['expectation for x#y matches no case'],
    cases,
    clauses: [
      { id: 'v1-c', level: 'MUST', scope: 'server', spec: 'v1.19', section: 'S', text: 'A clause' },
      { id: 'r0-d', level: 'SHOULD', scope: 'server', spec: 'r0', section: 'S', text: 'Another' },
    ],
    ...extra,
  };
}

export const named = (reports: Report[]) => reports.map((report, i) => ({ file: `s${i + 1}.json`, report }));

/**
 * A report whose every text a server or a saved report could carry is `text`: titles, messages, a
 * status_msg got back, the transcript, the clauses, the warnings, the target's name, an expectation's
 * reason and a javascript: issue link. Outcomes of every kind, over two areas, with INFO observations.
 */
export function hostileReport(text: string): Report {
  const check = (level: 'MUST' | 'INFO', passed: boolean) => ({
    path: `content.status_msg ${text}`,
    expected: `"${text}"`,
    actual: { presence: 'online', status_msg: text },
    passed,
    level,
    at: `suites/status.yaml:9:9 ${text}`,
    message: `suites/status.yaml:9:9: content.status_msg: got ${JSON.stringify(text)}\nsecond line ${text}`,
  });
  const transcript = [
    {
      step: `GET ${text}`,
      request: { method: 'PUT', url: `http://h/${text}`, headers: {}, body: JSON.stringify({ presence: 'online', status_msg: text }) },
      response: { status: 200, headers: {}, body: JSON.stringify({ presence: 'online', status_msg: text }) },
      error: text,
      duration_ms: 3,
    },
  ];
  const hostile = (id: string, outcome: Outcome, extra: Partial<CaseResult> = {}) =>
    result(id, outcome, { title: `title ${text}`, clauses: ['v1-c', `v1-${text}`], tags: [text], message: `message ${text}\nline two ${text}`, ...extra });
  const cases = [
    hostile('status#pass', 'pass', { checks: [check('INFO', true)], message: undefined }),
    hostile('status#fail', 'fail', { checks: [check('MUST', false), check('INFO', false)], transcript }),
    hostile('status#error', 'error', { transcript }),
    hostile('status#timeout', 'timeout'),
    hostile('errors#skip', 'skip'),
    hostile('errors#xfail', 'xfail', { expectation: { expect: 'xfail', reason: `reason ${text}`, issue: 'javascript:alert(5)' } }),
    hostile('errors#xpass', 'xpass', { expectation: { expect: 'xfail', reason: `reason ${text}`, issue: `https://example.org/${text}` } }),
    hostile('idle#inconclusive', 'inconclusive', {
      checks: [{ ...check('MUST', false), role: 'premise' }],
      premise: { at: `suites/idle.yaml:5:5 ${text}`, seen: `seen ${text}`, change: `change ${text}` },
    }),
    hostile('idle#blocked', 'blocked', {
      checks: [{ ...check('MUST', false), role: 'setup', request: `GET ${text}` }],
      blocked_by: { at: `suites/idle.yaml:7:7 ${text}`, tested_by: `status#${text}` },
    }),
  ];
  return withRootCauses(
    shard(undefined, cases, {
      tool: { name: 'matrix-presence-conformance', version: `0.1.0 ${text}` },
      target: { name: `target ${text}`, url: `http://h/${text}`, spec_version: 'v1.19', embedded_mock: false, faults: [text], profile: `p-${text}.yaml` },
      runner_contract: 'v2',
      summary: summarise(cases),
      exit_code: 1,
      gating_failures: ['status#fail', `status#${text}`],
      warnings: [`warning ${text}`],
      started_at: text,
      clauses: [
        { id: 'v1-c', level: 'MUST', scope: 'server', spec: 'v1.19', section: `section ${text}`, text: `clause ${text}` },
        { id: `v1-${text}`, level: 'SHOULD', scope: 'client', spec: 'v1.19', section: text, text: `clause ${text}` },
      ],
    }),
  );
}

/** Cases per outcome, as the runner counts them (runner contract v2: every outcome counted). */
export function summarise(cases: CaseResult[]): Summary {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, cases.filter((c) => c.outcome === o).length])) as Record<Outcome, number>;
  return { ...summary, total: cases.length };
}

/** A report of runner contract v2: its summary counted, the gating MUST failures, the root causes attached as the runner does. */
export function v2Report(cases: CaseResult[], extra: Partial<Report> = {}): Report {
  const gating = cases.filter((c) => c.level === 'MUST' && ['fail', 'error', 'timeout', 'xpass'].includes(c.outcome)).map((c) => c.id);
  return withRootCauses(
    shard(undefined, cases, {
      runner_contract: 'v2',
      summary: summarise(cases),
      gating_failures: gating,
      exit_code: gating.length > 0 ? 1 : 0,
      warnings: [],
      ...extra,
    }),
  );
}

/** The request twenty cases of a conduwuit-like server rely on, and which it answers 404. */
export const OWN_STATUS = 'GET {api}/presence/{me}/status';

/** A failed check of a request, as the runner records it: "status: got 404, want 200" at `at`. */
export function statusCheck(at: string, role?: Check['role']): Check {
  return {
    path: 'status',
    expected: '200',
    actual: 404,
    passed: false,
    level: 'MUST',
    at,
    message: `${at}: status: got 404, want 200`,
    request: OWN_STATUS,
    ...(role ? { role } : {}),
  };
}

/** The inconclusive case of the reports below: the idle timer of the profile does not fit the server. */
export const PREMISE = {
  at: 'suites/idle.yaml:52:11',
  seen: 'alice was unavailable 12s after her last activity, before the first look at 30s',
  change: 'timers.idle_timeout_ms: 12000 in the profile',
};

/**
 * A conduwuit-like run: GET own presence answers 404, so 4 cases fail on it and 16 that rely on it are
 * blocked (one cause of 20 cases); a SHOULD case times out (a second cause); a case is inconclusive; two pass.
 */
export function ownPresence404Report(): Report {
  const failing = ['get-own', 'round-trip', 'status-msg-kept', 'offline-own'].map((name, i) => {
    const at = `suites/status.yaml:${10 + i * 20}:9`;
    return result(`status#${name}`, 'fail', { checks: [statusCheck(at)], failed_at: [at], message: `${at}: status: got 404, want 200` });
  });
  const blocked = [
    ...['idle', 'sync'].flatMap((area) => Array.from({ length: 6 }, (_, i) => `${area}#relies-${i + 1}`)),
    'errors#a',
    'errors#b',
    'errors#c',
    'errors#d',
  ].map((id, i) => {
    const at = `suites/${id.split('#')[0]}.yaml:${3 + i}:9`;
    return result(id, 'blocked', { checks: [statusCheck(at, 'setup')], failed_at: [at], blocked_by: { at, tested_by: 'status#get-own' } });
  });
  const premiseCheck: Check = {
    path: 'content.presence',
    expected: '"online"',
    actual: 'unavailable',
    passed: false,
    level: 'MUST',
    at: PREMISE.at,
    message: `${PREMISE.at}: content.presence: got "unavailable", want "online"`,
    role: 'premise',
  };
  const cases = [
    result('auth#no-token', 'pass'),
    result('status#put-own', 'pass'),
    ...failing,
    result('idle#online-becomes-unavailable', 'inconclusive', { checks: [premiseCheck], premise: PREMISE }),
    ...blocked,
    result('sync#long-poll', 'timeout', { level: 'SHOULD', message: 'suites/sync.yaml:80:9: no complete response within 30000ms (GET /sync)' }),
  ];
  return v2Report(cases);
}

/** A server that died mid-run: five cases passed, then every case ended on the same refused connection. */
export function diedMidRunReport(): Report {
  const areas = ['status', 'idle', 'sync', 'errors', 'auth'];
  const errors = Array.from({ length: 25 }, (_, i) => {
    const area = areas[i % areas.length]!;
    return result(`${area}#after-death-${i + 1}`, 'error', {
      level: i % 3 === 0 ? 'SHOULD' : 'MUST',
      message: `suites/${area}.yaml:${10 + i}:9: connect ECONNREFUSED 127.0.0.1:8448 (PUT /_matrix/client/v3/presence/@alice-${i}:localhost/status)`,
    });
  });
  const passes = areas.map((area) => result(`${area}#before-death`, 'pass'));
  return v2Report([...passes, ...errors]);
}
