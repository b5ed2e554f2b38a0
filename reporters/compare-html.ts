// `report compare --html`: the comparison as one self-contained page, a matrix of targets by clause
// (grouped by spec text and area) and by case, each cell coloured by verdict or outcome, with a filter
// by text and level and a switch to show only where the targets differ.
import { SPEC_TEXTS, type ClauseVerdictName } from '../project/clause-verdict.js';
import { joinHtml, safeHtml, type Html } from '../project/html.js';
import { OUTCOMES, type Outcome } from '../project/report.js';
import type { ComparedCase, ComparedClause, Comparison } from './compare-reports.js';
import { OUTCOME_COLOURS, VERDICT_COLOURS, badge, filterForm, page, tokens } from './html-page.js';
import { countOf } from './causes.js';

function clauseRow(c: ComparedClause): Html {
  const text = [c.id, c.text, c.section, ...c.verdicts].join(' ').toLowerCase();
  const cells = c.verdicts.map((v: ClauseVerdictName) => safeHtml`<td>${badge(v, VERDICT_COLOURS[v])}</td>`);
  return safeHtml`<tr data-kind="clause" data-text="${text}" data-level="${tokens([c.level])}" data-differs="${c.differs ? 'yes' : 'no'}"><td><code>${c.id}</code><br><span class="small muted">${c.text}</span></td><td>${c.level}</td>${cells}</tr>`;
}

function caseRow(c: ComparedCase): Html {
  const text = [c.id, c.title, ...c.outcomes.map((o) => o ?? 'absent')].join(' ').toLowerCase();
  const cells = c.outcomes.map((o: Outcome | null) => safeHtml`<td>${o === null ? safeHtml`<span class="muted">—</span>` : badge(o, OUTCOME_COLOURS[o])}</td>`);
  return safeHtml`<tr data-kind="case" data-text="${text}" data-level="${tokens([c.level])}" data-differs="${c.differs ? 'yes' : 'no'}"><td><code>${c.id}</code><br><span class="small muted">${c.title}</span></td><td>${c.level}</td>${cells}</tr>`;
}

function grouped<T extends { area: string }>(items: T[], row: (item: T) => Html, columns: number): Html[] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.area, [...(groups.get(item.area) ?? []), item]);
  return [...groups].map(([area, rows]) => safeHtml`<tbody><tr class="group"><td colspan="${columns}">${area || 'no case'}</td></tr>${rows.map(row)}</tbody>`);
}

export function comparisonHtml(cmp: Comparison): string {
  const heads = cmp.targets.map((t) => safeHtml`<th>${t.label}</th>`);
  const columns = 2 + cmp.targets.length;
  const targets = cmp.targets.map((t) => {
    const outcomes = joinHtml(
      OUTCOMES.filter((o) => countOf(t.summary, o) > 0).map((o) => badge(`${countOf(t.summary, o)} ${o}`, OUTCOME_COLOURS[o])),
      ' ',
    );
    const verdicts = joinHtml(
      (Object.keys(VERDICT_COLOURS) as ClauseVerdictName[])
        .filter((v) => t.clause_verdicts[v] > 0)
        .map((v) => badge(`${t.clause_verdicts[v]} ${v}`, VERDICT_COLOURS[v])),
      ' ',
    );
    const verdict = badge(t.exit_code === 0 ? 'OK' : 'FAILED', t.exit_code === 0 ? OUTCOME_COLOURS.pass : OUTCOME_COLOURS.fail);
    return safeHtml`<tr><td><strong>${t.label}</strong><br><span class="small muted">${t.url} · ${t.started_at}</span></td><td>${outcomes}</td><td>${verdict}</td><td>${verdicts}</td></tr>`;
  });
  const clauseSections = SPEC_TEXTS.map(({ spec, title }) => {
    const ofText = cmp.clauses.filter((c) => c.spec === spec);
    return ofText.length === 0
      ? undefined
      : safeHtml`<h3>${title}</h3><table><thead><tr><th>clause</th><th>level</th>${heads}</tr></thead>${grouped(ofText, clauseRow, columns)}</table>`;
  });
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
    safeHtml`<h1>Presence conformance compared</h1>
<table><thead><tr><th>target</th><th>cases</th><th>verdict</th><th>clauses</th></tr></thead><tbody>${targets}</tbody></table>
<p>${cmp.summary.clauses_differing} of ${cmp.summary.clauses} clauses and ${cmp.summary.cases_differing} of ${cmp.summary.cases} cases differ between the targets.</p>
${filter}
<h2>Clauses</h2>${clauseSections}
<h2>Cases</h2><table><thead><tr><th>case</th><th>level</th>${heads}</tr></thead>${grouped(cmp.cases, caseRow, columns)}</table>`,
  );
}
