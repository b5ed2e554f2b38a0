// JUnit XML for CI systems: one <testsuite> per area, one <testcase> per case. JUnit has no xfail or
// xpass: an xfail is a <skipped> with its reason, an xpass a <failure>; timeouts and errors are <error>.
// JUnit has no INFO either: a case's INFO observations (implementation-defined behaviour, never a
// failure) are its <system-out>, which CI test views show beside the case, whatever its outcome.
// Inconclusive and blocked cases judged nothing: each is a <skipped> whose message says what to change
// or which case tests the request that failed. With root causes (runner contract v2), the message of a
// <failure> or an <error> starts with its cause ("[c1] GET ...: status: got 404, want 200"), and each
// <testsuite> lists the causes of its cases as <properties>. A partial run's interrupted and not-run
// cases are <skipped> with the reason, so a CI test view shows what finished and what did not.
import { writeFileAtomic } from '../project/atomic-write.js';
import type { CaseResult, Report, RootCause, RunListener } from '../project/report.js';
import { isFailure, observations } from '../project/report.js';
import { blockedText, casesCount, causeByCase, causesOf, firstLine } from './causes.js';

/**
 * XML 1.0's Char production: tab, newline, carriage return, and U+0020 up, less the two non-characters
 * and the surrogates (a lone one, from a server's broken JSON string escape, is no character at all).
 */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
}

export function xmlEscape(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest are escaped.
  return [...text]
    .filter((ch) => isXmlChar(ch.codePointAt(0)!))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit's time attribute: seconds as a decimal number ("1.500"), which CI tools parse and add up. It is
 * data, not prose, so it is not project/format-duration.ts's "1.5s".
 */
function timeAttribute(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function details(r: CaseResult): string {
  const lines = [r.message ?? '', ...r.checks.filter(isFailure).map((c) => c.message)].filter(Boolean);
  const unique = [...new Set(lines)];
  if (r.transcript?.length) {
    unique.push('', 'transcript:');
    for (const e of r.transcript) {
      unique.push(`${e.request.method} ${e.request.url}${e.request.body ? ` ${e.request.body}` : ''}`);
      unique.push(e.response ? `  -> ${e.response.status} ${e.response.body}` : `  -> ${e.error ?? 'no response'}`);
    }
  }
  return unique.join('\n');
}

/** "info: ..." lines, marking the observations that differ from what the suite prefers. */
function observationLines(r: CaseResult): string[] {
  return observations(r).map((c) => `info${c.passed ? '' : ' (deviating)'}: ${c.message}`);
}

function verdictElement(r: CaseResult, cause: RootCause | undefined): string | undefined {
  const own = firstLine(r.message ?? '');
  const message = xmlEscape(cause ? `[${cause.id}] ${firstLine(cause.summary)}` : own);
  switch (r.outcome) {
    case 'pass':
      return undefined;
    case 'skip':
      return `<skipped message="${xmlEscape(own)}"/>`;
    case 'inconclusive':
      return `<skipped message="${xmlEscape(r.premise ? `inconclusive: ${r.premise.seen}; change: ${r.premise.change}` : `inconclusive: ${own}`)}"/>`;
    case 'blocked':
      return `<skipped message="${xmlEscape(r.blocked_by ? blockedText(r.blocked_by) : `blocked: ${own}`)}"/>`;
    case 'xfail':
      return `<skipped message="${xmlEscape(`expected failure: ${r.expectation?.reason ?? ''}`)}"/>`;
    case 'interrupted':
    case 'not_run':
      // A partial run's unfinished cases judged nothing: never a pass, never a failure.
      return `<skipped message="${xmlEscape(own || r.outcome)}"/>`;
    case 'fail':
    case 'xpass':
      return `<failure type="${xmlEscape(`${r.level} ${r.outcome}`)}" message="${message}">${xmlEscape(details(r))}</failure>`;
    default:
      return `<error type="${xmlEscape(r.outcome)}" message="${message}">${xmlEscape(details(r))}</error>`;
  }
}

function testcase(r: CaseResult, cause: RootCause | undefined): string {
  const open = `    <testcase classname="${xmlEscape(r.area)}" name="${xmlEscape(`${r.id} ${r.title}`)}" file="${xmlEscape(r.file)}" time="${timeAttribute(r.duration_ms)}"`;
  const info = observationLines(r);
  const children = [verdictElement(r, cause), info.length > 0 ? `<system-out>${xmlEscape(info.join('\n'))}</system-out>` : undefined].filter(
    (e) => e !== undefined,
  );
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.map((e) => `      ${e}\n`).join('')}    </testcase>`;
}

/** The root causes of a suite's cases, as its <properties>: "cause c1" = "MUST, 20 cases: <summary>". */
function properties(causes: RootCause[]): string | undefined {
  if (causes.length === 0) return undefined;
  const lines = causes.map(
    (c) => `      <property name="${xmlEscape(`cause ${c.id}`)}" value="${xmlEscape(`${c.level}, ${casesCount(c.cases.length)}: ${firstLine(c.summary)}`)}"/>`,
  );
  return `    <properties>\n${lines.join('\n')}\n    </properties>`;
}

const SKIPPED = ['skip', 'xfail', 'inconclusive', 'blocked', 'interrupted', 'not_run'];

export function toJUnitXml(report: Report): string {
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const causeOf = causeByCase(report);
  const count = (rs: CaseResult[], outcomes: string[]) => rs.filter((r) => outcomes.includes(r.outcome)).length;
  const suites = [...areas].map(([area, rs]) => {
    const time = rs.reduce((t, r) => t + r.duration_ms, 0);
    const here = new Set(rs.map((r) => causeOf.get(r.id)));
    const causes = causesOf(report).filter((c) => here.has(c));
    const body = [properties(causes), ...rs.map((r) => testcase(r, causeOf.get(r.id)))].filter((e) => e !== undefined);
    return `  <testsuite name="${xmlEscape(area)}" tests="${rs.length}" failures="${count(rs, ['fail', 'xpass'])}" errors="${count(rs, ['error', 'timeout'])}" skipped="${count(rs, SKIPPED)}" time="${timeAttribute(time)}">\n${body.join('\n')}\n  </testsuite>`;
  });
  const all = report.cases;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(`${report.tool.name} against ${report.target.name}`)}" tests="${all.length}" failures="${count(all, ['fail', 'xpass'])}" errors="${count(all, ['error', 'timeout'])}" skipped="${count(all, SKIPPED)}" time="${timeAttribute(report.duration_ms)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export class JUnitReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFileAtomic(this.file, toJUnitXml(report));
  }
}
