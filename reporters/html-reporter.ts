// The report as one self-contained HTML page: a conformance matrix first (the clauses of the spec texts,
// v1.19, r0 and early, by area, each with its level and verdict and the cases behind it), then
// the cases by area, each case's got/want, INFO observations and transcript one click away. A filter
// narrows both by text, outcome, level and verdict. When the report has root causes (runner contract v2),
// a table of them comes first: each cause with its level and its cases, which lead to their details; an
// inconclusive case shows the premise seen broken and what to change, a blocked case the request that
// failed and the case that tests it. Everything it shows comes from the report (its `clauses` carry the
// catalogue), so `report render --html` draws a saved report the same way.
import { writeFileAtomic } from '../project/atomic-write.js';
import type { CaseResult, Check, Exchange, Outcome, Report, RootCause, RunListener } from '../project/report.js';
import { OUTCOMES, isFailure, observations } from '../project/report.js';
import { CLAUSE_VERDICTS, SPEC_TEXTS, clauseRows, type ClauseRow, type ClauseVerdictName } from '../project/clause-verdict.js';
import { formatDuration } from '../project/format-duration.js';
import { joinHtml, safeHtml, type Html } from '../project/html.js';
import { OUTCOME_COLOURS, VERDICT_COLOURS, anchor, badge, filterForm, page, tokens } from './html-page.js';
import { partialNote } from './console-reporter.js';
import { casesCount, causeByCase, causesOf, countOf, partialHeadline } from './causes.js';

const NOT_PASSED = new Set<Outcome>(['fail', 'error', 'timeout', 'xfail', 'xpass', 'inconclusive', 'blocked', 'interrupted', 'not_run']);

