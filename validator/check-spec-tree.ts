// Checks every presence example of one Matrix spec tree: finds the layout and the release, picks our
// schema set for the tree's era, validates each example against it and against the tree's own schema,
// and says where the two disagree and why. `validate --spec-dir` shows one tree; spec-history.ts runs
// it over every release tag.
import { join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../project/errors.js';
import { displayPath } from '../project/paths.js';
import { loadSchemaRegistry } from '../project/schemas.js';
import { disagrees, withPositions, type CheckedPayload } from './checked-payload.js';
import type { SpecVersion } from '../project/spec-versions.js';
import { RELEASE_SCHEMAS } from './choose-schema.js';
import { officialSchemas } from './official-schemas.js';
import { clauseFor } from './schema-clause.js';
import { findSpecExamples, type SpecNotice } from './spec-examples.js';
import { readSpecFile, type SpecReadCache } from './spec-yaml.js';
import { detectLayout, detectRelease, type TreeVersion } from './spec-layout.js';

export interface SpecTreeCheck {
  /** The tree as the user named it. */
  dir: string;
  layout: string;
  version: TreeVersion;
  /** Which of our schema sets was used, whether the tree or --spec-version chose it, and the release's own schemas used in it. */
  schemas: { era: SpecVersion; chosenBy: 'the tree' | '--spec-version'; releaseSchemas: { alias: string; why: string }[] };
  checked: CheckedPayload[];
  /** The payload of each checked example (same order), to tell when an example changed between releases. */
  payloads: unknown[];
  /** Examples on which our schema and the tree's own schema disagree. */
  disagreements: CheckedPayload[];
  /** Broken input that concerns presence (decides the exit status), broken input elsewhere, and files read leniently, each with the file relative to the tree. */
  problems: SpecNotice[];
  warnings: SpecNotice[];
  forgiven: SpecNotice[];
}

/** Throws ConfigError when dir is none of the spec's layouts. */
export async function checkSpecTree(dir: string, era?: SpecVersion, cache: SpecReadCache = new Map()): Promise<SpecTreeCheck> {
  const root = resolve(dir);
  const layout = detectLayout(root);
  if (!layout) {
    throw new ConfigError(`${dir}: not a Matrix spec tree (none of data/api, api/client-server, event-schemas, or the early api-docs)`);
  }
  const version = detectRelease(root, layout);
  const used = era ?? layout.era;
  // A release's own schemas apply only to a tree of that release checked in its own era.
  const release = used === layout.era ? version.release : undefined;
  const releaseSchemas = RELEASE_SCHEMAS.filter((r) => r.era === used && r.release === release).map(({ alias, why }) => ({ alias, why }));
  const found = findSpecExamples(root, layout, { era: used, release, cache });
  const registry = loadSchemaRegistry();
  const official = officialSchemas(root, async (file) => readSpecFile(file, relative(root, file).split(sep).join('/'), cache).doc.data);
  const result: SpecTreeCheck = {
    dir,
    layout: layout.description,
    version,
    schemas: { era: used, chosenBy: era ? '--spec-version' : 'the tree', releaseSchemas },
    checked: [],
    payloads: [],
    disagreements: [],
    problems: found.problems,
    warnings: found.warnings,
    forgiven: found.forgiven,
  };
  for (const ex of found.examples) {
    const file = displayPath(join(root, ex.file));
    // A value merged in through a $ref is reported in the file it is written in.
    const locate = (pointer: string) => {
      const at = ex.locate(pointer);
      return { file: displayPath(join(root, at.file)), line: at.line, column: at.column };
    };
    const errors = withPositions(registry.validate(ex.alias, ex.data), locate);
    const checked: CheckedPayload = {
      file,
      line: ex.start.line,
      column: ex.start.column,
      label: ex.label,
      key: ex.key,
      schema: ex.alias,
      chosen: 'spec-example',
      valid: errors.length === 0,
      errors,
    };
    if (ex.official) {
      const schema = `${ex.official.file}${ex.official.pointer ? `#${ex.official.pointer}` : ''}`;
      try {
        const theirs = await official.validate(ex.official, ex.data);
        checked.official = { valid: theirs.length === 0, errors: withPositions(theirs, locate), schema };
      } catch (err) {
        checked.official = { unavailable: `the tree's schema ${schema} could not be compiled: ${(err as Error).message.split('\n')[0]}` };
      }
    }
    const disagreeing = disagrees(checked);
    if (disagreeing && !checked.valid) {
      checked.stricter = errors
        .map((e) => ({ pointer: e.pointer, clause: clauseFor(ex.alias, e.pointer) ?? `our schema ${ex.alias}` }))
        .filter((c, i, all) => all.findIndex((o) => o.pointer === c.pointer) === i);
    }
    result.checked.push(checked);
    result.payloads.push(ex.data);
    if (disagreeing) result.disagreements.push(checked);
  }
  if (found.examples.length === 0 && result.problems.length === 0) {
    result.problems.push({ file: '.', line: 1, column: 1, message: `no presence examples in this tree (${layout.description})` });
  }
  return result;
}
