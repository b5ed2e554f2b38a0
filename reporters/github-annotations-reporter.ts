// GitHub Actions workflow commands (`::error file=...,line=...,col=...::message`), so that a CI run
// marks each failed check on the suite line that states it. Cases that gate the run are errors; the
// other failures (SHOULD/MAY without --strict, xpass aside) are warnings; every INFO observation is a
// notice at its matcher's line. Pure consumer of the report.
import type { CaseResult, Report, RunListener } from '../project/report.js';
import { isFailure, observations } from '../project/report.js';

/** Workflow-command escaping: properties escape also ',' and ':'. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** "suites/x.yaml:41:9" -> its parts; a location without line/col keeps only the file. */
function splitLocation(at: string): { file: string; line?: string; col?: string } {
  const m = /^(.*?):(\d+):(\d+)$/.exec(at);
  return m ? { file: m[1]!, line: m[2]!, col: m[3]! } : { file: at };
}

function annotation(kind: 'error' | 'warning' | 'notice', at: string, title: string, message: string): string {
  const { file, line, col } = splitLocation(at);
  const props = [`file=${escapeProperty(file)}`, line && `line=${line}`, col && `col=${col}`, `title=${escapeProperty(title)}`].filter(Boolean);
  // The location is in the properties; the message need not repeat it.
  const text = message.startsWith(`${at}: `) ? message.slice(at.length + 2) : message;
  return `::${kind} ${props.join(',')}::${escapeData(text)}`;
}

const NOT_PASSED = new Set(['fail', 'error', 'timeout', 'xpass']);

export function toAnnotations(report: Report): string[] {
  const gating = new Set(report.gating_failures);
  const lines: string[] = [];
  for (const r of report.cases as CaseResult[]) {
    if (!NOT_PASSED.has(r.outcome)) continue;
    const kind = gating.has(r.id) ? 'error' : 'warning';
    const title = `${r.level} ${r.id} (${r.outcome})`;
    const failed = r.checks.filter(isFailure);
    if (r.outcome === 'xpass')
      lines.push(annotation(kind, r.at, title, `passed, but the expectations file expects it to fail: ${r.expectation?.reason ?? ''}`));
    else if (failed.length === 0) lines.push(annotation(kind, r.at, title, r.message ?? r.outcome));
    else for (const c of failed) lines.push(annotation(kind, c.at, title, c.message));
  }
  for (const r of report.cases as CaseResult[]) {
    for (const c of observations(r)) lines.push(annotation('notice', c.at, `INFO ${r.id}${c.passed ? '' : ' (deviating)'}`, c.message));
  }
  return lines;
}

export class GitHubAnnotationsReporter implements RunListener {
  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  onRunEnd(report: Report): void {
    const lines = toAnnotations(report);
    if (lines.length > 0) this.write(`${lines.join('\n')}\n`);
  }
}
