// The report as one self-contained HTML page: a conformance matrix first (the clauses of the spec texts,
// current v1.x, r0 and early, by area, each with its level and verdict and the cases behind it), then
// the cases by area, each case's got/want, INFO observations and transcript one click away. A filter
// narrows both by text, outcome, level and verdict. Everything it shows comes from the report (its
// `clauses` carry the catalogue), so `report render --html` draws a saved report the same way.
import { writeFile } from 'node:fs/promises';
import type { CaseResult, Check, Exchange, Outcome, Report, RunListener } from '../project/report.js';
import { OUTCOMES, isFailure, observations } from '../project/report.js';
import { CLAUSE_VERDICTS, SPEC_TEXTS, clauseRows, type ClauseRow, type ClauseVerdictName } from '../project/clause-verdict.js';
import { OUTCOME_COLOURS, VERDICT_COLOURS, anchor, badge, filterForm, htmlEscape, page, tokens } from './html-page.js';
import { partialNote } from './console-reporter.js';

export { htmlEscape } from './html-page.js';

const NOT_PASSED = new Set<Outcome>(['fail', 'error', 'timeout', 'xfail', 'xpass']);

function outcomeTokens(outcomes: Outcome[]): string {
  return tokens([...outcomes, ...(outcomes.some((o) => NOT_PASSED.has(o)) ? ['not-passed'] : [])]);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function checksTable(checks: Check[]): string {
  if (checks.length === 0) return '';
  const rows = checks.map(
    (c) =>
      `<tr><td>${badge(c.level === 'INFO' ? (c.passed ? 'info' : 'info ≠') : 'failed', c.level === 'INFO' ? '#0969da' : OUTCOME_COLOURS.fail)}</td><td><code>${htmlEscape(c.at)}</code></td><td><code>${htmlEscape(c.path)}</code></td><td class="gotwant got">${htmlEscape(show(c.actual))}</td><td class="gotwant want">${htmlEscape(c.expected)}</td></tr>`,
  );
  return `<table class="checks"><tr><th></th><th>where</th><th>what</th><th>got</th><th>want</th></tr>${rows.join('')}</table>`;
}

function transcriptText(transcript: Exchange[]): string {
  return transcript
    .map((e) => {
      const request = `${e.step}: ${e.request.method} ${e.request.url}${e.request.body ? `\n  ${e.request.body}` : ''}`;
      const answer = e.response ? `${e.response.status} ${e.response.body}` : (e.error ?? 'no response');
      return `${request}\n  -> ${answer}${e.response && e.error ? ` (${e.error})` : ''} (${e.duration_ms} ms)`;
    })
    .join('\n');
}

/** A case's details: why it did not pass, its failed checks with got/want, its observations, its transcript. */
function caseDetails(r: CaseResult): string {
  const failed = r.checks.filter(isFailure);
  const info = observations(r);
  const parts: string[] = [];
  if (r.expectation)
    parts.push(
      `<p>expected ${htmlEscape(r.expectation.expect)}: ${htmlEscape(r.expectation.reason)}${r.expectation.issue ? ` (<a href="${htmlEscape(r.expectation.issue)}">${htmlEscape(r.expectation.issue)}</a>)` : ''}</p>`,
    );
  if (r.message && (r.outcome !== 'fail' || failed.length === 0)) parts.push(`<pre class="message">${htmlEscape(r.message)}</pre>`);
  parts.push(checksTable([...failed, ...info]));
  if (r.transcript?.length)
    parts.push(`<h3>transcript (${r.transcript.length} requests)</h3><pre class="transcript">${htmlEscape(transcriptText(r.transcript))}</pre>`);
  if (parts.join('').length === 0) return '';
  const label =
    failed.length > 0
      ? `got/want of ${failed.length} failed check${failed.length > 1 ? 's' : ''}${r.transcript?.length ? ' and the transcript' : ''}`
      : r.transcript?.length
        ? 'why, and the transcript'
        : info.length > 0
          ? `${info.length} info observation${info.length > 1 ? 's' : ''}`
          : 'details';
  return `<details><summary>${htmlEscape(label)}</summary>${parts.join('')}</details>`;
}

function caseRow(r: CaseResult): string {
  const text = [r.id, r.title, r.message ?? '', ...r.clauses, ...r.tags].join(' ').toLowerCase();
  const clauses = r.clauses.map((c) => `<a href="#${anchor('clause', c)}"><code>${htmlEscape(c)}</code></a>`).join(' ');
  return (
    `<tr id="${anchor('case', r.id)}" data-kind="case" data-text="${htmlEscape(text)}" data-outcome="${outcomeTokens([r.outcome])}" data-level="${tokens([r.level])}">` +
    `<td>${badge(r.outcome, OUTCOME_COLOURS[r.outcome])}</td><td>${r.level}</td>` +
    `<td><code>${htmlEscape(r.id)}</code><br>${htmlEscape(r.title)}${caseDetails(r)}</td><td class="small">${clauses}</td><td class="small">${r.outcome === 'skip' ? '' : `${r.duration_ms} ms`}</td></tr>`
  );
}

function caseChip(r: CaseResult): string {
  return `<a class="b" style="background:${OUTCOME_COLOURS[r.outcome]}" href="#${anchor('case', r.id)}" title="${htmlEscape(`${r.outcome}: ${r.title}`)}">${htmlEscape(r.id)}</a>`;
}

function clauseRow(row: ClauseRow): string {
  const { clause, cases, verdict } = row;
  const text = [clause.id, clause.text, clause.section, verdict.verdict, ...cases.map((c) => `${c.id} ${c.title}`)].join(' ').toLowerCase();
  const scope = clause.scope === 'server' ? '' : ` <span class="muted small">(${htmlEscape(clause.scope)} side)</span>`;
  return (
    `<tr id="${anchor('clause', clause.id)}" data-kind="clause" data-text="${htmlEscape(text)}" data-outcome="${outcomeTokens(cases.map((c) => c.outcome))}" data-level="${tokens([clause.level])}" data-verdict="${tokens([verdict.verdict])}">` +
    `<td>${badge(verdict.verdict, VERDICT_COLOURS[verdict.verdict])}</td><td>${clause.level}</td>` +
    `<td><code>${htmlEscape(clause.id)}</code>${scope}<br>${htmlEscape(clause.text)}${clause.section ? ` <span class="muted small">(${htmlEscape(clause.section)})</span>` : ''}</td>` +
    `<td>${cases.map(caseChip).join(' ') || '<span class="muted small">no case names it</span>'}</td></tr>`
  );
}

function verdictBar(rows: ClauseRow[]): string {
  const counts = CLAUSE_VERDICTS.map((v) => [v, rows.filter((r) => r.verdict.verdict === v).length] as const).filter(([, n]) => n > 0);
  const bar = counts.map(([v, n]) => `<span style="background:${VERDICT_COLOURS[v]};width:${(100 * n) / rows.length}%" title="${n} ${v}"></span>`).join('');
  return `<div class="bar" role="img" aria-label="${htmlEscape(counts.map(([v, n]) => `${n} ${v}`).join(', '))}">${bar}</div><span class="small">${counts.map(([v, n]) => badge(`${n} ${v}`, VERDICT_COLOURS[v])).join(' ')}</span>`;
}

const LEVEL_LETTERS: Record<string, string> = { MUST: 'M', SHOULD: 'S', MAY: 'O', INFO: 'I' };

/** The matrix at a glance: areas by spec text, one tile per clause, coloured by verdict, marked by level. */
function glance(rows: ClauseRow[]): string {
  const texts = SPEC_TEXTS.filter(({ spec }) => rows.some((r) => r.clause.spec === spec));
  const areas = [...new Set(rows.map((r) => r.area))].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : 0));
  const tile = (r: ClauseRow) =>
    `<a class="t" style="background:${VERDICT_COLOURS[r.verdict.verdict]}" href="#${anchor('clause', r.clause.id)}" title="${htmlEscape(`${r.clause.id} (${r.clause.level}): ${r.verdict.verdict}`)}">${LEVEL_LETTERS[r.clause.level] ?? '?'}</a>`;
  const head = texts.map(({ spec, title }) => `<th>${htmlEscape(title)}<br>${verdictBar(rows.filter((r) => r.clause.spec === spec))}</th>`).join('');
  const body = areas
    .map(
      (area) =>
        `<tr><td>${htmlEscape(area || 'no case')}</td>${texts
          .map(
            ({ spec }) =>
              `<td>${rows
                .filter((r) => r.area === area && r.clause.spec === spec)
                .map(tile)
                .join('')}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const legend = `<p class="small muted">Each tile is a clause: ${CLAUSE_VERDICTS.map((v) => badge(v, VERDICT_COLOURS[v])).join(' ')}; the letter is its level: M MUST, S SHOULD, O MAY (optional), I INFO (implementation-defined). A tile leads to the clause and its cases.</p>`;
  return `<table class="glance"><thead><tr><th>area</th>${head}</tr></thead><tbody>${body}</tbody></table>${legend}`;
}

