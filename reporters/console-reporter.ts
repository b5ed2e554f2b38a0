// The human-readable reporter: a line when the run starts, a progress mark per finished case (on a
// TTY), then the cases grouped by area in suite order, the failed checks with got/want and where, the
// warnings, and one summary line. Colours only on a TTY, and never with NO_COLOR set.
import type { CaseResult, Outcome, Report, RunInfo, RunListener } from '../project/report.js';
import { isFailure } from '../project/report.js';
import { summariseVersions } from '../project/spec-versions.js';

export interface ConsoleReporterOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  colour?: boolean;
  /** Also list passing cases and INFO observations (default true). */
  verbose?: boolean;
}

const MARKS: Record<Outcome, string> = { pass: '✓', fail: '✗', error: '!', timeout: '⧗', skip: '-', xfail: '~', xpass: '✗' };
const COLOURS: Record<Outcome, number> = { pass: 32, fail: 31, error: 31, timeout: 31, skip: 90, xfail: 33, xpass: 31 };

const NOT_RUN_WORDS: Record<string, string> = {
  selection: 'not selected',
  spec_version: 'other spec version',
  capability: 'capability not claimed',
  registration: 'static users',
  expectation: 'expected skip',
};

/**
 * One line per level that says how much the run covered ("MUST: 60 cases run, 4 not (capability not
 * claimed 4); 45/49 clauses tested"), and, verbose, the clauses left untested and why.
 */
export function coverageLines(report: Pick<Report, 'coverage'>, verbose: boolean): string[] {
  const lines: string[] = [];
  for (const [level, c] of Object.entries(report.coverage ?? {})) {
    const notRun = Object.entries(c.cases_not_run);
    const notRunCount = notRun.reduce((n, [, k]) => n + k, 0);
    const why = notRun.map(([kind, n]) => `${NOT_RUN_WORDS[kind] ?? kind} ${n}`).join(', ');
    const clauses = c.clauses_tested + c.clauses_not_tested.length;
    const clausePart = clauses > 0 ? `; ${c.clauses_tested}/${clauses} clauses tested` : '';
    lines.push(`${level}: ${c.cases_run} cases run${notRunCount > 0 ? `, ${notRunCount} not (${why})` : ''}${clausePart}`);
    if (verbose || level === 'MUST') {
      for (const u of c.clauses_not_tested) lines.push(`  untested ${level} clause ${u.id}: ${u.why}`);
    }
  }
  return lines;
}

