// JUnit XML for CI systems: one <testsuite> per area, one <testcase> per case. JUnit has no xfail or
// xpass: an xfail is a <skipped> with its reason, an xpass a <failure>; timeouts and errors are <error>.
// JUnit has no INFO either: a case's INFO observations (implementation-defined behaviour, never a
// failure) are its <system-out>, which CI test views show beside the case, whatever its outcome.
import { writeFile } from 'node:fs/promises';
import type { CaseResult, Report, RunListener } from '../project/report.js';
import { isFailure, observations } from '../project/report.js';

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

function verdictElement(r: CaseResult): string | undefined {
  const message = xmlEscape((r.message ?? '').split('\n')[0]!);
  switch (r.outcome) {
    case 'pass':
      return undefined;
    case 'skip':
      return `<skipped message="${message}"/>`;
    case 'xfail':
      return `<skipped message="${xmlEscape(`expected failure: ${r.expectation?.reason ?? ''}`)}"/>`;
    case 'fail':
    case 'xpass':
      return `<failure type="${xmlEscape(`${r.level} ${r.outcome}`)}" message="${message}">${xmlEscape(details(r))}</failure>`;
    default:
      return `<error type="${xmlEscape(r.outcome)}" message="${message}">${xmlEscape(details(r))}</error>`;
  }
}

function testcase(r: CaseResult): string {
  const open = `    <testcase classname="${xmlEscape(r.area)}" name="${xmlEscape(`${r.id} ${r.title}`)}" file="${xmlEscape(r.file)}" time="${timeAttribute(r.duration_ms)}"`;
  const info = observationLines(r);
  const children = [verdictElement(r), info.length > 0 ? `<system-out>${xmlEscape(info.join('\n'))}</system-out>` : undefined].filter((e) => e !== undefined);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.map((e) => `      ${e}\n`).join('')}    </testcase>`;
}

export function toJUnitXml(report: Report): string {
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const count = (rs: CaseResult[], outcomes: string[]) => rs.filter((r) => outcomes.includes(r.outcome)).length;
  const suites = [...areas].map(([area, rs]) => {
    const time = rs.reduce((t, r) => t + r.duration_ms, 0);
    return `  <testsuite name="${xmlEscape(area)}" tests="${rs.length}" failures="${count(rs, ['fail', 'xpass'])}" errors="${count(rs, ['error', 'timeout'])}" skipped="${count(rs, ['skip', 'xfail'])}" time="${timeAttribute(time)}">\n${rs.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const all = report.cases;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(`${report.tool.name} against ${report.target.name}`)}" tests="${all.length}" failures="${count(all, ['fail', 'xpass'])}" errors="${count(all, ['error', 'timeout'])}" skipped="${count(all, ['skip', 'xfail'])}" time="${timeAttribute(report.duration_ms)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export class JUnitReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFile(this.file, toJUnitXml(report));
  }
}
