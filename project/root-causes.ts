// One line per root cause: the cases that did not pass, grouped by the first thing that went wrong in
// them. A server that answers 404 to one request that twenty cases send reads as one cause with twenty
// cases under it; a server that died mid-run reads as one error, not as dozens.
//
// The first failed check of a case names its cause by the request it judged (as the suite writes it,
// users named by role: "{me}" for the requester, "{user}" for anyone else), what was looked at, what
// was wanted and what came back. Values that differ from case to case without meaning a different
// cause are left out of the key: user and room ids, numbers other than an HTTP status, whole objects.
// An error or a timeout is its message with the same values taken out.
import type { CaseResult, Check, Level, Outcome, RootCause } from './report.js';
import { isFailure } from './report.js';

/** Outcomes that have a root cause. */
const WITH_CAUSE: ReadonlySet<Outcome> = new Set<Outcome>(['fail', 'blocked', 'error', 'timeout', 'xfail']);

const RANK: Record<Level, number> = { INFO: 0, MAY: 1, SHOULD: 2, MUST: 3 };

/** Takes the places and the ids out of a text: what the first case of a cause says, for any of them. */
export function withoutIds(text: string): string {
  return text
    .replace(/(^|\s)[\w./-]+\.ya?ml:\d+:\d+:\s*/g, '$1')
    .replace(/@[^\s:"'/]+:[\w.-]+(:\d+)?/g, '@user')
    .replace(/![^\s:"'/]+:[\w.-]+(:\d+)?/g, '!room')
    .trim();
}

/** Takes every case-specific value out of a text: places, ids, durations. What causes are keyed by. */
export function generalize(text: string): string {
  return withoutIds(text).replace(/\b\d+(\.\d+)?\s*(ms|s|min)\b/g, '#$2');
}

/** The first failed check that decided the case: for a blocked case, the failed request it relied on. */
export function decisiveCheck(result: Pick<CaseResult, 'outcome' | 'checks'>): Check | undefined {
  const failed = result.checks.filter(isFailure);
  if (result.outcome === 'blocked') return failed.find((c) => c.role === 'setup') ?? failed[0];
  return failed.find((c) => c.role !== 'premise') ?? failed[0];
}

function actualKey(check: Check): string {
  const a = check.actual;
  if (typeof a === 'number') return check.path === 'status' ? String(a) : '#';
  if (a === undefined || a === null || typeof a === 'boolean') return String(a);
  if (typeof a === 'string') return JSON.stringify(generalize(a));
  return Array.isArray(a) ? '[…]' : '{…}';
}

interface Keyed {
  key: string;
  summary: string;
  check?: Check;
}

/** The check a case's cause is keyed on; none for an error or a timeout (their message is the cause). */
export function causeCheck(result: Pick<CaseResult, 'outcome' | 'checks'>): Check | undefined {
  return result.outcome === 'error' || result.outcome === 'timeout' ? undefined : decisiveCheck(result);
}

function keyOf(result: CaseResult): Keyed {
  const check = causeCheck(result);
  if (check === undefined) {
    const message = result.message ?? result.outcome;
    const what = withoutIds(message);
    return {
      key: `${result.outcome === 'timeout' ? 'timeout' : 'error'}\u0000${generalize(message)}`,
      summary: result.outcome === 'timeout' ? `timeout: ${what}` : what,
    };
  }
  const request = check.request ?? '';
  // A value that is missing is the defect whatever each case wanted it to be (a server that drops
  // status_msg): what was wanted stays out of the key then.
  const missing = check.actual === undefined && check.path !== 'status';
  const key = [request, generalize(check.path), missing ? 'missing' : generalize(check.expected), actualKey(check)].join('\u0000');
  const what = missing ? `${withoutIds(check.path)}: got nothing` : withoutIds(check.message);
  return { key, summary: request === '' ? what : `${request}: ${what}`, check };
}

/**
 * The root causes of a run's cases, most cases first, and each case's cause id. Cases that passed,
 * were skipped, passed unexpectedly or were inconclusive have none.
 */
export function rootCauses(results: CaseResult[]): { causes: RootCause[]; causeOf: Map<string, string> } {
  const groups = new Map<string, { keyed: Keyed; cases: CaseResult[] }>();
  for (const r of results) {
    if (!WITH_CAUSE.has(r.outcome)) continue;
    const keyed = keyOf(r);
    const group = groups.get(keyed.key);
    if (group) group.cases.push(r);
    else groups.set(keyed.key, { keyed, cases: [r] });
  }
  const ordered = [...groups.values()].sort((a, b) => b.cases.length - a.cases.length);
  const causeOf = new Map<string, string>();
  const causes = ordered.map(({ keyed, cases }, i): RootCause => {
    const id = `c${i + 1}`;
    for (const c of cases) causeOf.set(c.id, id);
    const level = cases.map((c) => c.level).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
    return {
      id,
      summary: keyed.summary,
      ...(keyed.check?.request === undefined ? {} : { request: keyed.check.request }),
      ...(keyed.check === undefined ? {} : { expected: keyed.check.expected, actual: keyed.check.actual }),
      level,
      cases: cases.map((c) => ({ id: c.id, outcome: c.outcome })),
    };
  });
  return { causes, causeOf };
}

/** The report's cases with their cause ids, and the causes: what the runner and `report merge` attach. */
export function withRootCauses<R extends { cases: CaseResult[] }>(report: R): R & { causes: RootCause[] } {
  const { causes, causeOf } = rootCauses(report.cases);
  const cases = report.cases.map((c) => {
    const { cause: _old, ...rest } = c;
    void _old;
    const cause = causeOf.get(c.id);
    return cause === undefined ? rest : { ...rest, cause };
  });
  return { ...report, cases, causes };
}
