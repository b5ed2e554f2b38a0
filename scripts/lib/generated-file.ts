// The documentation files (or the marked sections of one) that a generator in scripts/ writes: one
// way to write them, one way to tell that they are stale, and the same message from the generator's
// `--check` and from test/docs/generated.test.ts, naming the command that brings the file up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { projectRoot } from '../../project/paths.js';

export interface GeneratedFile {
  /** Absolute path of the file. */
  file: string;
  /** What a reader runs to regenerate it, e.g. `npm run suites-table`. */
  command: string;
}

function shown(file: string): string {
  return relative(projectRoot, file);
}

/** Undefined when the file holds exactly `fresh`; otherwise what is wrong and what to run. */
export function staleness(target: GeneratedFile, fresh: string): string | undefined {
  let current: string;
  try {
    current = readFileSync(target.file, 'utf8');
  } catch {
    return `${shown(target.file)} is missing: run ${target.command}`;
  }
  return current === fresh ? undefined : `${shown(target.file)} is stale: run ${target.command}`;
}

/** The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` (the marker lines excluded). */
export function markedSection(text: string, name: string): string | undefined {
  const start = text.indexOf(`<!-- ${name}:start -->\n`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + `<!-- ${name}:start -->\n`.length, end);
}

/** `text` with the section between the NAME markers replaced by `section`; throws when the markers are missing. */
export function replaceMarkedSection(text: string, name: string, section: string): string {
  if (markedSection(text, name) === undefined) throw new Error(`no <!-- ${name}:start --> ... <!-- ${name}:end --> markers`);
  const start = text.indexOf(`<!-- ${name}:start -->\n`) + `<!-- ${name}:start -->\n`.length;
  const end = text.indexOf(`<!-- ${name}:end -->`);
  return text.slice(0, start) + (section.endsWith('\n') ? section : `${section}\n`) + text.slice(end);
}

/**
 * The end of a generator's command line: with `--check`, report staleness on stderr and set exit code 1;
 * otherwise write the file.
 */
export function writeOrCheck(target: GeneratedFile, fresh: string, argv: readonly string[]): void {
  if (argv.includes('--check')) {
    const stale = staleness(target, fresh);
    if (stale) {
      process.stderr.write(`${stale}\n`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(target.file, fresh);
  process.stderr.write(`wrote ${shown(target.file)}\n`);
}