function clauseMatrix(rows: ClauseRow[]): string {
  if (rows.length === 0) return '';
  const sections = SPEC_TEXTS.map(({ spec, title }) => {
    const ofText = rows.filter((r) => r.clause.spec === spec);
    if (ofText.length === 0) return '';
    const areas = new Map<string, ClauseRow[]>();
    for (const r of ofText) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
    const bodies = [...areas].map(
      ([area, rs]) => `<tbody><tr class="group"><td colspan="4">${htmlEscape(area || 'no case')}</td></tr>${rs.map(clauseRow).join('')}</tbody>`,
    );
    return `<h3>${htmlEscape(title)}</h3><table class="matrix"><thead><tr><th>verdict</th><th>level</th><th>clause</th><th>cases</th></tr></thead>${bodies.join('')}</table>`;
  });
  return `<h2>Clauses</h2>${glance(rows)}<p class="muted small">A clause conforms when every case naming it passed, deviates when one did not (a case can name several clauses), is a case issue when only an expected failure blamed on the case remains, and is not tested when all its cases were skipped.</p>${sections.join('')}`;
}

function header(report: Report): string {
  const counts = OUTCOMES.filter((o) => report.summary[o] > 0)
    .map((o) => badge(`${report.summary[o]} ${o}`, OUTCOME_COLOURS[o]))
    .join(' ');
  const gating = report.gating_failures.map((id) => `<a href="#${anchor('case', id)}"><code>${htmlEscape(id)}</code></a>`).join(', ');
  const partial = partialNote(report);
  const verdict =
    report.exit_code === 0
      ? `${badge('OK', OUTCOME_COLOURS.pass)}${partial ? ` <span class="muted">(partial: ${htmlEscape(partial)})</span>` : ''}`
      : `${badge('FAILED', OUTCOME_COLOURS.fail)} <details class="gating"><summary>${report.gating_failures.length} gating case${report.gating_failures.length === 1 ? '' : 's'}</summary>${gating}</details>`;
  const where = report.target.embedded_mock
    ? `embedded mock${report.target.faults.length ? ` with faults ${report.target.faults.join(', ')}` : ''}`
    : report.target.url;
  const shards = report.merged_from
    ? ` · merged from ${report.merged_from.length} shard reports`
    : report.options.shard
      ? ` · shard ${report.options.shard}`
      : '';
  return `<h1>${htmlEscape(report.target.name)}: presence conformance</h1>
<p class="muted">${htmlEscape(where)} · spec ${htmlEscape(report.target.spec_version)} · ${htmlEscape(report.started_at)} · ${(report.duration_ms / 1000).toFixed(1)} s${htmlEscape(shards)} · ${htmlEscape(report.tool.name)} ${htmlEscape(report.tool.version)}, runner contract ${htmlEscape(report.runner_contract)}${report.options.strict ? ' · --strict' : ''}</p>
<p>${report.summary.total} cases: ${counts} — <strong>${verdict}</strong></p>
${report.warnings.map((w) => `<p class="small">warning: ${htmlEscape(w)}</p>`).join('\n')}`;
}

export function toHtml(report: Report): string {
  const areas = new Map<string, CaseResult[]>();
  for (const r of report.cases) areas.set(r.area, [...(areas.get(r.area) ?? []), r]);
  const rows = clauseRows(report);
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
  const cases = `<h2>Cases</h2><table class="cases"><thead><tr><th>outcome</th><th>level</th><th>case</th><th>clauses</th><th>time</th></tr></thead>${[...areas]
    .map(
      ([area, rs]) =>
        `<tbody><tr class="group"><td colspan="5">${htmlEscape(area)} <span class="muted small">(${rs.filter((r) => r.outcome === 'pass').length}/${rs.length} pass)</span></td></tr>${rs.map(caseRow).join('')}</tbody>`,
    )
    .join('')}</table>`;
  return page(`${report.target.name}: presence conformance`, `${header(report)}\n${filter}\n${clauseMatrix(rows)}\n${cases}`);
}

export class HtmlReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFile(this.file, toHtml(report));
  }
}
