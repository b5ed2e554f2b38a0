// `report compare --html`: the comparison as one self-contained page, a matrix of targets by clause
// (grouped by spec text and area) and by case, each cell coloured by verdict or outcome, with a filter
// by text and level and a switch to show only where the targets differ.
import { SPEC_TEXTS, type ClauseVerdictName } from '../project/clause-verdict.js';
import { OUTCOMES, type Outcome } from '../project/report.js';
import type { ComparedCase, ComparedClause, Comparison } from './compare-reports.js';
import { OUTCOME_COLOURS, VERDICT_COLOURS, badge, filterForm, htmlEscape, page, tokens } from './html-page.js';

function clauseRow(c: ComparedClause): string {
  const text = [c.id, c.text, c.section, ...c.verdicts].join(' ').toLowerCase();
  return (
    `<tr data-kind="clause" data-text="${htmlEscape(text)}" data-level="${tokens([c.level])}" data-differs="${c.differs ? 'yes' : 'no'}">` +
    `<td><code>${htmlEscape(c.id)}</code><br><span class="small muted">${htmlEscape(c.text)}</span></td><td>${c.level}</td>` +
    c.verdicts.map((v: ClauseVerdictName) => `<td>${badge(v, VERDICT_COLOURS[v])}</td>`).join('') +
    '</tr>'
  );
}

function caseRow(c: ComparedCase): string {
  const text = [c.id, c.title, ...c.outcomes.map((o) => o ?? 'absent')].join(' ').toLowerCase();
  return (
    `<tr data-kind="case" data-text="${htmlEscape(text)}" data-level="${tokens([c.level])}" data-differs="${c.differs ? 'yes' : 'no'}">` +
    `<td><code>${htmlEscape(c.id)}</code><br><span class="small muted">${htmlEscape(c.title)}</span></td><td>${c.level}</td>` +
    c.outcomes.map((o: Outcome | null) => `<td>${o === null ? '<span class="muted">—</span>' : badge(o, OUTCOME_COLOURS[o])}</td>`).join('') +
    '</tr>'
  );
}

function grouped<T extends { area: string }>(items: T[], row: (item: T) => string, columns: number): string {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.area, [...(groups.get(item.area) ?? []), item]);
  return [...groups]
    .map(([area, rows]) => `<tbody><tr class="group"><td colspan="${columns}">${htmlEscape(area || 'no case')}</td></tr>${rows.map(row).join('')}</tbody>`)
    .join('');
}

export function comparisonHtml(cmp: Comparison): string {
  const heads = cmp.targets.map((t) => `<th>${htmlEscape(t.label)}</th>`).join('');
  const columns = 2 + cmp.targets.length;
  const targets = cmp.targets
    .map(
      (t) =>
        `<tr><td><strong>${htmlEscape(t.label)}</strong><br><span class="small muted">${htmlEscape(t.url)} · ${htmlEscape(t.started_at)}</span></td>` +
        `<td>${OUTCOMES.filter((o) => t.summary[o] > 0)
          .map((o) => badge(`${t.summary[o]} ${o}`, OUTCOME_COLOURS[o]))
          .join(' ')}</td>` +
        `<td>${badge(t.exit_code === 0 ? 'OK' : 'FAILED', t.exit_code === 0 ? OUTCOME_COLOURS.pass : OUTCOME_COLOURS.fail)}</td>` +
        `<td>${(Object.keys(VERDICT_COLOURS) as ClauseVerdictName[])
          .filter((v) => t.clause_verdicts[v] > 0)
          .map((v) => badge(`${t.clause_verdicts[v]} ${v}`, VERDICT_COLOURS[v]))
          .join(' ')}</td></tr>`,
    )
    .join('');
  const clauseSections = SPEC_TEXTS.map(({ spec, title }) => {
    const ofText = cmp.clauses.filter((c) => c.spec === spec);
    return ofText.length === 0
      ? ''
      : `<h3>${htmlEscape(title)}</h3><table><thead><tr><th>clause</th><th>level</th>${heads}</tr></thead>${grouped(ofText, clauseRow, columns)}</table>`;
  }).join('');
  const filter = filterForm(
    'filter by text: id, title, clause, outcome',
    [['level', 'level', ['MUST', 'SHOULD', 'MAY', 'INFO'].map((l) => [l.toLowerCase(), l] as [string, string])]],
    [['differs', 'yes', 'only where the targets differ']],
    [
      ['clause', 'clauses', cmp.clauses.length],
      ['case', 'cases', cmp.cases.length],
    ],
  );
  return page(
    `presence conformance: ${cmp.targets.map((t) => t.label).join(' vs ')}`,
    `<h1>Presence conformance compared</h1>
<table><thead><tr><th>target</th><th>cases</th><th>verdict</th><th>clauses</th></tr></thead><tbody>${targets}</tbody></table>
<p>${cmp.summary.clauses_differing} of ${cmp.summary.clauses} clauses and ${cmp.summary.cases_differing} of ${cmp.summary.cases} cases differ between the targets.</p>
${filter}
<h2>Clauses</h2>${clauseSections}
<h2>Cases</h2><table><thead><tr><th>case</th><th>level</th>${heads}</tr></thead>${grouped(cmp.cases, caseRow, columns)}</table>`,
  );
}
