// Renders a ValidateResult for people (text) or machines (JSON). Every failure names
// file:line:column, the JSON pointer, and got/want.
import type { CheckedPayload, Finding, ValidateResult } from './validate-payloads.js';

const MAX_GOT = 80;

function shorten(text: string): string {
  return text.length > MAX_GOT ? `${text.slice(0, MAX_GOT - 1)}…` : text;
}

function findingLine(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.pointer || '/'}: got ${shorten(f.got)}, want ${f.want}`;
}

function subject(c: CheckedPayload): string {
  const doc = c.document === undefined ? '' : ` document ${c.document + 1}`;
  const label = c.label ? ` ${c.label}` : '';
  return `${c.file}:${c.line}:${c.column}${doc}${label} [${c.schema}]`;
}

/** The text report (stdout); problems go to stderr separately, so they are not repeated here. */
export function renderText(result: ValidateResult): string {
  const lines: string[] = [];
  for (const c of result.checked) {
    lines.push(`${c.valid ? 'ok  ' : 'FAIL'} ${subject(c)}`);
    for (const f of c.errors) lines.push(`  ${findingLine(f)}`);
    if (c.official && 'unavailable' in c.official) lines.push(`  note: ${c.official.unavailable}`);
  }
  for (const d of result.disagreements) {
    const official = d.official as { valid: boolean; errors: Finding[] };
    lines.push(`DISAGREE ${subject(d)}: ours ${d.valid ? 'accepts' : 'rejects'}, the official schema ${official.valid ? 'accepts' : 'rejects'}`);
    for (const f of official.errors) lines.push(`  official: ${findingLine(f)}`);
  }
  const invalid = result.checked.filter((c) => !c.valid).length;
  lines.push(
    `${result.checked.length} checked: ${result.checked.length - invalid} valid, ${invalid} invalid` +
      (result.disagreements.length ? `, ${result.disagreements.length} disagreeing with the official schema` : '') +
      (result.problems.length ? `; ${result.problems.length} unreadable or undecidable` : ''),
  );
  return `${lines.join('\n')}\n`;
}

export function renderJson(result: ValidateResult): string {
  const invalid = result.checked.filter((c) => !c.valid).length;
  return `${JSON.stringify(
    {
      ok: invalid === 0 && result.problems.length === 0,
      summary: {
        checked: result.checked.length,
        valid: result.checked.length - invalid,
        invalid,
        disagreements: result.disagreements.length,
        problems: result.problems.length,
      },
      results: result.checked,
      disagreements: result.disagreements.map((d) => ({ file: d.file, line: d.line, column: d.column, label: d.label, schema: d.schema, ours: d.valid ? 'accepts' : 'rejects', official: (d.official as { valid: boolean }).valid ? 'accepts' : 'rejects' })),
      problems: result.problems,
    },
    null,
    2,
  )}\n`;
}
