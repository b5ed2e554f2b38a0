// The engine of `validate`: reads payload files (or a spec checkout), picks schemas, validates, and
// returns a result model that validate-report.ts renders. No printing and no process.exit here, so
// tests can call it in-process.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { loadSchemaRegistry, type SchemaViolation } from '../project/schemas.js';
import { ConfigError, UnreadableInputError } from '../project/errors.js';
import { displayPath } from '../project/paths.js';
import { parseWithPositions, type Position } from '../project/yaml-source.js';
import { chooseSchema, SPEC_VERSIONS, type SpecVersion } from './choose-schema.js';
import { findSpecExamples, SpecTreeError } from './spec-examples.js';
import { officialSchemas } from './official-schemas.js';

export interface ValidateOptions {
  paths: string[];
  /** An alias or $id; without it the schema is chosen per payload (choose-schema.ts). */
  schema?: string;
  specVersion?: string;
  specDir?: string;
}

export interface Finding extends SchemaViolation {
  file: string;
  line: number;
  column: number;
}

export interface CheckedPayload {
  file: string;
  line: number;
  column: number;
  /** 0-based index of the YAML document, when the file holds several. */
  document?: number;
  /** For spec examples: what the example is. */
  label?: string;
  schema: string;
  /** Whether the schema was named by --schema or chosen from the payload's shape. */
  chosen: 'named' | 'automatic' | 'spec-example';
  valid: boolean;
  errors: Finding[];
  /** For spec examples: the verdict of the spec's own schema on the same payload. */
  official?: { valid: boolean; errors: Finding[] } | { unavailable: string };
}

export interface ValidateResult {
  checked: CheckedPayload[];
  /** Unreadable inputs and undecidable payloads: these make the exit status 2. */
  problems: string[];
  /** Spec examples on which our schema and the official one disagree. */
  disagreements: CheckedPayload[];
}

const PAYLOAD_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);


function payloadFiles(path: string, problems: string[]): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    problems.push(`${displayPath(path)}: no such file or folder`);
    return [];
  }
  if (!stat.isDirectory()) return [path];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : PAYLOAD_EXTENSIONS.has(extname(e.name).toLowerCase()) ? [join(dir, e.name)] : []));
  const files = walk(path);
  if (files.length === 0) problems.push(`${displayPath(path)}: no .json, .yaml or .yml files in this folder`);
  return files;
}

function withPositions(violations: SchemaViolation[], file: string, locate: (pointer: string) => Position): Finding[] {
  return violations.map((v) => ({ ...v, file, ...locate(v.pointer) }));
}

export function checkOptions(options: ValidateOptions): SpecVersion {
  const version = (options.specVersion ?? 'current') as SpecVersion;
  if (!SPEC_VERSIONS.includes(version)) throw new ConfigError(`--spec-version must be one of ${SPEC_VERSIONS.join(', ')}, not "${options.specVersion}"`);
  if (options.paths.length === 0 && !options.specDir) throw new ConfigError('give at least one PATH (file or folder) or --spec-dir DIR');
  if (options.schema && options.specDir && options.paths.length === 0) {
    throw new ConfigError('--schema applies to PATHs; --spec-dir picks the schema of each spec example itself');
  }
  if (options.schema && !loadSchemaRegistry().find(options.schema)) {
    const known = loadSchemaRegistry().entries.filter((e) => e.alias.startsWith('matrix/')).map((e) => e.alias);
    throw new ConfigError(`unknown schema "${options.schema}"; known Matrix schemas: ${known.join(', ')} (or any alias/$id under schemas/)`);
  }
  return version;
}

/** Validates the given files/folders and/or spec checkout. Throws ConfigError on bad options. */
export async function validatePayloads(options: ValidateOptions): Promise<ValidateResult> {
  const version = checkOptions(options);
  const registry = loadSchemaRegistry();
  const result: ValidateResult = { checked: [], problems: [], disagreements: [] };

  for (const path of options.paths) {
    for (const file of payloadFiles(path, result.problems)) {
      const shown = displayPath(file);
      let docs;
      try {
        docs = parseWithPositions(readFileSync(file, 'utf8'), shown, extname(file).toLowerCase() === '.json');
      } catch (err) {
        result.problems.push(err instanceof UnreadableInputError ? err.message : `${shown}: cannot read: ${(err as Error).message}`);
        continue;
      }
      if (docs.length === 0) result.problems.push(`${shown}: empty file, nothing to check`);
      docs.forEach((doc, index) => {
        const start = doc.locate('');
        const where = `${shown}:${start.line}:${start.column}`;
        let schema = options.schema;
        if (!schema) {
          const choice = chooseSchema(doc.data, version);
          if ('reason' in choice) {
            result.problems.push(`${where}: cannot tell which schema applies (${choice.reason}); name one with --schema`);
            return;
          }
          schema = choice.alias;
        }
        const errors = withPositions(registry.validate(schema, doc.data), shown, doc.locate);
        result.checked.push({
          file: shown, ...start, ...(docs.length > 1 ? { document: index } : {}),
          schema: registry.find(schema)!.alias, chosen: options.schema ? 'named' : 'automatic',
          valid: errors.length === 0, errors,
        });
      });
    }
  }

  if (options.specDir) {
    let examples;
    try {
      examples = findSpecExamples(options.specDir);
    } catch (err) {
      if (err instanceof SpecTreeError) {
        result.problems.push(err.message);
        return result;
      }
      throw err;
    }
    if (examples.length === 0) result.problems.push(`${options.specDir}: no presence examples found in this spec checkout`);
    const official = officialSchemas(options.specDir);
    for (const ex of examples) {
      const file = displayPath(join(options.specDir, ex.file));
      const errors = withPositions(registry.validate(ex.alias, ex.data), file, ex.locate);
      const checked: CheckedPayload = {
        file, ...ex.locate(''), label: ex.label, schema: ex.alias, chosen: 'spec-example',
        valid: errors.length === 0, errors,
      };
      try {
        const theirs = await official.validate(ex.alias, ex.data);
        if (theirs) checked.official = { valid: theirs.length === 0, errors: withPositions(theirs, file, ex.locate) };
      } catch (err) {
        checked.official = { unavailable: `the official schema could not be compiled: ${(err as Error).message}` };
      }
      result.checked.push(checked);
      if (checked.official && 'valid' in checked.official && checked.official.valid !== checked.valid) result.disagreements.push(checked);
    }
  }
  return result;
}

/** 2 when an input was unreadable or undecidable, 1 when a payload is invalid, else 0. */
export function exitStatus(result: ValidateResult): number {
  if (result.problems.length > 0) return 2;
  return result.checked.some((c) => !c.valid) ? 1 : 0;
}
