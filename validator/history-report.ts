// Renders a SpecHistory: a table of releases (rows, oldest first) by presence example (columns), for
// people; the same model as JSON (schemas/validate-history.schema.json) for machines.
import { formatDuration } from '../project/format-duration.js';
import type { HistoryCell, HistoryRow, SpecHistory } from './spec-history.js';

const LEGEND = "ok valid, FAIL invalid, - missing; * changed since the nearest earlier release that has it; ! the tree's own schema disagrees with ours";

function cellText(cell: HistoryCell | undefined): string {
  if (!cell) return '-';
  return `${cell.status === 'valid' ? 'ok' : 'FAIL'}${cell.changed ? '*' : ''}${cell.disagrees ? '!' : ''}`;
}

function counts(row: HistoryRow): string {
  const s = row.summary;
  return (
    `${s.checked} checked, ${s.valid} valid, ${s.invalid} invalid` +
    (s.disagreements ? `, ${s.disagreements} disagreeing` : '') +
    (s.warnings ? `; ${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : '') +
    (s.problems ? `; ${s.problems} problem${s.problems === 1 ? '' : 's'}` : '')
  );
}

export function renderHistoryText(history: SpecHistory): string {
  const lines: string[] = [];
  lines.push(`spec history of ${history.repo}: ${history.rows.length} releases checked in ${formatDuration(history.seconds * 1000)}`);
  lines.push(`used: ${history.used.map((u) => u.ref).join(', ')}`);
  if (history.skipped.length) lines.push(`skipped (${history.skipped[0]!.reason}): ${history.skipped.map((s) => s.tag).join(', ')}`);
  lines.push('', 'examples:');
  for (const c of history.columns) lines.push(`  ${c.id.padEnd(4)} ${c.key}`);
  lines.push('');
  const refWidth = Math.max(7, ...history.rows.map((r) => r.ref.length));
  const releaseWidth = Math.max(7, ...history.rows.map((r) => r.release.length));
  const cellWidth = Math.max(7, ...history.columns.map((c) => c.id.length + 1));
  lines.push(
    `${'tag'.padEnd(refWidth)}  ${'date'.padEnd(10)}  ${'release'.padEnd(releaseWidth)}  ${history.columns.map((c) => c.id.padEnd(cellWidth)).join('')}counts`,
  );
  for (const row of history.rows) {
    const cells = history.columns.map((c) => cellText(row.cells[c.id]).padEnd(cellWidth)).join('');
    lines.push(`${row.ref.padEnd(refWidth)}  ${row.date.padEnd(10)}  ${row.release.padEnd(releaseWidth)}  ${cells}${counts(row)}`);
  }
  lines.push(LEGEND);
  for (const row of history.rows) {
    for (const p of row.problems) lines.push(`problem in ${row.ref}: ${p}`);
  }
  const rowsWithWarnings = history.rows.filter((r) => r.warnings.length > 0);
  if (rowsWithWarnings.length) {
    lines.push(
      `warnings (broken input that does not concern presence) in ${rowsWithWarnings.map((r) => `${r.ref} (${r.warnings.length})`).join(', ')}; \`validate --spec-dir\` on one release lists them`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderHistoryJson(history: SpecHistory): string {
  return `${JSON.stringify(history, null, 2)}\n`;
}

/** 2 when a release could not be checked or has unreadable presence input, 1 when an example is invalid in some release, else 0. */
export function historyExitStatus(history: SpecHistory): number {
  if (history.rows.some((r) => r.summary.problems > 0)) return 2;
  return history.rows.some((r) => r.summary.invalid > 0) ? 1 : 0;
}
