// A request step's `expect` against the response it got: status, headers, schema and body matchers,
// one check per condition. Pure: the checks come back with, at most, the reason the body could not be
// judged (the caller turns that into an `error` unless a check already failed).
import type { Check } from '../../project/report.js';
import type { HttpResponse } from '../http/http-client.js';
import type { ExpectSpec, PathMatcher, StatusSpec } from '../load/suite-types.js';
import { evaluateMatcher, evaluateMatchers, makeCheck, type MatchContext } from './matchers.js';

/** Looks schemas up by alias (the project's registry, or a stand-in in tests). */
export interface SchemaValidator {
  validate(alias: string, data: unknown): { pointer: string; got: string; want: string; message: string }[];
}

function matchesOne(status: number, want: number | string): boolean {
  return typeof want === 'number' ? status === want : Math.floor(status / 100) === Number(want[0]);
}

export function statusMatches(status: number, spec: StatusSpec): boolean {
  return Array.isArray(spec) ? spec.some((s) => matchesOne(status, s)) : matchesOne(status, spec);
}

/** Whether a matcher list reads the body (header matchers do not). */
function readsBody(matchers: PathMatcher[]): boolean {
  return matchers.some((m) => (m.any_of ? m.any_of.some(readsBody) : m.header === undefined));
}

export interface ExpectResult {
  checks: Check[];
  /** Why the body could not be judged (not JSON, unknown schema), with where; the checks so far stand. */
  unjudgeable?: string;
}

export function checkExpect(expect: ExpectSpec, response: HttpResponse, schemas: () => SchemaValidator, match: MatchContext, stepAt: string): ExpectResult {
  const ctx = { ...match, level: expect.level ?? match.level };
  const checks: Check[] = [];
  if (expect.status !== undefined) {
    const want = Array.isArray(expect.status) ? `one of ${expect.status.join(', ')}` : String(expect.status);
    checks.push(
      makeCheck({
        path: 'status',
        expected: want,
        actual: response.status,
        passed: statusMatches(response.status, expect.status),
        level: ctx.level,
        at: expect.statusAt,
      }),
    );
  }
  for (const [name, matcher] of Object.entries(expect.headers ?? {})) {
    const value = response.headers[name];
    checks.push(...evaluateMatcher(matcher, `headers.${name}`, value !== undefined, value, ctx));
  }
  const needsJson = expect.schema !== undefined || readsBody(expect.body ?? []);
  if (needsJson && response.json === undefined) {
    // The server answered, but with something the checks cannot read: no verdict on the body.
    return { checks, unjudgeable: `${stepAt}: HTTP ${response.status}: ${response.jsonError}` };
  }
  if (expect.schema !== undefined) {
    let violations;
    try {
      violations = schemas().validate(expect.schema, response.json);
    } catch (err) {
      return { checks, unjudgeable: `${expect.schemaAt}: schema ${expect.schema}: ${(err as Error).message}` };
    }
    const label = `schema ${expect.schema}`;
    if (violations.length === 0) {
      checks.push(makeCheck({ path: label, expected: 'valid', actual: 'valid', passed: true, level: ctx.level, at: expect.schemaAt }));
    }
    for (const v of violations) {
      const check = makeCheck({ path: `${label} ${v.pointer || '/'}`, expected: v.want, actual: v.got, passed: false, level: ctx.level, at: expect.schemaAt });
      check.message = `${expect.schemaAt}: ${label}: ${v.pointer || '/'}: got ${v.got}, want ${v.want}`;
      checks.push(check);
    }
  }
  checks.push(...evaluateMatchers(expect.body ?? [], { value: response.json, headers: response.headers }, 'body', ctx));
  return { checks };
}
