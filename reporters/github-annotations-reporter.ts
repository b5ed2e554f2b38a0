// GitHub Actions workflow commands (`::error file=...,line=...,col=...::message`), so that a CI run
// marks what went wrong on the suite line that states it. With root causes (runner contract v2), one
// annotation per cause, at the decisive check of its first failing case, titled with the cause and its
// number of cases, listing the cases; without (a v1 report), one per failed check. A cause or case that
// gates the run is an error; the other failures (SHOULD/MAY without --strict, xpass aside) are warnings;
// a cause whose cases were only blocked is a notice (a cause of expected failures only, none). Each
// inconclusive case is a notice at its premise saying what to change, and every INFO observation a
// notice at its matcher's line; a partial run (interrupted, out of time), one warning naming the
// missing cases. Pure consumer of the report.
import type { CaseResult, Report, RootCause, RunListener } from '../project/report.js';
import { isFailure, observations } from '../project/report.js';
import { causeCheck } from '../project/root-causes.js';
import { casesByOutcome, casesCount, causesOf, FAILED_OUTCOMES, firstLine, partialHeadline, premiseText } from './causes.js';

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

/** Where a case went wrong: the check its cause is keyed on, or the case itself when it errored or timed out. */
function decisiveAt(r: CaseResult): string {
  return causeCheck(r)?.at ?? r.at;
}

/** One annotation for a root cause, or none for a cause of expected failures only. */
function causeAnnotation(cause: RootCause, cases: Map<string, CaseResult>, gating: Set<string>): string | undefined {
  const failing = cause.cases.filter((c) => FAILED_OUTCOMES.has(c.outcome));
  if (failing.length === 0 && !cause.cases.some((c) => c.outcome === 'blocked')) return undefined;
  const kind = cause.cases.some((c) => gating.has(c.id)) ? 'error' : failing.length > 0 ? 'warning' : 'notice';
  const first = cases.get((failing[0] ?? cause.cases[0]!).id);
  const title = `${cause.level} ${cause.id}: ${firstLine(cause.summary)} (${casesCount(cause.cases.length)})`;
  const body = casesByOutcome(cause)
    .map(([outcome, ids]) => `${outcome}: ${ids.join(', ')}`)
    .join('\n');
  return annotation(kind, first ? decisiveAt(first) : '', title, body);
}

export function toAnnotations(report: Report): string[] {
  const gating = new Set(report.gating_failures);
  const lines: string[] = [];
  const byId = new Map(report.cases.map((r) => [r.id, r]));
  const withCause = new Set<string>();
  for (const cause of causesOf(report)) {
    for (const c of cause.cases) withCause.add(c.id);
    const line = causeAnnotation(cause, byId, gating);
    if (line) lines.push(line);
  }
  for (const r of report.cases as CaseResult[]) {
    if (!FAILED_OUTCOMES.has(r.outcome) || withCause.has(r.id)) continue;
    const kind = gating.has(r.id) ? 'error' : 'warning';
    const title = `${r.level} ${r.id} (${r.outcome})`;
    const failed = r.checks.filter(isFailure);
    if (r.outcome === 'xpass')
      lines.push(annotation(kind, r.at, title, `passed, but the expectations file expects it to fail: ${r.expectation?.reason ?? ''}`));
    else if (failed.length === 0) lines.push(annotation(kind, r.at, title, r.message ?? r.outcome));
    else for (const c of failed) lines.push(annotation(kind, c.at, title, c.message));
  }
  // A partial run: one warning, on no line, saying why cases are missing (they judged nothing).
  if (report.partial && report.partial.missing.length > 0) {
    const partial = report.partial;
    lines.push(`::warning title=${escapeProperty(partialHeadline(partial))}::${escapeData(`missing: ${partial.missing.join(', ')}`)}`);
  }
  for (const r of report.cases as CaseResult[]) {
    if (r.outcome === 'inconclusive')
      lines.push(
        annotation('notice', r.premise?.at ?? r.at, `${r.level} ${r.id} (inconclusive)`, r.premise ? premiseText(r.premise) : (r.message ?? 'inconclusive')),
      );
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
