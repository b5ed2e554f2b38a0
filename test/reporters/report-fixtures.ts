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
