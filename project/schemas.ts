// The one Ajv set-up of the project: every JSON Schema under schemas/ (the Matrix shapes and the
// project's own formats), added once to one strict Ajv instance and looked up by $id or by alias. The
// alias of a schema is its path below schemas/ without ".schema.json": "matrix/m.presence",
// "matrix/legacy/r0-m.presence", "suite", "target", "mock-config". Each schema is compiled the first
// time it is used, so the runner's format checks never wait for (or break on) an unrelated schema.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemasDir } from './paths.js';

// ajv-formats is CommonJS; under nodenext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const SCHEMA_ID_BASE = 'https://matrix-presence-conformance.example/schemas/';

export interface SchemaEntry {
  alias: string;
  id: string;
  file: string;
  schema: Record<string, unknown>;
}

export interface SchemaViolation {
  /** JSON pointer into the validated data, "" for the root. */
  pointer: string;
  /** What the schema wanted, in words: "one of online, offline, unavailable". */
  want: string;
  /** What the data had at that pointer, as JSON text, or "nothing" when absent. */
  got: string;
  /** The ajv keyword that failed. */
  keyword: string;
  message: string;
}

export interface SchemaRegistry {
  entries: SchemaEntry[];
  /** Finds a schema by $id, alias, or alias with ".schema.json"; undefined when unknown. */
  find(idOrAlias: string): SchemaEntry | undefined;
  validate(idOrAlias: string, data: unknown): SchemaViolation[];
  /** The compiled validator itself, for callers that word ajv's errors their own way. */
  validator(idOrAlias: string): ValidateFunction;
  /** Compiles every schema now; throws (naming the file) at the first that fails. */
  compileAll(): void;
}

function listSchemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listSchemaFiles(path);
    return entry.name.endsWith('.schema.json') ? [path] : [];
  });
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function describeWant(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `one of ${(p.allowedValues as unknown[]).map((v) => String(v)).join(', ')}`;
    case 'const':
      return JSON.stringify(p.allowedValue);
    case 'type':
      return `type ${String(p.type)}`;
    case 'required':
      return `property ${String(p.missingProperty)}`;
    case 'additionalProperties':
      return `no property ${String(p.additionalProperty)}`;
    case 'pattern':
      return `a string matching ${String(p.pattern)}`;
    case 'minimum':
      return `a number >= ${String(p.limit)}`;
    case 'maximum':
      return `a number <= ${String(p.limit)}`;
    case 'minLength':
      return `a string of at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `a string of at most ${String(p.limit)} characters`;
    case 'anyOf':
    case 'oneOf':
      return `a value matching ${error.keyword === 'anyOf' ? 'one or more' : 'exactly one'} of the alternatives in ${error.schemaPath}`;
    default:
      return error.message ?? error.keyword;
  }
}

export function toViolations(errors: ErrorObject[] | null | undefined, data: unknown): SchemaViolation[] {
  const seen = new Set<string>();
  return (errors ?? []).map((error) => {
    // A missing or extra property is reported at the object that should (not) have it.
    const p = error.params as Record<string, unknown>;
    const child =
      error.keyword === 'required' ? String(p.missingProperty) :
      error.keyword === 'additionalProperties' ? String(p.additionalProperty) : undefined;
    const pointer = child === undefined ? error.instancePath : `${error.instancePath}/${child.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const value = error.keyword === 'required' ? undefined : valueAt(data, pointer);
    const got = value === undefined ? 'nothing' : JSON.stringify(value);
    const want = error.keyword === 'additionalProperties' ? 'nothing' : describeWant(error);
    return { pointer, want, got, keyword: error.keyword, message: `${pointer || '/'}: got ${got}, want ${want}` };
  }).filter((v) => {
    // The same complaint can come from two subschemas (a $ref'd base and its refinement): say it once.
    const key = `${v.pointer}\u0000${v.keyword}\u0000${v.want}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

let cached: SchemaRegistry | undefined;

function readSchema(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file}: not a readable JSON schema: ${(err as Error).message}`);
  }
}

/**
 * Loads every schema once per process. Each schema is compiled (strict mode) the first time it is used,
 * so one broken schema fails only the validations that need it, with its file named in the error;
 * `compileAll()` compiles them all and is what the project's schema tests call.
 */
export function loadSchemaRegistry(): SchemaRegistry {
  if (cached) return cached;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const entries: SchemaEntry[] = listSchemaFiles(schemasDir).sort().map((file) => {
    const schema = readSchema(file);
    const alias = relative(schemasDir, file).split(sep).join('/').replace(/\.schema\.json$/, '');
    const id = typeof schema.$id === 'string' ? schema.$id : '';
    if (!id) throw new Error(`${file}: schema has no $id`);
    return { alias, id, file, schema };
  });
  for (const entry of entries) ajv.addSchema(entry.schema);
  const compiled = new Map<string, ValidateFunction>();
  const compile = (entry: SchemaEntry): ValidateFunction => {
    let fn = compiled.get(entry.id);
    if (!fn) {
      try {
        fn = ajv.getSchema(entry.id)!;
      } catch (err) {
        throw new Error(`${entry.file}: schema does not compile: ${(err as Error).message}`);
      }
      compiled.set(entry.id, fn);
    }
    return fn;
  };
  const find = (key: string) =>
    entries.find((e) => e.id === key || e.alias === key || `${e.alias}.schema.json` === key);
  cached = {
    entries,
    find,
    compileAll() {
      for (const entry of entries) compile(entry);
    },
    validator(key) {
      const entry = find(key);
      if (!entry) throw new Error(`unknown schema "${key}"`);
      return compile(entry);
    },
    validate(key, data) {
      const fn = this.validator(key);
      return fn(data) ? [] : toViolations(fn.errors, data);
    },
  };
  return cached;
}
