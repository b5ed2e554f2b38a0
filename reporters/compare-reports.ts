// `report compare`: several targets side by side (the mock, its personalities, Synapse, two releases of
// one server), by case and by clause, and where they differ. Outcomes are compared by what they say
// about the server: pass and xpass both passed, fail and xfail both failed (an expectations file of one
// target changes no fact), error and timeout gave no verdict; skip and "not in the report" stand apart,
// and so do inconclusive (a premise seen broken: a profile timer to change) and blocked (a request it
// relied on failed, and another case tests it): a case that passed on one target and is blocked on
// another differs, but is no failure of the second (only fail, error, timeout and xpass are marked).
import type { SpecVersion } from '../project/spec-versions.js';
import type { ClauseInfo, ExitCode, Level, Outcome, Report } from '../project/report.js';
import { OUTCOMES } from '../project/report.js';
import { CLAUSE_VERDICTS, clauseRows, type ClauseVerdictName } from '../project/clause-verdict.js';
import { countOf, FAILED_OUTCOMES } from './causes.js';

export interface ComparedTarget {
  label: string;
  /** The report file. */
  file: string;
  name: string;
  url: string;
  spec_version: SpecVersion;
  /** The release the run judged (absent in reports from before releases). */
  release?: string;
  faults: string[];
  started_at: string;
  summary: Report['summary'];
  exit_code: ExitCode;
  clause_verdicts: Record<ClauseVerdictName, number>;
}

export interface ComparedCase {
  id: string;
  title: string;
  area: string;
  level: Level;
  /** One per target, in the order of `targets`; null where that report has no such case. */
  outcomes: (Outcome | null)[];
  differs: boolean;
}

export interface ComparedClause extends ClauseInfo {
  area: string;
  /** One per target; "no case" where that report has no case naming it. */
  verdicts: ClauseVerdictName[];
  differs: boolean;
}

/** The comparison as `report compare --json` writes it. */
export interface Comparison {
  targets: ComparedTarget[];
  cases: ComparedCase[];
  clauses: ComparedClause[];
  summary: { cases: number; cases_differing: number; clauses: number; clauses_differing: number };
}

/** What an outcome says about the server, for deciding whether two targets differ. */
export function outcomeClass(outcome: Outcome | null): string {
  switch (outcome) {
    case 'pass':
    case 'xpass':
      return 'passed';
    case 'fail':
    case 'xfail':
      return 'failed';
    case 'error':
    case 'timeout':
      return 'no verdict';
    case 'skip':
      return 'skipped';
    case 'inconclusive':
      return 'inconclusive';
    case 'blocked':
      return 'blocked';
    default:
      return 'absent';
  }
}

/** Labels: the given ones, else each target's name (with its faults), made unique by the file name. */
function labelsFor(inputs: { file: string; report: Report }[], given: string[] = []): string[] {
  const base = inputs.map(({ report }, i) => given[i] ?? `${report.target.name}${report.target.faults.length ? ` +${report.target.faults.join('+')}` : ''}`);
  return base.map((label, i) =>
    given[i] === undefined && base.filter((b) => b === label).length > 1
      ? `${label} (${inputs[i]!.file.split('/')
          .pop()!
          .replace(/\.json$/, '')})`
      : label,
  );
}

