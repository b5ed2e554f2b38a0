// Validates the project's own formats (target, suite, expectations, report) against their schemas.
// These are compiled here, apart from the full schema registry, so that the runner's configuration
// checks do not depend on every Matrix schema under schemas/matrix compiling at that moment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemasDir } from './project-paths.js';
import { toViolations, type SchemaViolation } from '../validator/schema-registry.js';
import { ConfigError } from './config-error.js';
import type { YamlSource } from './yaml-source.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type FormatName = 'target' | 'suite' | 'expectations' | 'report';

let ajv: Ajv2020 | undefined;
const compiled = new Map<FormatName, ValidateFunction>();

function validatorFor(name: FormatName): ValidateFunction {
  const known = compiled.get(name);
  if (known) return known;
  ajv ??= addFormats(new Ajv2020({ strict: true, allErrors: true }));
  const schema = JSON.parse(readFileSync(join(schemasDir, `${name}.schema.json`), 'utf8')) as object;
  const fn = ajv.compile(schema);
  compiled.set(name, fn);
  return fn;
}

export function validateFormat(name: FormatName, data: unknown): SchemaViolation[] {
  const fn = validatorFor(name);
  return fn(data) ? [] : toViolations(fn.errors, data);
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
    if (v.keyword === 'if') continue;
    const line = `${source.where(v.pointer)}: ${name} ${v.pointer || '/'}: got ${v.got}, want ${v.want}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  const shown = lines.slice(0, 5);
  if (lines.length > shown.length) shown.push(`... and ${lines.length - shown.length} more`);
  throw new ConfigError(shown.join('\n'));
}
