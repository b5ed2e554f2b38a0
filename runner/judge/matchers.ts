// A check is one expectation evaluated on its own: {path, expected, actual, passed, message}. Matchers
// never throw; a bad comparison is a failed check, so one broken expectation never hides another.
// Deep equality is node's isDeepStrictEqual rather than chai's deep.equal: it answers true/false where
// chai throws, and matchers must never throw (every check is recorded on its own). For JSON values the
// two agree.
import { isDeepStrictEqual } from 'node:util';
import type { Check, Level } from '../../project/report.js';
import type { JsonType, PathMatcher, ValueMatcher } from '../load/suite-types.js';
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
  /** The values durations and bounds may name: the target's timers (and rate limit). */
  timers: Record<string, number>;
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
export function evaluateMatcher(matcher: ValueMatcher, pathLabel: string, found: boolean, value: unknown, ctx: MatchContext): Check[] {
  const level = matcher.level ?? ctx.level;
  const checks: Check[] = [];
  const role = matcher.premise === undefined ? {} : { role: 'premise' as const };
  const add = (expected: string, passed: boolean) =>
    checks.push(makeCheck({ path: pathLabel, expected, actual: value, passed, level, at: matcher.at, ...role }));
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
    const parting = typeof value === 'string' && typeof want === 'string' ? whereStringsPart(value, want) : undefined;
    guarded(parting === undefined ? show(want) : `${show(want)} (${parting})`, () => isDeepStrictEqual(value, want));
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

const SHOWN_CODE_POINTS = 4;

function codePointsFrom(points: string[], start: number): string {
  const shown = points.slice(start, start + SHOWN_CODE_POINTS).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  if (shown.length === 0) return 'the end';
  return points.length > start + SHOWN_CODE_POINTS ? `${shown.join(' ')} ...` : shown.join(' ');
}

/**
 * Where two different strings part, in code points, when got/want alone would not show it: a string
 * shown cut short (a long message truncated at its end), or one with characters outside printable ASCII
 * (a composed "é" and "e" + U+0301 print alike). Undefined when the strings are equal or the difference
 * is plain to see.
 */
export function whereStringsPart(got: string, want: string): string | undefined {
  if (got === want) return undefined;
  const plain = (s: string) => JSON.stringify(s).length <= 200 && !/[\u007f-\uffff]/.test(s);
  if (plain(got) && plain(want)) return undefined;
  const a = Array.from(got);
  const b = Array.from(want);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return `they part at code point ${i}: got ${codePointsFrom(a, i)}, want ${codePointsFrom(b, i)}; ${a.length} code points, want ${b.length}`;
}

function safeRender(ctx: MatchContext, value: unknown): unknown {
  try {
    return ctx.render(value);
  } catch {
    return value;
  }
}

/** What a list of matchers is evaluated against: a JSON value and, for a response, its headers. */
export interface MatchSubject {
  value: unknown;
  /** Lower-case header names; only responses have them. */
  headers?: Record<string, string>;
}

function describeList(matchers: PathMatcher[]): string {
  return matchers.map((m) => m.path ?? (m.header !== undefined ? `header ${m.header}` : 'any_of')).join(', ');
}

/** Whether every matcher of a list holds (INFO ones never decide). */
export function allHold(matchers: PathMatcher[], subject: MatchSubject, ctx: MatchContext): boolean {
  return !evaluateMatchers(matchers, subject, '', { ...ctx, level: 'MUST' }).some((c) => !c.passed && c.level !== 'INFO');
}

/** `some` / `none`: list conditions whose nested matchers address each element. */
function listChecks(matcher: PathMatcher, label: string, found: boolean, value: unknown, ctx: MatchContext): Check[] {
  const level = matcher.level ?? ctx.level;
  const checks: Check[] = [];
  const elements = Array.isArray(value) ? value : undefined;
  for (const [key, wantMatch] of [
    ['some', true],
    ['none', false],
  ] as const) {
    const nested = matcher[key];
    if (nested === undefined) continue;
    const matching = elements?.filter((e) => allHold(nested, { value: e }, ctx)) ?? [];
    const passed = found && elements !== undefined && (wantMatch ? matching.length > 0 : matching.length === 0);
    const expected = `${wantMatch ? 'a list with an element' : 'a list with no element'} matching [${describeList(nested)}]`;
    const check = makeCheck({ path: label, expected, actual: wantMatch || passed ? value : matching[0], passed, level, at: matcher.at });
    if (!passed && elements !== undefined && wantMatch) {
      check.message = `${matcher.at}: ${label}: no element of ${elements.length} matches [${describeList(nested)}]: ${show(value)}`;
    } else if (!passed && elements !== undefined) {
      check.message = `${matcher.at}: ${label}: ${matching.length} element(s) match [${describeList(nested)}], want none: ${show(matching[0])}`;
    }
    checks.push(check);
  }
  return checks;
}

/** `any_of`: one check that holds when one alternative holds entirely; the holding one's checks follow. */
function alternativesCheck(matcher: PathMatcher, subject: MatchSubject, rootLabel: string, ctx: MatchContext): Check[] {
  const level = matcher.level ?? ctx.level;
  const groups = matcher.any_of ?? [];
  const results = groups.map((group) => evaluateMatchers(group, subject, rootLabel, { ...ctx, level }));
  const holding = results.findIndex((checks) => !checks.some((c) => !c.passed && c.level !== 'INFO'));
  const label = `any of ${groups.length} alternatives`;
  const expected = groups.map((g) => `[${describeList(g)}]`).join(' or ');
  const check = makeCheck({
    path: label,
    expected,
    actual: holding >= 0 ? `alternative ${holding + 1}` : 'none',
    passed: holding >= 0,
    level,
    at: matcher.at,
  });
  if (holding < 0) {
    const why = results.map(
      (checks, i) => `(${i + 1}) ${checks.find((c) => !c.passed && c.level !== 'INFO')?.message.replace(/^\S+:\d+:\d+: /, '') ?? 'no check'}`,
    );
    check.message = `${matcher.at}: none of ${groups.length} alternatives holds: ${why.join('; ')}`;
    return [check];
  }
  return [check, ...results[holding]!];
}

/**
 * Evaluates a list of matchers against a value (and a response's headers), one check per condition;
 * `rootLabel` names the value itself (path "").
 */
export function evaluateMatchers(matchers: PathMatcher[], subject: MatchSubject, rootLabel: string, ctx: MatchContext): Check[] {
  return matchers.flatMap((m) => {
    if (m.any_of !== undefined) return alternativesCheck(m, subject, rootLabel, ctx);
    let found: boolean;
    let value: unknown;
    let label: string;
    if (m.header !== undefined) {
      value = subject.headers?.[m.header.toLowerCase()];
      found = value !== undefined;
      label = `headers.${m.header.toLowerCase()}`;
    } else {
      ({ found, value } = lookup(subject.value, m.path ?? ''));
      label = !m.path ? rootLabel : m.path;
    }
    const checks = evaluateMatcher(m, label, found, value, ctx);
    const listed = m.some !== undefined || m.none !== undefined;
    if (listed && !(m.optional && !found)) checks.push(...listChecks(m, label, found, value, ctx));
    return checks;
  });
}

/** Evaluates path matchers against a JSON value; `rootLabel` names the value itself (path ""). */
export function evaluatePathMatchers(matchers: PathMatcher[], data: unknown, rootLabel: string, ctx: MatchContext): Check[] {
  return evaluateMatchers(matchers, { value: data }, rootLabel, ctx);
}
