// Small hand-made reports for the tests of merging and comparing (a case result, a shard report).
import type { CaseResult, Outcome, Report } from '../../project/report.js';

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
    summary: { total: 0, pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, timeout: 0 },
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
  ];
  return shard(undefined, cases, {
    tool: { name: 'matrix-presence-conformance', version: `0.1.0 ${text}` },
    target: { name: `target ${text}`, url: `http://h/${text}`, spec_version: 'v1.19', embedded_mock: false, faults: [text], profile: `p-${text}.yaml` },
    summary: { total: 7, pass: 1, fail: 1, error: 1, skip: 1, xfail: 1, xpass: 1, timeout: 1 },
    exit_code: 1,
    gating_failures: ['status#fail', `status#${text}`],
    warnings: [`warning ${text}`],
    started_at: text,
    clauses: [
      { id: 'v1-c', level: 'MUST', scope: 'server', spec: 'v1.19', section: `section ${text}`, text: `clause ${text}` },
      { id: `v1-${text}`, level: 'SHOULD', scope: 'client', spec: 'v1.19', section: text, text: `clause ${text}` },
    ],
  });
}
