// The human-readable reporter. While the run goes: without a TTY (a CI log), one line per case as it
// finishes, so a long run is never silent; on a TTY, a live block of what runs and what each case waits
// for ("idle#online-becomes-unavailable: waiting for unavailable from alice (seen by bob), 41s of 310s"),
// with the cases that did not pass printed above it as they end. At the end: the cases grouped by area
// in suite order, the failed checks with got/want and where, the INFO observations, the warnings, and
// one summary line. An inconclusive case (a premise of its judgement seen broken) says what the server
// showed and what to change; a blocked case, which request failed and which case tests it; both are
// counted apart, never as passes, failures or skips. When the report has root causes (runner contract
// v2), a ROOT CAUSES section lists each with its level and its cases, so that a server that breaks one
// thing (or dies) reads as one cause, not as dozens of failures. Colours only on a TTY, and never with
// NO_COLOR set.
import type { CaseProgress, CaseResult, Outcome, Report, RootCause, RunInfo, RunListener } from '../project/report.js';
import { isFailure, observations } from '../project/report.js';
import { summariseVersions } from '../project/spec-versions.js';
import { formatDuration } from '../project/format-duration.js';
import { LiveDisplay, painter, wantsColour, type Paint, type Style, type Terminal } from './live-display.js';
import { blockedText, casesByOutcome, casesCount, causesOf, countOf, firstLine, partialHeadline, premiseText } from './causes.js';

