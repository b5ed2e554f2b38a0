// The layout's dependency rules (docs/architecture.md, "Dependency rules"), read from the import
// statements of every source file, so that a shortcut across the architecture fails a test instead of
// slowly eroding it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';

interface Import {
  file: string;
  line: number;
  /** The imported module, relative to the project root without extension ("runner/load/load-target"). */
  target: string;
  /** `import type` / `export type`: erased at compile time, nothing runs. */
  typeOnly: boolean;
}

const SOURCE_FOLDERS = ['cli', 'project', 'runner', 'mock-server', 'validator', 'reporters'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Static imports, re-exports and dynamic import() of relative modules. */
export function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(pattern)) {
    const spec = m[3] ?? m[4]!;
    const line = text.slice(0, m.index).split('\n').length;
    const target = relative(projectRoot, resolve(projectRoot, dirname(file), spec))
      .split(sep)
      .join('/')
      .replace(/\.js$/, '');
    found.push({ file, line, target, typeOnly: m[2] !== undefined });
  }
  return found;
}

function folderOf(path: string): string {
  return path.split('/')[0]!;
}

const ALL = SOURCE_FOLDERS.flatMap(sourceFiles).flatMap((file) => importsOf(file, readFileSync(join(projectRoot, file), 'utf8')));

function offenders(from: string, allowed: (i: Import) => boolean): string[] {
  return ALL.filter((i) => folderOf(i.file) === from && !allowed(i)).map((i) => `${i.file}:${i.line} imports ${i.target}${i.typeOnly ? ' (type only)' : ''}`);
}

describe('layout: dependency rules', () => {
  it('reads imports of every kind, so the rules below can fail', () => {
    const sample =
      "import { a } from '../runner/x.js';\nimport type { B } from './b.js';\nexport { c } from '../project/c.js';\nconst m = await import('../cli/main.js');\n";
    expect(importsOf('reporters/r.ts', sample).map((i) => [i.target, i.typeOnly])).to.deep.equal([
      ['runner/x', false],
      ['reporters/b', true],
      ['project/c', false],
      ['cli/main', false],
    ]);
    expect(ALL.length).to.be.greaterThan(100);
  });

  it('project/ (what every part shares) imports no other part', () => {
    expect(offenders('project', (i) => folderOf(i.target) === 'project')).to.deep.equal([]);
  });

  it('mock-server/ imports nothing from runner/, validator/, reporters/ or cli/', () => {
    expect(offenders('mock-server', (i) => ['mock-server', 'project'].includes(folderOf(i.target)))).to.deep.equal([]);
  });

  it('validator/ imports nothing from runner/, mock-server/, reporters/ or cli/', () => {
    expect(offenders('validator', (i) => ['validator', 'project'].includes(folderOf(i.target)))).to.deep.equal([]);
  });

  it('reporters/ import no runner code at run time (the report contract lives in project/report.ts)', () => {
    expect(
      offenders('reporters', (i) => ['reporters', 'project'].includes(folderOf(i.target)) || (folderOf(i.target) === 'runner' && i.typeOnly)),
    ).to.deep.equal([]);
  });

  it('runner/ does not reach into cli/ or reporters/ (it emits events; the CLI chooses the reporters)', () => {
    expect(offenders('runner', (i) => !['cli', 'reporters'].includes(folderOf(i.target)))).to.deep.equal([]);
  });

  it('nothing but cli/ touches argv or the exit code', () => {
    const bad = SOURCE_FOLDERS.filter((f) => f !== 'cli')
      .flatMap(sourceFiles)
      .flatMap((file) => {
        const lines = readFileSync(join(projectRoot, file), 'utf8').split('\n');
        return lines.flatMap((text, i) => (/process\.(argv|exit\b|exitCode)/.test(text) && !/^\s*\/\//.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : []));
      });
    expect(bad).to.deep.equal([]);
  });
});