function outcomeTokens(outcomes: Outcome[]): string {
  return tokens([...outcomes, ...(outcomes.some((o) => NOT_PASSED.has(o)) ? ['not-passed'] : [])]);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** An expectation's issue as a link when it is a web address; anything else (a javascript: URL) stays text. */
function issueLink(issue: string): Html {
  return /^https?:\/\//i.test(issue) ? safeHtml`<a href="${issue}">${issue}</a>` : safeHtml`${issue}`;
}

/** A check's badge: an observation, a premise seen broken, a failed request the case relied on, or a failure. */
function checkBadge(c: Check): Html {
  if (c.level === 'INFO') return badge(c.passed ? 'info' : 'info ≠', '#0969da');
  if (c.role === 'premise') return badge('premise', OUTCOME_COLOURS.inconclusive);
  if (c.role === 'setup') return badge('setup failed', OUTCOME_COLOURS.blocked);
  return badge('failed', OUTCOME_COLOURS.fail);
}

function checksTable(checks: Check[]): Html | undefined {
  if (checks.length === 0) return undefined;
  const rows = checks.map(
    (c) =>
      safeHtml`<tr><td>${checkBadge(c)}</td><td><code>${c.at}</code></td><td><code>${c.path}</code></td><td class="gotwant got">${show(c.actual)}</td><td class="gotwant want">${c.expected}</td></tr>`,
  );
  return safeHtml`<table class="checks"><tr><th></th><th>where</th><th>what</th><th>got</th><th>want</th></tr>${rows}</table>`;
}

function transcriptText(transcript: Exchange[]): string {
  return transcript
    .map((e) => {
      const request = `${e.step}: ${e.request.method} ${e.request.url}${e.request.body ? `\n  ${e.request.body}` : ''}`;
      const answer = e.response ? `${e.response.status} ${e.response.body}` : (e.error ?? 'no response');
      return `${request}\n  -> ${answer}${e.response && e.error ? ` (${e.error})` : ''} (${formatDuration(e.duration_ms)})`;
    })
    .join('\n');
}

/** A case's details: why it did not pass, its failed checks with got/want, its observations, its transcript. */
function caseDetails(r: CaseResult): Html | undefined {
  const failed = r.checks.filter(isFailure);
  const info = observations(r);
  const parts: Html[] = [];
  if (r.expectation)
    parts.push(
      safeHtml`<p>expected ${r.expectation.expect}: ${r.expectation.reason}${r.expectation.issue ? safeHtml` (${issueLink(r.expectation.issue)})` : ''}</p>`,
    );
  if (r.message && (r.outcome !== 'fail' || failed.length === 0)) parts.push(safeHtml`<pre class="message">${r.message}</pre>`);
  const checks = checksTable([...failed, ...info]);
  if (checks) parts.push(checks);
  if (r.transcript?.length)
    parts.push(safeHtml`<h3>transcript (${r.transcript.length} requests)</h3><pre class="transcript">${transcriptText(r.transcript)}</pre>`);
  if (parts.length === 0) return undefined;
  const label =
    failed.length > 0
      ? `got/want of ${failed.length} failed check${failed.length > 1 ? 's' : ''}${r.transcript?.length ? ' and the transcript' : ''}`
      : r.transcript?.length
        ? 'why, and the transcript'
        : info.length > 0
          ? `${info.length} info observation${info.length > 1 ? 's' : ''}`
          : 'details';
  return safeHtml`<details><summary>${label}</summary>${parts}</details>`;
}

/** Under an inconclusive case, the premise seen broken and what to change; under a blocked one, what failed and which case tests it. */
function outcomeNote(r: CaseResult): Html | undefined {
  if (r.outcome === 'inconclusive' && r.premise)
    return safeHtml`<p class="note">premise (<code>${r.premise.at}</code>): ${r.premise.seen}<br><strong>change:</strong> ${r.premise.change}</p>`;
  if (r.outcome === 'blocked' && r.blocked_by)
    return safeHtml`<p class="note">blocked: <code>${r.blocked_by.at}</code> failed; tested by <a href="#${anchor('case', r.blocked_by.tested_by)}"><code>${r.blocked_by.tested_by}</code></a></p>`;
  return undefined;
}

function caseRow(r: CaseResult, cause: RootCause | undefined): Html {
  const note = [r.premise?.seen, r.premise?.change, r.blocked_by?.tested_by, cause?.id].filter((t) => t !== undefined);
  const text = [r.id, r.title, r.message ?? '', ...note, ...r.clauses, ...r.tags].join(' ').toLowerCase();
  const clauses = joinHtml(
    r.clauses.map((c) => safeHtml`<a href="#${anchor('clause', c)}"><code>${c}</code></a>`),
    ' ',
  );
  const causeLink = cause ? safeHtml` <a class="small" href="#${anchor('cause', cause.id)}" title="${cause.summary}">(cause ${cause.id})</a>` : undefined;
  return safeHtml`<tr id="${anchor('case', r.id)}" data-kind="case" data-text="${text}" data-outcome="${outcomeTokens([r.outcome])}" data-level="${tokens([r.level])}"><td>${badge(r.outcome, OUTCOME_COLOURS[r.outcome])}</td><td>${r.level}</td><td><code>${r.id}</code><br>${r.title}${causeLink}${outcomeNote(r)}${caseDetails(r)}</td><td class="small">${clauses}</td><td class="small">${r.outcome === 'skip' ? '' : formatDuration(r.duration_ms)}</td></tr>`;
}

function caseChip(r: Pick<CaseResult, 'id' | 'outcome'> & { title?: string }): Html {
  return safeHtml`<a class="b" style="background:${OUTCOME_COLOURS[r.outcome]}" href="#${anchor('case', r.id)}" title="${r.title === undefined ? r.outcome : `${r.outcome}: ${r.title}`}">${r.id}</a>`;
}

/** The root causes: a row per cause (its summary, level and cases, each leading to its details), most cases first. */
function rootCauses(causes: RootCause[], cases: CaseResult[]): Html | undefined {
  if (causes.length === 0) return undefined;
  const byId = new Map(cases.map((c) => [c.id, c]));
  const rows = causes.map((cause) => {
    const text = [cause.id, cause.summary, ...cause.cases.map((c) => c.id)].join(' ').toLowerCase();
    const chips = joinHtml(
      cause.cases.map((c) => caseChip(byId.get(c.id) ?? c)),
      ' ',
    );
    return safeHtml`<tr id="${anchor('cause', cause.id)}" data-kind="cause" data-text="${text}" data-outcome="${outcomeTokens(cause.cases.map((c) => c.outcome))}" data-level="${tokens([cause.level])}"><td><code>${cause.id}</code></td><td class="gotwant">${cause.summary}</td><td>${cause.level}</td><td><span class="small muted">${casesCount(cause.cases.length)}:</span> ${chips}</td></tr>`;
  });
  const total = causes.reduce((n, c) => n + c.cases.length, 0);
  return safeHtml`<h2 id="root-causes">Root causes</h2><p class="muted small">The ${casesCount(total)} that failed (as expected or not), were blocked, errored or timed out, by the first thing that went wrong in them: the failed check they share (the request, what was wanted, what came back) or the error they ended on. A blocked case relied on a request that failed; the case that tests that request carries the verdict.</p><table class="causes"><thead><tr><th></th><th>cause</th><th>level</th><th>cases</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function clauseRow(row: ClauseRow): Html {
  const { clause, cases, verdict } = row;
  const text = [clause.id, clause.text, clause.section, verdict.verdict, ...cases.map((c) => `${c.id} ${c.title}`)].join(' ').toLowerCase();
  const scope = clause.scope === 'server' ? '' : safeHtml` <span class="muted small">(${clause.scope} side)</span>`;
  const section = clause.section ? safeHtml` <span class="muted small">(${clause.section})</span>` : '';
  const chips = cases.length > 0 ? joinHtml(cases.map(caseChip), ' ') : safeHtml`<span class="muted small">no case names it</span>`;
  return safeHtml`<tr id="${anchor('clause', clause.id)}" data-kind="clause" data-text="${text}" data-outcome="${outcomeTokens(cases.map((c) => c.outcome))}" data-level="${tokens([clause.level])}" data-verdict="${tokens([verdict.verdict])}"><td>${badge(verdict.verdict, VERDICT_COLOURS[verdict.verdict])}</td><td>${clause.level}</td><td><code>${clause.id}</code>${scope}<br>${clause.text}${section}</td><td>${chips}</td></tr>`;
}

function verdictBar(rows: ClauseRow[]): Html {
  const counts = CLAUSE_VERDICTS.map((v) => [v, rows.filter((r) => r.verdict.verdict === v).length] as const).filter(([, n]) => n > 0);
  const bar = counts.map(([v, n]) => safeHtml`<span style="background:${VERDICT_COLOURS[v]};width:${(100 * n) / rows.length}%" title="${n} ${v}"></span>`);
  const label = counts.map(([v, n]) => `${n} ${v}`).join(', ');
  const badges = joinHtml(
    counts.map(([v, n]) => badge(`${n} ${v}`, VERDICT_COLOURS[v])),
    ' ',
  );
  return safeHtml`<div class="bar" role="img" aria-label="${label}">${bar}</div><span class="small">${badges}</span>`;
}

const LEVEL_LETTERS: Record<string, string> = { MUST: 'M', SHOULD: 'S', MAY: 'O', INFO: 'I' };

/** The matrix at a glance: areas by spec text, one tile per clause, coloured by verdict, marked by level. */
function glance(rows: ClauseRow[]): Html {
  const texts = SPEC_TEXTS.filter(({ spec }) => rows.some((r) => r.clause.spec === spec));
  const areas = [...new Set(rows.map((r) => r.area))].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : 0));
  const tile = (r: ClauseRow) =>
    safeHtml`<a class="t" style="background:${VERDICT_COLOURS[r.verdict.verdict]}" href="#${anchor('clause', r.clause.id)}" title="${`${r.clause.id} (${r.clause.level}): ${r.verdict.verdict}`}">${LEVEL_LETTERS[r.clause.level] ?? '?'}</a>`;
  const head = texts.map(({ spec, title }) => safeHtml`<th>${title}<br>${verdictBar(rows.filter((r) => r.clause.spec === spec))}</th>`);
  const body = areas.map(
    (area) =>
      safeHtml`<tr><td>${area || 'no case'}</td>${texts.map(({ spec }) => safeHtml`<td>${rows.filter((r) => r.area === area && r.clause.spec === spec).map(tile)}</td>`)}</tr>`,
  );
  const verdicts = joinHtml(
    CLAUSE_VERDICTS.map((v) => badge(v, VERDICT_COLOURS[v])),
    ' ',
  );
  const legend = safeHtml`<p class="small muted">Each tile is a clause: ${verdicts}; the letter is its level: M MUST, S SHOULD, O MAY (optional), I INFO (implementation-defined). A tile leads to the clause and its cases.</p>`;
  return safeHtml`<table class="glance"><thead><tr><th>area</th>${head}</tr></thead><tbody>${body}</tbody></table>${legend}`;
}

function clauseMatrix(rows: ClauseRow[]): Html | undefined {
  if (rows.length === 0) return undefined;
  const sections = SPEC_TEXTS.map(({ spec, title }) => {
    const ofText = rows.filter((r) => r.clause.spec === spec);
    if (ofText.length === 0) return undefined;
    const areas = new Map<string, ClauseRow[]>();
    for (const r of ofText) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
    const bodies = [...areas].map(
      ([area, rs]) => safeHtml`<tbody><tr class="group"><td colspan="4">${area || 'no case'}</td></tr>${rs.map(clauseRow)}</tbody>`,
    );
    return safeHtml`<h3>${title}</h3><table class="matrix"><thead><tr><th>verdict</th><th>level</th><th>clause</th><th>cases</th></tr></thead>${bodies}</table>`;
  });
  return safeHtml`<h2>Clauses</h2>${glance(rows)}<p class="muted small">A clause conforms when every case naming it passed, deviates when one did not (a case can name several clauses), is a case issue when only an expected failure blamed on the case remains, and is not tested when all its cases were skipped.</p>${sections}`;
}

/** A partial run (interrupted, out of time): why, whether its verdict was accepted, and the cases that did not finish. */
function partialRun(report: Report): Html {
  const partial = report.partial;
  if (!partial || partial.missing.length === 0) return safeHtml``;
  const title = partial.reason === 'interrupted' ? 'INTERRUPTED' : 'PARTIAL';
  const accepted =
    partial.reason === 'max_time' ? (partial.accepted ? ' (accepted with --allow-partial)' : ' (not accepted: the run fails without --allow-partial)') : '';
  const missing = joinHtml(
    partial.missing.map((id) => safeHtml`<a href="#${anchor('case', id)}"><code>${id}</code></a>`),
    ', ',
  );
  return safeHtml`<p class="partial">${badge(title, OUTCOME_COLOURS.interrupted)} ${partialHeadline(partial)}${accepted}; the verdict covers only the cases that finished. <details class="gating"><summary>${partial.missing.length} missing case${partial.missing.length === 1 ? '' : 's'}</summary>${missing}</details></p>
`;
}

function header(report: Report): Html {
  const counts = joinHtml(
    OUTCOMES.filter((o) => countOf(report.summary, o) > 0).map((o) => badge(`${countOf(report.summary, o)} ${o}`, OUTCOME_COLOURS[o])),
    ' ',
  );
  const gating = joinHtml(
    report.gating_failures.map((id) => safeHtml`<a href="#${anchor('case', id)}"><code>${id}</code></a>`),
    ', ',
  );
  const partial = partialNote(report);
  const gatingCount = report.gating_failures.length;
  // A partial run that fails only for being partial has no gating case to list: the partial line says why.
  const verdict =
    report.exit_code === 0
      ? safeHtml`${badge('OK', OUTCOME_COLOURS.pass)}${partial ? safeHtml` <span class="muted">(partial: ${partial})</span>` : ''}`
      : gatingCount === 0 && report.partial
        ? badge(report.partial.reason === 'interrupted' ? 'INTERRUPTED' : 'PARTIAL', OUTCOME_COLOURS.fail)
        : safeHtml`${badge('FAILED', OUTCOME_COLOURS.fail)} <details class="gating"><summary>${gatingCount} gating case${gatingCount === 1 ? '' : 's'}</summary>${gating}</details>`;
  const where = report.target.embedded_mock
    ? `embedded mock${report.target.faults.length ? ` with faults ${report.target.faults.join(', ')}` : ''}`
    : report.target.url;
  const shards = report.merged_from
    ? ` · merged from ${report.merged_from.length} shard reports`
    : report.options.shard
      ? ` · shard ${report.options.shard}`
      : '';
  const warnings = joinHtml(
    report.warnings.map((w) => safeHtml`<p class="small">warning: ${w}</p>`),
    '\n',
  );
  return safeHtml`<h1>${report.target.name}: presence conformance</h1>
<p class="muted">${where} · ${report.target.release ? `release ${report.target.release}` : `spec ${report.target.spec_version}`} · ${report.started_at} · ${formatDuration(report.duration_ms)}${shards} · ${report.tool.name} ${report.tool.version}, runner contract ${report.runner_contract}${report.options.strict ? ' · --strict' : ''}</p>
<p>${report.summary.total} cases: ${counts} — <strong>${verdict}</strong></p>
${partialRun(report)}${warnings}`;
}

export function toHtml(report: Report): string {
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const rows = clauseRows(report);
  const causes = causesOf(report);
  const causeOf = causeByCase(report);
  const filter = filterForm(
    'filter by text: id, title, clause',
    [
      ['outcome', 'outcome', [['not-passed', 'not passed'], ...OUTCOMES.map((o) => [o, o] as [string, string])]],
      ['level', 'level', ['MUST', 'SHOULD', 'MAY', 'INFO'].map((l) => [l.toLowerCase(), l] as [string, string])],
      ['verdict', 'clause verdict', CLAUSE_VERDICTS.map((v: ClauseVerdictName) => [tokens([v]), v] as [string, string])],
    ],
    [],
    [
      ['clause', 'clauses', rows.length],
      ['case', 'cases', report.cases.length],
    ],
  );
  const groups = [...areas].map(
    ([area, rs]) =>
      safeHtml`<tbody><tr class="group"><td colspan="5">${area} <span class="muted small">(${rs.filter((r) => r.outcome === 'pass').length}/${rs.length} pass)</span></td></tr>${rs.map((r) => caseRow(r, causeOf.get(r.id)))}</tbody>`,
  );
  const cases = safeHtml`<h2>Cases</h2><table class="cases"><thead><tr><th>outcome</th><th>level</th><th>case</th><th>clauses</th><th>time</th></tr></thead>${groups}</table>`;
  return page(
    `${report.target.name}: presence conformance`,
    safeHtml`${header(report)}\n${filter}\n${rootCauses(causes, report.cases)}\n${clauseMatrix(rows)}\n${cases}`,
  );
}

export class HtmlReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFileAtomic(this.file, toHtml(report));
  }
}
