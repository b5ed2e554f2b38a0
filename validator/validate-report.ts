// Renders a ValidateResult for people (text) or machines (JSON, schemas/validate-report.schema.json).
// Every failure names file:line:column, the JSON pointer, and got/want.
import type { CheckedPayload, Finding } from './checked-payload.js';
import type { ValidateResult } from './validate-payloads.js';

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

const verdict = (valid: boolean) => (valid ? 'accepts' : 'rejects');

/** The lines of one disagreement: both verdicts, both reasons, and the clause that makes ours stricter. */
function disagreementLines(d: CheckedPayload): string[] {
  const official = d.official as { valid: boolean; errors: Finding[]; schema: string };
  const lines = [`DISAGREE ${subject(d)}: ours ${verdict(d.valid)}, the tree's schema (${official.schema}) ${verdict(official.valid)}`];
  for (const f of d.errors) lines.push(`  ours:     ${findingLine(f)}`);
  for (const f of official.errors) lines.push(`  the tree: ${findingLine(f)}`);
  for (const s of d.stricter ?? []) lines.push(`  ours is stricter at ${s.pointer || '/'}: ${s.clause}`);
  return lines;
}

function summaryLine(result: Pick<ValidateResult, 'checked' | 'disagreements' | 'warnings' | 'problems'>): string {
  const invalid = result.checked.filter((c) => !c.valid).length;
  return (
    `${result.checked.length} checked: ${result.checked.length - invalid} valid, ${invalid} invalid` +
    (result.disagreements.length ? `, ${result.disagreements.length} disagreeing with the tree's schemas` : '') +
    (result.warnings.length ? `; ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}` : '') +
    (result.problems.length ? `; ${result.problems.length} unreadable or undecidable` : '')
  );
}

/** The text report (stdout); problems go to stderr separately, so they are not repeated here. */
export function renderText(result: ValidateResult): string {
  const lines: string[] = [];
  if (result.spec) {
    const { dir, layout, version, schemas } = result.spec;
    lines.push(
      `spec tree ${dir}: ${layout}; release ${version.release} (from ${version.source}); checked against the ${schemas.era} schemas (chosen by ${schemas.chosenBy})`,
    );
    for (const r of schemas.releaseSchemas) lines.push(`  and ${r.alias} for this release: ${r.why}`);
  }
  for (const c of result.checked) {
    lines.push(`${c.valid ? 'ok  ' : 'FAIL'} ${subject(c)}`);
    for (const f of c.errors) lines.push(`  ${findingLine(f)}`);
    if (c.official && 'unavailable' in c.official) lines.push(`  note: ${c.official.unavailable}`);
    else if (c.official && !c.valid && !c.official.valid) {
      lines.push(`  the tree's schema (${c.official.schema}) rejects it too:`);
      for (const f of c.official.errors) lines.push(`    ${findingLine(f)}`);
    }
  }
  for (const d of result.disagreements) lines.push(...disagreementLines(d));
  for (const n of result.notes) lines.push(`note: ${n}`);
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}

export function renderJson(result: ValidateResult): string {
  const invalid = result.checked.filter((c) => !c.valid).length;
  const spec = result.spec && {
    dir: result.spec.dir,
    layout: result.spec.layout,
    release: result.spec.version.release,
    release_source: result.spec.version.source,
    era: result.spec.schemas.era,
    chosen_by: result.spec.schemas.chosenBy,
    release_schemas: result.spec.schemas.releaseSchemas,
  };
  return `${JSON.stringify(
    {
      ok: invalid === 0 && result.problems.length === 0,
      ...(spec ? { spec } : {}),
      summary: {
        checked: result.checked.length,
        valid: result.checked.length - invalid,
        invalid,
        disagreements: result.disagreements.length,
        warnings: result.warnings.length,
        problems: result.problems.length,
      },
      results: result.checked,
      disagreements: result.disagreements.map((d) => {
        const official = d.official as { valid: boolean; errors: Finding[]; schema: string };
        return {
          file: d.file,
          line: d.line,
          column: d.column,
          label: d.label,
          schema: d.schema,
          ours: verdict(d.valid),
          official: verdict(official.valid),
          official_schema: official.schema,
          our_errors: d.errors,
          official_errors: official.errors,
          stricter: d.stricter ?? [],
        };
      }),
      warnings: result.warnings,
      notes: result.notes,
      problems: result.problems,
    },
    null,
    2,
  )}\n`;
}