export function compareReports(inputs: { file: string; report: Report }[], given: string[] = []): Comparison {
  const labels = labelsFor(inputs, given);
  const reports = inputs.map((i) => i.report);
  // Cases in the order of the first report that has them (all reports list theirs in suite order).
  const caseInfo = new Map<string, { id: string; title: string; area: string; level: Level; position?: number }>();
  for (const r of reports) for (const c of r.cases) if (!caseInfo.has(c.id)) caseInfo.set(c.id, c);
  const byTarget = reports.map((r) => new Map(r.cases.map((c) => [c.id, c.outcome])));
  const cases: ComparedCase[] = [...caseInfo.values()].map((c) => {
    const outcomes = byTarget.map((m) => m.get(c.id) ?? null);
    return { id: c.id, title: c.title, area: c.area, level: c.level, outcomes, differs: new Set(outcomes.map(outcomeClass)).size > 1 };
  });
  const rowsByTarget = reports.map((r) => new Map(clauseRows(r).map((row) => [row.clause.id, row])));
  // Clauses in catalogue order; a report without a catalogue (or a clause it lacks) learns from the others.
  const clauseOrder = new Map<string, { info: ClauseInfo; area: string }>();
  const catalogueFirst = rowsByTarget.map((rows, i) => ({ rows, has: reports[i]!.clauses !== undefined })).sort((a, b) => Number(b.has) - Number(a.has));
  for (const { rows } of catalogueFirst) {
    for (const row of rows.values()) {
      const known = clauseOrder.get(row.clause.id);
      if (!known) clauseOrder.set(row.clause.id, { info: row.clause, area: row.area });
      else {
        if (!known.info.text && row.clause.text) known.info = row.clause;
        if (!known.area) known.area = row.area;
      }
    }
  }
  const clauses: ComparedClause[] = [...clauseOrder.values()].map(({ info, area }) => {
    const verdicts = rowsByTarget.map((rows) => rows.get(info.id)?.verdict.verdict ?? 'no case');
    return { ...info, area, verdicts, differs: new Set(verdicts).size > 1 };
  });
  const targets: ComparedTarget[] = inputs.map(({ file, report }, i) => ({
    label: labels[i]!,
    file,
    name: report.target.name,
    url: report.target.url,
    spec_version: report.target.spec_version,
    ...(report.target.release ? { release: report.target.release } : {}),
    faults: report.target.faults,
    started_at: report.started_at,
    summary: report.summary,
    exit_code: report.exit_code,
    clause_verdicts: Object.fromEntries(CLAUSE_VERDICTS.map((v) => [v, clauses.filter((c) => c.verdicts[i] === v).length])) as Record<
      ClauseVerdictName,
      number
    >,
  }));
  return {
    targets,
    cases,
    clauses,
    summary: {
      cases: cases.length,
      cases_differing: cases.filter((c) => c.differs).length,
      clauses: clauses.length,
      clauses_differing: clauses.filter((c) => c.differs).length,
    },
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function outcomeCounts(summary: Report['summary']): string {
  return OUTCOMES.filter((o) => countOf(summary, o) > 0)
    .map((o) => `${countOf(summary, o)} ${o}`)
    .join(', ');
}

/** The console form: the targets, then the clauses and cases where they differ (all of them with `all`). */
export function comparisonText(cmp: Comparison, all = false): string {
  const out: string[] = [`${cmp.targets.length} targets compared:`];
  cmp.targets.forEach((t, i) =>
    out.push(
      `  [${i + 1}] ${t.label}: ${t.summary.total} cases (${outcomeCounts(t.summary)}), exit ${t.exit_code}; clauses: ${CLAUSE_VERDICTS.filter(
        (v) => t.clause_verdicts[v] > 0,
      )
        .map((v) => `${t.clause_verdicts[v]} ${v}`)
        .join(', ')}`,
    ),
  );
  const heads = cmp.targets.map((_, i) => `[${i + 1}]`);
  const clauses = cmp.clauses.filter((c) => all || c.differs);
  out.push('', `clauses${all ? '' : ' that differ'}: ${clauses.length} of ${cmp.summary.clauses}`);
  if (clauses.length > 0)
    out.push(
      ...table(
        ['clause', 'level', ...heads],
        clauses.map((c) => [c.id, c.level, ...c.verdicts]),
      ).map((l) => `  ${l}`),
    );
  const cases = cmp.cases.filter((c) => all || c.differs);
  out.push('', `cases${all ? '' : ' that differ'}: ${cases.length} of ${cmp.summary.cases}`);
  if (cases.length > 0)
    out.push(
      ...table(
        ['case', 'level', ...heads],
        cases.map((c) => [c.id, c.level, ...c.outcomes.map((o) => o ?? '—')]),
      ).map((l) => `  ${l}`),
    );
  return `${out.join('\n')}\n`;
}

/** The outcomes the Markdown marks: failures of the server (not blocked, inconclusive or an expected failure). */

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Markdown for a document (the comparison matrix of docs/results.md): a summary per target, then the clauses and the cases where targets differ. */
export function comparisonMarkdown(cmp: Comparison): string {
  const labels = cmp.targets.map((t) => mdEscape(t.label));
  const out: string[] = [
    `| | ${labels.join(' | ')} |`,
    `| --- |${' --- |'.repeat(labels.length)}`,
    `| cases | ${cmp.targets.map((t) => outcomeCounts(t.summary)).join(' | ')} |`,
    `| exit code | ${cmp.targets.map((t) => String(t.exit_code)).join(' | ')} |`,
    ...CLAUSE_VERDICTS.filter((v) => cmp.targets.some((t) => t.clause_verdicts[v] > 0)).map(
      (v) => `| clauses: ${v} | ${cmp.targets.map((t) => String(t.clause_verdicts[v])).join(' | ')} |`,
    ),
  ];
  const clauses = cmp.clauses.filter((c) => c.differs);
  out.push('', `Clauses where the targets differ (${clauses.length} of ${cmp.summary.clauses}):`, '');
  if (clauses.length > 0) {
    out.push(`| clause | level | ${labels.join(' | ')} |`, `| --- | --- |${' --- |'.repeat(labels.length)}`);
    for (const c of clauses) out.push(`| \`${c.id}\` | ${c.level} | ${c.verdicts.map((v) => (v === 'deviates' ? '**deviates**' : v)).join(' | ')} |`);
  }
  const cases = cmp.cases.filter((c) => c.differs);
  out.push('', `Cases where the targets differ (${cases.length} of ${cmp.summary.cases}):`, '');
  if (cases.length > 0) {
    out.push(`| case | level | ${labels.join(' | ')} |`, `| --- | --- |${' --- |'.repeat(labels.length)}`);
    for (const c of cases)
      out.push(`| \`${c.id}\` | ${c.level} | ${c.outcomes.map((o) => (o === null ? '—' : FAILED_OUTCOMES.has(o) ? `**${o}**` : o)).join(' | ')} |`);
  }
  return `${out.join('\n')}\n`;
}
