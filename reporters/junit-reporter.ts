// JUnit XML for CI systems: one <testsuite> per area, one <testcase> per case. JUnit has no xfail or
// xpass: an xfail is a <skipped> with its reason, an xpass a <failure>; timeouts and errors are <error>.
import { writeFile } from 'node:fs/promises';
import type { CaseResult, Report, RunListener } from '../project/report.js';
import { isFailure } from '../project/report.js';

export function xmlEscape(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the rest are escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
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

function testcase(r: CaseResult): string {
  const open = `    <testcase classname="${xmlEscape(r.area)}" name="${xmlEscape(`${r.id} ${r.title}`)}" file="${xmlEscape(r.file)}" time="${seconds(r.duration_ms)}"`;
  const message = xmlEscape((r.message ?? '').split('\n')[0]!);
  switch (r.outcome) {
    case 'pass':
      return `${open}/>`;
    case 'skip':
      return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
    case 'xfail':
      return `${open}>\n      <skipped message="${xmlEscape(`expected failure: ${r.expectation?.reason ?? ''}`)}"/>\n    </testcase>`;
    case 'fail':
    case 'xpass':
      return `${open}>\n      <failure type="${r.level} ${r.outcome}" message="${message}">${xmlEscape(details(r))}</failure>\n    </testcase>`;
    default:
      return `${open}>\n      <error type="${r.outcome}" message="${message}">${xmlEscape(details(r))}</error>\n    </testcase>`;
  }
}

export function toJUnitXml(report: Report): string {
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const count = (rs: CaseResult[], outcomes: string[]) => rs.filter((r) => outcomes.includes(r.outcome)).length;
  const suites = [...areas].map(([area, rs]) => {
    const time = rs.reduce((t, r) => t + r.duration_ms, 0);
    return `  <testsuite name="${xmlEscape(area)}" tests="${rs.length}" failures="${count(rs, ['fail', 'xpass'])}" errors="${count(rs, ['error', 'timeout'])}" skipped="${count(rs, ['skip', 'xfail'])}" time="${seconds(time)}">\n${rs.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const all = report.cases;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(`${report.tool.name} against ${report.target.name}`)}" tests="${all.length}" failures="${count(all, ['fail', 'xpass'])}" errors="${count(all, ['error', 'timeout'])}" skipped="${count(all, ['skip', 'xfail'])}" time="${seconds(report.duration_ms)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export class JUnitReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFile(this.file, toJUnitXml(report));
  }
}
