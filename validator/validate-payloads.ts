// The engine of `validate`: reads payload files (or a spec checkout), picks schemas, validates, and
// returns a result model that validate-report.ts renders. No printing and no process.exit here, so
// tests can call it in-process.
import { readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { loadSchemaRegistry } from '../project/schemas.js';
import { ConfigError, UnreadableInputError } from '../project/errors.js';
import { displayPath } from '../project/paths.js';
import { isSpecVersion, SPEC_VERSIONS, type SpecVersion } from '../project/spec-versions.js';
import { isHidden, walkFiles } from '../project/walk.js';
import { parseWithPositions } from '../project/yaml-source.js';
import { withPositions, type CheckedPayload } from './checked-payload.js';
import { checkSpecTree, type SpecTreeCheck } from './check-spec-tree.js';
import { chooseSchema } from './choose-schema.js';
import { noticeText, type SpecNotice } from './spec-examples.js';

export interface ValidateOptions {
  paths: string[];
  /** An alias or $id; without it the schema is chosen per payload (choose-schema.ts). */
  schema?: string;
  /** Whose schemas the automatic choice uses (default v1.19); for specDir, instead of the tree's own era. */
  specVersion?: SpecVersion;
  specDir?: string;
}

export interface ValidateResult {
  checked: CheckedPayload[];
  /** Unreadable inputs and undecidable payloads: these make the exit status 2. */
  problems: string[];
  /** Broken input that does not concern presence (in a spec tree): reported, never decides. */
  warnings: string[];
  /** Spec-tree files a strict YAML reader refuses that were read as the spec's tooling reads them. */
  notes: string[];
  /** Spec examples on which our schema and the tree's own one disagree. */
  disagreements: CheckedPayload[];
  /** With --spec-dir: the tree's layout, release and the schema set used. */
  spec?: Pick<SpecTreeCheck, 'dir' | 'layout' | 'version' | 'schemas'>;
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
  const files = walkFiles(path, {
    enter: (folder) => !isHidden(folder),
    filter: (file) => !isHidden(file) && PAYLOAD_EXTENSIONS.has(extname(file).toLowerCase()),
  }).map((file) => join(path, file));
  if (files.length === 0) problems.push(`${displayPath(path)}: no .json, .yaml or .yml files in this folder`);
  return files;
}

/** A --spec-version as a person wrote it, checked: one of SPEC_VERSIONS, else a ConfigError naming them. */
export function specVersionOption(value: string): SpecVersion {
  if (!isSpecVersion(value)) throw new ConfigError(`--spec-version must be one of ${SPEC_VERSIONS.join(', ')}, not "${value}"`);
  return value;
}

/** The --spec-version given (undefined: PATHs use v1.19, a spec tree its own). Throws ConfigError on bad options. */
export function checkOptions(options: ValidateOptions): SpecVersion | undefined {
  // Checked again here for callers that reach the library without its types.
  const version = options.specVersion === undefined ? undefined : specVersionOption(options.specVersion);
  if (options.paths.length === 0 && !options.specDir) throw new ConfigError('give at least one PATH (file or folder), --spec-dir DIR or --spec-history REPO');
  if (options.schema && options.specDir && options.paths.length === 0) {
    throw new ConfigError('--schema applies to PATHs; --spec-dir picks the schema of each spec example itself');
  }
  if (options.schema && !loadSchemaRegistry().find(options.schema)) {
    const known = loadSchemaRegistry()
      .entries.filter((e) => e.alias.startsWith('matrix/'))
      .map((e) => e.alias);
    throw new ConfigError(`unknown schema "${options.schema}"; known Matrix schemas: ${known.join(', ')} (or any alias/$id under schemas/)`);
  }
  return version;
}

/** Validates the given files/folders and/or spec checkout. Throws ConfigError on bad options. */
export async function validatePayloads(options: ValidateOptions): Promise<ValidateResult> {
  const given = checkOptions(options);
  const version = given ?? 'v1.19';
  const registry = loadSchemaRegistry();
  const result: ValidateResult = { checked: [], problems: [], warnings: [], notes: [], disagreements: [] };

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
        const errors = withPositions(registry.validate(schema, doc.data), doc.locate, shown);
        result.checked.push({
          file: shown,
          ...start,
          ...(docs.length > 1 ? { document: index } : {}),
          schema: registry.find(schema)!.alias,
          chosen: options.schema ? 'named' : 'automatic',
          valid: errors.length === 0,
          errors,
        });
      });
    }
  }

  if (options.specDir) {
    const tree = await checkSpecTree(options.specDir, given);
    const where = (n: SpecNotice) => noticeText(n, displayPath(join(resolve(options.specDir!), n.file)));
    result.spec = { dir: tree.dir, layout: tree.layout, version: tree.version, schemas: tree.schemas };
    result.checked.push(...tree.checked);
    result.disagreements.push(...tree.disagreements);
    result.problems.push(...tree.problems.map(where));
    result.warnings.push(...tree.warnings.map(where));
    result.notes.push(...tree.forgiven.map(where));
  }
  return result;
}

/** 2 when an input was unreadable or undecidable, 1 when a payload is invalid, else 0. */
export function exitStatus(result: ValidateResult): number {
  if (result.problems.length > 0) return 2;
  return result.checked.some((c) => !c.valid) ? 1 : 0;
}