export interface ConsoleReporterOptions {
  stream?: Terminal;
  colour?: boolean;
  /** Also list passing cases and INFO observations (default true). */
  verbose?: boolean;
  /** A live block of running cases (default: when the stream is a TTY); otherwise a line per finished case. */
  live?: boolean;
  /** How often the live block is redrawn (ms). */
  refreshMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

const MARKS: Record<Outcome, string> = {
  pass: '✓',
  fail: '✗',
  error: '!',
  timeout: '⧗',
  skip: '-',
  xfail: '~',
  xpass: '✗',
  inconclusive: '?',
  blocked: '⊘',
  interrupted: '■',
  not_run: '·',
};
const COLOURS: Record<Outcome, Style> = {
  pass: 'green',
  fail: 'red',
  error: 'red',
  timeout: 'red',
  skip: 'gray',
  xfail: 'yellow',
  xpass: 'red',
  inconclusive: 'magenta',
  blocked: 'yellow',
  interrupted: 'yellow',
  not_run: 'gray',
};
/** The order of the summary line. */
const SUMMARY_OUTCOMES: Outcome[] = ['pass', 'fail', 'error', 'timeout', 'inconclusive', 'blocked', 'interrupted', 'not_run', 'skip', 'xfail', 'xpass'];
/** Outcomes counted while the run goes but listed only at the end, and there only when verbose. */
const QUIET_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['skip', 'not_run']);
const NOT_RUN_WORDS: Record<string, string> = {
  selection: 'not selected',
  spec_version: 'other release',
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
  const notRun = Object.entries(must.cases_not_run)
    .filter(([kind]) => kind !== 'spec_version')
    .reduce((n, [, k]) => n + k, 0);
  const parts: string[] = [];
  if (notRun > 0) parts.push(`${notRun} MUST cases not run`);
  if (must.clauses_not_tested.length > 0) parts.push(`${must.clauses_not_tested.length} MUST clauses untested`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The live block shows at most this many running cases. */
const LIVE_ROWS = 10;

/** How long a live case has been at it: never negative, even when a test's clock is set back. */
function elapsed(ms: number): string {
  return formatDuration(Math.max(0, ms), { live: true });
}

interface Running {
  id: string;
  startedAt: number;
  progress?: CaseProgress;
}

/** The line under an inconclusive or a blocked case: what was seen and what to change, or what it waits on. */
function outcomeNote(r: CaseResult): string | undefined {
  if (r.outcome === 'inconclusive' && r.premise) return premiseText(r.premise);
  if (r.outcome === 'blocked' && r.blocked_by) return blockedText(r.blocked_by);
  return undefined;
}

/** Items joined by ", " on lines of at most `width` columns, the first after `head`, the others indented to align with it. */
function wrapList(head: string, items: string[], width: number): string[] {
  const indent = ' '.repeat(head.length);
  const lines: string[] = [];
  let line = head;
  items.forEach((item, i) => {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (i === 0) line += piece;
    else if (line.length + 1 + piece.length <= width) line += ` ${piece}`;
    else {
      lines.push(line);
      line = indent + piece;
    }
  });
  lines.push(line);
  return lines;
}

/** The INFO observations of a report: how many, and how many differ from what the suite prefers. */
export function countObservations(cases: CaseResult[]): { total: number; deviations: number } {
  const all = cases.flatMap(observations);
  return { total: all.length, deviations: all.filter((c) => !c.passed).length };
}

export class ConsoleReporter implements RunListener {
  private readonly out: Terminal;
  private readonly paint: Paint;
  private readonly display: LiveDisplay;
  private readonly verbose: boolean;
  private readonly live: boolean;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private planned = 0;
  private finished = 0;
  private readonly running = new Map<string, Running>();
  private timer?: NodeJS.Timeout;

  constructor(options: ConsoleReporterOptions = {}) {
    this.out = options.stream ?? process.stdout;
    this.paint = painter(options.colour ?? wantsColour(this.out));
    this.display = new LiveDisplay(this.out, this.paint);
    this.verbose = options.verbose ?? true;
    this.live = options.live ?? Boolean(this.out.isTTY);
    this.refreshMs = options.refreshMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  private write(line = ''): void {
    this.out.write(`${line}\n`);
  }

  onRunStart(info: RunInfo): void {
    this.planned = info.planned;
    const t = info.target;
    const server = t.server ? `${t.server.software ?? 'software not given'}, advertises ${summariseVersions(t.server.versions)}` : undefined;
    // Without a profile of its own the target is named by its URL and software, not by "generic".
    const target = t.embedded_mock
      ? `${t.name} (the embedded mock at ${t.url}${t.faults.length ? ` (faults: ${t.faults.join(', ')})` : ''})`
      : t.notes?.length
        ? `${t.url}${server ? ` (${server})` : ''}`
        : `${t.name} (${t.url}${server ? `; ${server}` : ''})`;
    this.write(`${info.tool.name} ${info.tool.version}: ${info.planned} cases against ${target}, ${info.options.jobs} jobs`);
    for (const note of t.notes ?? []) this.write(`  ${note}`);
    if (this.live) {
      this.timer = setInterval(() => this.drawLive(), this.refreshMs);
      this.timer.unref();
    }
  }

  onCaseStart(info: { id: string }): void {
    this.running.set(info.id, { id: info.id, startedAt: this.now() });
  }

  onCaseProgress(progress: CaseProgress): void {
    const running = this.running.get(progress.id);
    if (running) running.progress = progress;
  }

  onCaseEnd(result: CaseResult): void {
    this.finished += 1;
    this.running.delete(result.id);
    // Skipped cases come first, all at once, and the cases a stopped run never started all at once at
    // the end; they are counted, not listed while the run goes.
    if (QUIET_OUTCOMES.has(result.outcome)) return;
    const line = `${this.paint(COLOURS[result.outcome], `${MARKS[result.outcome]} ${result.outcome.padEnd(7)}`)} ${result.level.padEnd(6)} ${result.id} (${formatDuration(result.duration_ms)})`;
    const note = outcomeNote(result);
    if (!this.live) {
      this.write(`[${this.finished}/${this.planned}] ${line}`);
      if (note) this.write(`      ${note}`);
      return;
    }
    if (result.outcome !== 'pass') {
      this.display.clear();
      this.write(`  ${line}`);
      if (note) this.write(`      ${note}`);
    }
    this.drawLive();
  }

  /** The live block: a header and one line per running case with what it is doing and for how long. */
  liveBlock(): string[] {
    const now = this.now();
    const running = [...this.running.values()].sort((a, b) => a.startedAt - b.startedAt);
    const lines = [`${this.finished}/${this.planned} done, ${running.length} running`];
    for (const r of running.slice(0, LIVE_ROWS)) {
      const p = r.progress;
      const activity = p
        ? `${p.activity}, ${elapsed(now - p.started_at)}${p.limit_ms === undefined ? '' : ` of ${formatDuration(p.limit_ms, { live: true })}`}`
        : `starting, ${elapsed(now - r.startedAt)}`;
      lines.push(`  ${r.id}: ${activity}`);
    }
    if (running.length > LIVE_ROWS) lines.push(`  … and ${running.length - LIVE_ROWS} more`);
    return lines;
  }

  private drawLive(): void {
    if (!this.live || this.timer === undefined) return;
    this.display.draw(this.liveBlock(), 'gray');
  }

  onRunEnd(report: Report): void {
    if (this.timer) clearInterval(this.timer);
    this.display.clear();
    this.timer = undefined;
    const areas = new Map<string, CaseResult[]>();
    for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
    // Cases left out by --grep/--tag/--level are counted in the summary, not listed one by one.
    const unselected = (r: CaseResult) => r.outcome === 'skip' && /^not selected by /.test(r.message ?? '');
    for (const [area, results] of areas) {
      const shown = results.filter((r) => !unselected(r) && (this.verbose || (r.outcome !== 'pass' && !QUIET_OUTCOMES.has(r.outcome))));
      if (shown.length === 0) continue;
      const selected = results.filter((r) => !unselected(r));
      const passed = selected.filter((r) => r.outcome === 'pass').length;
      this.write();
      this.write(`${this.paint('bold', area)} (${passed}/${selected.length} pass)`);
      for (const r of shown) this.writeCase(r);
    }
    const causes = causesOf(report);
    if (causes.length > 0) {
      this.write();
      for (const line of this.causeLines(causes, report.gating_failures)) this.write(line);
    }
    this.write();
    for (const w of report.warnings) this.write(this.paint('yellow', `warning: ${w}`));
    for (const line of coverageLines(report, this.verbose)) this.write(line);
    for (const line of this.partialLines(report)) this.write(line);
    this.write(this.summaryLine(report));
  }

  /** What a partial run left out: why, and the cases that did not finish (interrupted, not run), by outcome. */
  private partialLines(report: Report): string[] {
    const partial = report.partial;
    if (!partial || partial.missing.length === 0) return [];
    const width = Math.max(60, (this.out.columns ?? 120) - 1);
    const lines = [this.paint('yellow', partialHeadline(partial))];
    const missing = new Set(partial.missing);
    for (const outcome of ['interrupted', 'not_run'] as const) {
      const ids = report.cases.filter((c) => missing.has(c.id) && c.outcome === outcome).map((c) => c.id);
      if (ids.length > 0) lines.push(...wrapList(`  ${outcome.replace('_', ' ')}: `, ids, width));
    }
    return lines;
  }

  private writeCase(r: CaseResult): void {
    const mark = this.paint(COLOURS[r.outcome], `${MARKS[r.outcome]} ${r.outcome.padEnd(7)}`);
    const time = r.outcome === 'skip' ? '' : ` ${this.paint('gray', `(${formatDuration(r.duration_ms)})`)}`;
    this.write(`  ${mark} ${r.level.padEnd(6)} ${r.id}: ${r.title}${time}`);
    if (r.outcome === 'inconclusive' || r.outcome === 'blocked') {
      const note = outcomeNote(r) ?? r.message;
      if (note) this.write(`      ${note}`);
      if (this.verbose) {
        for (const check of observations(r)) this.write(`      ${this.paint('cyan', `info: ${check.message}`)}`);
      }
      return;
    }
    if (r.outcome === 'interrupted' || r.outcome === 'not_run') {
      if (r.message) this.write(`      ${this.paint('gray', r.message)}`);
      return;
    }
    if (r.outcome === 'skip' || r.outcome === 'xfail') {
      const reason = r.expectation ? `${r.expectation.reason}${r.expectation.issue ? ` (${r.expectation.issue})` : ''}` : r.message;
      if (reason) this.write(`      ${this.paint('gray', reason)}`);
      return;
    }
    if (r.outcome === 'error' || r.outcome === 'timeout' || r.outcome === 'xpass') {
      this.write(`      ${r.message ?? ''}`);
    }
    for (const check of r.checks.filter(isFailure)) this.write(`      ${check.message}`);
    if (this.verbose) {
      for (const check of observations(r)) this.write(`      ${this.paint('cyan', `info: ${check.message}`)}`);
    }
  }

  /**
   * The ROOT CAUSES section: a line per cause (its id, level, number of cases and summary; red when one
   * of its cases gates the run), and under it its case ids by outcome, as many to a line as fit.
   */
  private causeLines(causes: RootCause[], gating: string[]): string[] {
    const gates = new Set(gating);
    const width = Math.max(60, (this.out.columns ?? 120) - 1);
    const cases = causes.reduce((n, c) => n + c.cases.length, 0);
    const lines = [`${this.paint('bold', 'ROOT CAUSES')} (${causes.length === 1 ? '1 cause' : `${causes.length} causes`} of ${casesCount(cases)})`];
    for (const cause of causes) {
      const colour: Style = cause.cases.some((c) => gates.has(c.id)) ? 'red' : 'yellow';
      lines.push(`  ${this.paint(colour, `${cause.id} ${cause.level}`)}, ${casesCount(cause.cases.length)}: ${firstLine(cause.summary)}`);
      for (const [outcome, ids] of casesByOutcome(cause)) {
        const [first, ...rest] = wrapList(`      ${outcome}: `, ids, width);
        lines.push(first!.replace(`${outcome}:`, this.paint(COLOURS[outcome], `${outcome}:`)), ...rest);
      }
    }
    return lines;
  }

  private summaryLine(report: Report): string {
    const s = report.summary;
    const parts = SUMMARY_OUTCOMES.filter((o) => countOf(s, o) > 0).map((o) => this.paint(COLOURS[o], `${countOf(s, o)} ${o}`));
    const info = countObservations(report.cases);
    const infoText =
      info.total === 0
        ? ''
        : this.paint(
            'cyan',
            `; ${info.total} info observation${info.total === 1 ? '' : 's'}${info.deviations > 0 ? ` (${info.deviations} deviating)` : ''}${this.verbose ? '' : ', listed without --quiet'}`,
          );
    return `${s.total} cases: ${parts.join(', ') || 'none run'} in ${formatDuration(report.duration_ms)}${infoText} — ${this.verdict(report)}`;
  }

  /**
   * OK or FAILED, and for a partial run what stopped it: "INTERRUPTED by SIGINT (70 cases did not
   * finish)", "PARTIAL (40 cases left out for time; not accepted without --allow-partial)".
   */
  private verdict(report: Report): string {
    const gating = report.gating_failures;
    const failed = `FAILED (${gating.length} gating: ${gating.slice(0, 5).join(', ')}${gating.length > 5 ? ', ...' : ''})`;
    const partial = report.partial;
    const missing = partial?.missing.length ?? 0;
    if (partial?.reason === 'interrupted') {
      const unfinished = `${missing === 1 ? '1 case' : `${missing} cases`} did not finish`;
      const word = partial.signal ? `INTERRUPTED by ${partial.signal}` : 'INTERRUPTED';
      return this.paint('red', `${word} (${unfinished}${gating.length > 0 ? `; ${failed}` : ''})`);
    }
    if (partial && missing > 0) {
      const left = `${missing === 1 ? '1 case' : `${missing} cases`} left out for time`;
      if (!partial.accepted) return this.paint('red', `PARTIAL (${left}; not accepted without --allow-partial${gating.length > 0 ? `; ${failed}` : ''})`);
      const note = this.paint('yellow', ` (partial, accepted: ${left})`);
      return report.exit_code === 0 ? this.paint('green', 'OK') + note : this.paint('red', failed) + note;
    }
    const note = partialNote(report);
    return report.exit_code === 0 ? this.paint('green', 'OK') + (note ? this.paint('yellow', ` (partial: ${note})`) : '') : this.paint('red', failed);
  }
}
