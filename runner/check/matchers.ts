// A check is one expectation evaluated on its own: {path, expected, actual, passed, message}. Matchers
// never throw; a bad comparison is a failed check, so one broken expectation never hides another.
// Deep equality is node's isDeepStrictEqual rather than chai's deep.equal: it answers true/false where
// chai throws, and matchers must never throw (every check is recorded on its own). For JSON values the
// two agree.
import { isDeepStrictEqual } from 'node:util';
import type { Check, Level } from '../../project/report.js';
import type { JsonType, PathMatcher, ValueMatcher } from '../load/suite-types.js';
import type { Timers } from '../load/load-target.js';
import { evaluateDuration } from '../load/durations.js';
import { lookup } from './json-path.js';

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export function makeCheck(fields: Omit<Check, 'message'>, label = fields.path): Check {
  const message = fields.passed
    ? `${fields.at}: ${label}: ${show(fields.actual)} is ${fields.expected}`
    : `${fields.at}: ${label}: got ${show(fields.actual)}, want ${fields.expected}`;
  return { ...fields, message };
}

function jsonType(value: unknown): JsonType | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function hasType(value: unknown, want: JsonType): boolean {
  const got = jsonType(value);
  return got === want || (want === 'number' && got === 'integer');
}

const BOUNDS = [
  ['gt', '>', (a: number, b: number) => a > b],
  ['gte', '>=', (a: number, b: number) => a >= b],
  ['lt', '<', (a: number, b: number) => a < b],
  ['lte', '<=', (a: number, b: number) => a <= b],
] as const;

export interface MatchContext {
  timers: Timers;
  /** Values captured by earlier steps (durations may use {captured.NAME}). */
  captured?: Record<string, unknown>;
  /** Renders {templates} in expected strings. */
  render: (value: unknown) => unknown;
  level: Level;
}

/**
 * Evaluates every condition of a matcher against one value, one check per condition. `found` tells
 * "absent" apart from a present null.
 */
export function evaluateMatcher(
  matcher: ValueMatcher,
  pathLabel: string,
  found: boolean,
  value: unknown,
  ctx: MatchContext,
): Check[] {
  const level = matcher.level ?? ctx.level;
  const checks: Check[] = [];
  const add = (expected: string, passed: boolean) =>
    checks.push(makeCheck({ path: pathLabel, expected, actual: value, passed, level, at: matcher.at }));
  const guarded = (expected: string, test: () => boolean) => {
    let passed = false;
    let want = expected;
    try {
      passed = found && test();
    } catch (err) {
      want = `${expected} (${(err as Error).message})`;
    }
    add(want, passed);
  };

  if (matcher.optional && !found) {
    add('absent (allowed: optional)', true);
    return checks;
  }
  if (matcher.absent) add('absent', !found);
  if (matcher.present) add('present', found);
  if ('equals' in matcher) {
    const want = safeRender(ctx, matcher.equals);
    guarded(show(want), () => isDeepStrictEqual(value, want));
  }
  if (matcher.one_of !== undefined) {
    const options = matcher.one_of.map((o) => safeRender(ctx, o));
    guarded(`one of ${show(options)}`, () => options.some((o) => isDeepStrictEqual(value, o)));
  }
  if (matcher.type !== undefined) {
    const types = Array.isArray(matcher.type) ? matcher.type : [matcher.type];
    guarded(`type ${types.join(' or ')}`, () => types.some((t) => hasType(value, t)));
  }
  if (matcher.matches !== undefined) {
    const pattern = matcher.matches;
    guarded(`a string matching /${pattern}/`, () => typeof value === 'string' && new RegExp(pattern).test(value));
  }
  for (const [key, symbol, compare] of BOUNDS) {
    const spec = matcher[key];
    if (spec === undefined) continue;
    let bound: number | undefined;
    let description = `${symbol} ${String(spec)}`;
    try {
      bound = evaluateDuration(spec, ctx.timers, ctx.captured);
      if (typeof spec === 'string') description = `${symbol} ${bound} (${spec})`;
    } catch (err) {
      description = `${description} (${(err as Error).message})`;
    }
    guarded(description, () => bound !== undefined && typeof value === 'number' && compare(value, bound));
  }
  return checks;
}

function safeRender(ctx: MatchContext, value: unknown): unknown {
  try {
    return ctx.render(value);
  } catch {
    return value;
  }
}

/** Evaluates path matchers against a JSON value; `rootLabel` names the value itself (path ""). */
export function evaluatePathMatchers(matchers: PathMatcher[], data: unknown, rootLabel: string, ctx: MatchContext): Check[] {
  return matchers.flatMap((m) => {
    const { found, value } = lookup(data, m.path);
    const label = m.path === '' ? rootLabel : m.path;
    return evaluateMatcher(m, label, found, value, ctx);
  });
}
