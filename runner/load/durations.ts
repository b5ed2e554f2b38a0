// Duration expressions: "500ms", "2s", "idle_timeout + 2s", "last_active_granularity * 2",
// "1s / rate_limit_per_second". They let one
// case serve a mock with a 1.5 s idle timeout and a Synapse with 5 minutes (docs/suites.md, "Templates and durations").
import { DEFAULT_TIMERS, RATE_LIMIT_NAMES } from './load-target.js';

export type DurationSpec = number | string;

type Token =
  | { kind: 'num'; ms: number; plain: boolean }
  | { kind: 'timer'; name: string }
  | { kind: 'captured'; name: string }
  | { kind: 'op'; op: '+' | '-' | '*' | '/' };

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)(ms|s|m)?|([A-Za-z_][A-Za-z0-9_]*)|([+*/-])|\{captured\.([A-Za-z0-9_-]+)\})\s*/y;
  let pos = 0;
  while (pos < expr.length) {
    re.lastIndex = pos;
    const m = re.exec(expr);
    if (!m) throw new Error(`cannot read "${expr.slice(pos)}" in duration "${expr}"`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', ms: Number(m[1]) * UNITS[m[2] ?? 'ms']!, plain: m[2] === undefined });
    else if (m[3] !== undefined) tokens.push({ kind: 'timer', name: m[3] });
    else if (m[5] !== undefined) tokens.push({ kind: 'captured', name: m[5] });
    else tokens.push({ kind: 'op', op: m[4] as '+' | '-' | '*' | '/' });
  }
  return tokens;
}

/** Every name an expression may use: the timers, and the rate limit's numbers (when a profile has one). */
const KNOWN_NAMES: Record<string, number> = { ...DEFAULT_TIMERS, ...Object.fromEntries(RATE_LIMIT_NAMES.map((n) => [n, 1])) };

/**
 * Checks an expression's syntax and names; returns an error message or undefined. A timer name is
 * valid when the target profile schema defines it (DEFAULT_TIMERS has every one).
 */
export function checkDuration(spec: DurationSpec): string | undefined {
  try {
    // Captured values are only known while running; any number stands in for them here.
    evaluateDuration(spec, KNOWN_NAMES, new Proxy({}, { get: () => 1 }));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The {captured.NAME} names a duration uses, so the loader can check they are captured earlier. */
export function capturedNames(spec: DurationSpec | undefined): string[] {
  if (typeof spec !== 'string') return [];
  return [...spec.matchAll(/\{captured\.([A-Za-z0-9_-]+)\}/g)].map((m) => m[1]!);
}

/**
 * Whole milliseconds; `*` and `/` bind tighter than `+`/`-`. A product's or quotient's right side is a plain
 * number ("* 2", "/ 10") or a name ("1s / rate_limit_per_second": the interval a rate implies).
 * `{captured.NAME}` is a number captured by an earlier step, in milliseconds (e.g. a 429's
 * retry_after_ms).
 */
export function evaluateDuration(spec: DurationSpec, timers: Record<string, number>, captured: Record<string, unknown> = {}): number {
  if (typeof spec === 'number') return spec;
  const tokens = tokenize(spec);
  if (tokens.length === 0) throw new Error('empty duration');
  let i = 0;
  const opAt = (at: number): string | undefined => {
    const t = tokens[at];
    return t?.kind === 'op' ? t.op : undefined;
  };
  const operand = (): number => {
    const t = tokens[i++];
    if (!t || t.kind === 'op') throw new Error(`duration "${spec}": expected a number or a timer name`);
    if (t.kind === 'num') return t.ms;
    if (t.kind === 'captured') {
      const value = captured[t.name];
      if (typeof value !== 'number') throw new Error(`duration "${spec}": {captured.${t.name}} is ${JSON.stringify(value) ?? 'not captured'}, not a number`);
      return value;
    }
    const value = timers[t.name];
    if (value === undefined) {
      const hint = RATE_LIMIT_NAMES.includes(t.name) ? ' (the target profile has no rate_limit)' : ` (known: ${Object.keys(KNOWN_NAMES).join(', ')})`;
      throw new Error(`duration "${spec}": unknown timer "${t.name}"${hint}`);
    }
    return value;
  };
  const term = (): number => {
    let value = operand();
    for (let op = opAt(i); op === '*' || op === '/'; op = opAt(i)) {
      i++;
      const factorToken = tokens[i];
      const factor = factorToken?.kind === 'num' && factorToken.plain ? (i++, factorToken.ms) : operand();
      if (op === '*') value *= factor;
      else if (factor === 0) throw new Error(`duration "${spec}": division by zero`);
      else value /= factor;
    }
    return value;
  };
  let total = term();
  while (i < tokens.length) {
    const t = tokens[i++]!;
    if (t.kind !== 'op' || t.op === '*' || t.op === '/')
      throw new Error(`duration "${spec}": expected + or - before "${t.kind === 'op' ? t.op : t.kind === 'num' ? t.ms : t.name}"`);
    total = t.op === '+' ? total + term() : total - term();
  }
  if (total < 0) throw new Error(`duration "${spec}" is negative`);
  // Whole milliseconds: a quotient (or a fractional factor) is rounded, so that a wait or a poll's
  // timeout is never a fraction of a millisecond that a server reads as 0.
  return Math.round(total);
}

/** A repeat count: a number or an expression; one the target cannot evaluate counts as the maximum. */
export function countOf(count: number | string | undefined, variables: Record<string, number>): number {
  if (count === undefined) return 1;
  if (typeof count === 'number') return count;
  try {
    return Math.max(1, Math.min(1000, Math.round(evaluateDuration(count, variables))));
  } catch {
    return 1000;
  }
}
