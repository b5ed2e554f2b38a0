// Validates the project's own formats (target, suite, expectations, report) against their schemas, and
// words the violations for a suite author: the schema registry's one Ajv set-up compiles each format the
// first time it is needed, so these checks never depend on the Matrix schemas compiling.
import { type ErrorObject } from 'ajv/dist/2020.js';
import { loadSchemaRegistry, toViolations, type SchemaViolation } from '../../project/schemas.js';
import { ConfigError } from '../../project/errors.js';
import type { YamlSource } from '../../project/yaml-source.js';

export type FormatName = 'target' | 'suite' | 'expectations' | 'report' | 'static-users';

export function validateFormat(name: FormatName, data: unknown): SchemaViolation[] {
  const fn = loadSchemaRegistry().validator(name);
  if (fn(data)) return [];
  const errors = readableErrors(fn.errors ?? []);
  // toViolations maps errors one to one; where we know better words for "want", use them.
  return toViolations(errors, data).map((v, i) => {
    const want = OUR_WANT.get(errors[i]!);
    return want === undefined ? v : { ...v, want, message: `${v.pointer || '/'}: got ${v.got}, want ${want}` };
  });
}

/**
 * ajv reports every failed branch of oneOf/anyOf; the branch errors only confuse a suite author, so
 * keep the combinator's own error (reworded where we know what it means). unevaluatedProperties is
 * reported like additionalProperties: "no property X".
 */
const OUR_WANT = new WeakMap<ErrorObject, string>();

function readableErrors(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (/\/(oneOf|anyOf|not)\/\d*\/?/.test(e.schemaPath) || e.keyword === 'if') continue;
    if (e.keyword === 'unevaluatedProperties') {
      const prop = String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty);
      out.push({ ...e, keyword: 'additionalProperties', params: { additionalProperty: prop } });
    } else if (e.keyword === 'oneOf' && /\/steps\/\d+$/.test(e.instancePath)) {
      out.push(ours(e, 'exactly one of request, sync_until, wait'));
    } else if (e.keyword === 'anyOf' && /duration/.test(e.schemaPath)) {
      out.push(ours(e, 'a duration: milliseconds, "500ms", "2s" or an expression like "idle_timeout + 2s"'));
    } else if (e.keyword === 'not') {
      out.push(ours(e, 'not both of body and raw_body (request) or absent and count (sync_until)'));
    } else {
      out.push(e);
    }
  }
  return out;
}

function ours(error: ErrorObject, want: string): ErrorObject {
  const copy = { ...error };
  OUR_WANT.set(copy, want);
  return copy;
}

/**
 * Throws a ConfigError naming `file:line:col` for each violation (at most a few, most specific
 * first), so a bad file is fixed in one pass.
 */
export function assertFormat(name: FormatName, source: YamlSource): void {
  const violations = validateFormat(name, source.data);
  if (violations.length === 0) return;
  // ajv reports the failing branches of if/then and oneOf too; the deepest pointers say most.
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const v of [...violations].sort((a, b) => b.pointer.length - a.pointer.length)) {
    const line = `${source.where(v.pointer)}: ${name} ${v.pointer || '/'}: got ${v.got}, want ${v.want}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  const shown = lines.slice(0, 5);
  if (lines.length > shown.length) shown.push(`... and ${lines.length - shown.length} more`);
  throw new ConfigError(shown.join('\n'));
}
