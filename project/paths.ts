// Where the project's data folders live, whether code runs from source (tsx) or from dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'matrix-presence-conformance') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the matrix-presence-conformance package above ${start}`);
    dir = parent;
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const schemasDir = join(projectRoot, 'schemas');
export const suitesDir = join(projectRoot, 'suites');
export const fixturesDir = join(projectRoot, 'fixtures');
export const targetsDir = join(fixturesDir, 'targets');

/** A file as the user should see it: relative to the working directory when below it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