/** What a passing run left out at MUST level, in a few words; undefined for a full run. */
export function partialNote(report: Pick<Report, 'coverage'>): string | undefined {
  const must = report.coverage?.MUST;
  if (!must) return undefined;
  // Cases of another spec text do not apply to the target: leaving them out is not partial.
  const notRun = Object.entries(must.cases_not_run).filter(([kind]) => kind !== 'spec_version').reduce((n, [, k]) => n + k, 0);
  const parts: string[] = [];
  if (notRun > 0) parts.push(`${notRun} MUST cases not run`);
  if (must.clauses_not_tested.length > 0) parts.push(`${must.clauses_not_tested.length} MUST clauses untested`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export class ConsoleReporter implements RunListener {
  private readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly colour: boolean;
  private readonly verbose: boolean;
  private progress = 0;

  constructor(options: ConsoleReporterOptions = {}) {
    this.out = options.stream ?? process.stdout;
    this.colour = options.colour ?? (Boolean(this.out.isTTY) && !process.env.NO_COLOR);
    this.verbose = options.verbose ?? true;
  }

  private paint(code: number, text: string): string {
    return this.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  private write(line = ''): void {
    this.out.write(`${line}\n`);
  }

  onRunStart(info: RunInfo): void {
    const t = info.target;
    const server = t.server ? `${t.server.software ?? 'software not given'}, advertises ${summariseVersions(t.server.versions)}` : undefined;
    // Without a profile of its own the target is named by its URL and software, not by "generic".
    const target = t.embedded_mock
      ? `${t.name} (the embedded mock at ${t.url}${t.faults.length ? ` (faults: ${t.faults.join(', ')})` : ''})`
      : t.notes?.length ? `${t.url}${server ? ` (${server})` : ''}` : `${t.name} (${t.url}${server ? `; ${server}` : ''})`;
    this.write(`${info.tool.name} ${info.tool.version}: ${info.planned} cases against ${target}, ${info.options.jobs} jobs`);
    for (const note of t.notes ?? []) this.write(`  ${note}`);
  }

  onCaseEnd(result: CaseResult): void {
    if (!this.out.isTTY) return;
    this.progress += 1;
    this.out.write(this.paint(COLOURS[result.outcome], result.outcome === 'pass' ? '.' : MARKS[result.outcome]));
  }

  onRunEnd(report: Report): void {
    if (this.progress > 0) this.write();
    const areas = new Map<string, CaseResult[]>();
    for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
    // Cases left out by --grep/--tag/--level are counted in the summary, not listed one by one.
    const unselected = (r: CaseResult) => r.outcome === 'skip' && /^not selected by /.test(r.message ?? '');
    for (const [area, results] of areas) {
      const shown = results.filter((r) => !unselected(r) && (this.verbose || (r.outcome !== 'pass' && r.outcome !== 'skip')));
      if (shown.length === 0) continue;
      const selected = results.filter((r) => !unselected(r));
      const passed = selected.filter((r) => r.outcome === 'pass').length;
      this.write();
      this.write(`${this.paint(1, area)} (${passed}/${selected.length} pass)`);
      for (const r of shown) this.writeCase(r);
    }
    this.write();
    for (const w of report.warnings) this.write(this.paint(33, `warning: ${w}`));
    for (const line of coverageLines(report, this.verbose)) this.write(line);
    this.write(this.summaryLine(report));
  }

  private writeCase(r: CaseResult): void {
    const mark = this.paint(COLOURS[r.outcome], `${MARKS[r.outcome]} ${r.outcome.padEnd(7)}`);
    const time = r.outcome === 'skip' ? '' : ` ${this.paint(90, `(${formatDuration(r.duration_ms)})`)}`;
    this.write(`  ${mark} ${r.level.padEnd(6)} ${r.id}: ${r.title}${time}`);
    if (r.outcome === 'skip' || r.outcome === 'xfail') {
      const reason = r.expectation ? `${r.expectation.reason}${r.expectation.issue ? ` (${r.expectation.issue})` : ''}` : r.message;
      if (reason) this.write(`      ${this.paint(90, reason)}`);
      return;
    }
    if (r.outcome === 'error' || r.outcome === 'timeout' || r.outcome === 'xpass') {
      this.write(`      ${r.message ?? ''}`);
    }
    for (const check of r.checks.filter(isFailure)) this.write(`      ${check.message}`);
    if (this.verbose) {
      for (const check of r.checks.filter((c) => c.level === 'INFO')) {
        this.write(`      ${this.paint(36, `info: ${check.message}`)}`);
      }
    }
  }

  private summaryLine(report: Report): string {
    const s = report.summary;
    const parts = (['pass', 'fail', 'error', 'timeout', 'skip', 'xfail', 'xpass'] as Outcome[])
      .filter((o) => s[o] > 0)
      .map((o) => this.paint(COLOURS[o], `${s[o]} ${o}`));
    const partial = partialNote(report);
    const verdict = report.exit_code === 0
      ? this.paint(32, 'OK') + (partial ? this.paint(33, ` (partial: ${partial})`) : '')
      : this.paint(31, `FAILED (${report.gating_failures.length} gating: ${report.gating_failures.slice(0, 5).join(', ')}${report.gating_failures.length > 5 ? ', ...' : ''})`);
    return `${s.total} cases: ${parts.join(', ') || 'none run'} in ${formatDuration(report.duration_ms)} — ${verdict}`;
  }
}
