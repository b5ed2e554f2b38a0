// The layout's dependency rules (docs/architecture.md, "Dependency rules"), read from the import
// statements of every source file, so that a shortcut across the architecture fails a test instead of
// slowly eroding it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { walkFiles } from '../../project/walk.js';

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
  return walkFiles(join(projectRoot, dir), { filter: (path) => path.endsWith('.ts') }).map((path) => `${dir}/${path}`);
}

/** Static imports, re-exports, side-effect imports and dynamic import() of relative modules. */
export function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^\s*import\s+['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) {
    const spec = m[3] ?? m[4] ?? m[5]!;
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

function show(i: Import): string {
  return `${i.file}:${i.line} imports ${i.target}${i.typeOnly ? ' (type only)' : ''}`;
}

function offenders(from: string, allowed: (i: Import) => boolean): string[] {
  return ALL.filter((i) => folderOf(i.file) === from && !allowed(i)).map(show);
}

/**
 * The runner's folders, lowest first: a folder imports only the folders before it (types too, so that
 * the order is the design and not only what happens to run). http and dialect are the layers every
 * stage talks to a server through. load, plan and judge never touch the network: judge sits below
 * execute because a step judges each answer as it comes (the run's verdict is judged after execution
 * by run-suites.ts, which with index.ts may import any stage). contact (reaching a server, the first
 * contact) makes its user as the cases do (provision); probe (`profile init`) asks what contact asks
 * and more. suite-tools (`lint`, `coverage`) comes last: it serves the CLI and nothing imports it.
 */
export const RUNNER_ORDER = ['http', 'dialect', 'load', 'plan', 'judge', 'provision', 'contact', 'probe', 'execute', 'suite-tools'];

/** The runner folder of a file or module ("runner/plan/plan" -> "plan"); undefined at runner/'s root and outside it. */
function runnerFolderOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts[0] === 'runner' && parts.length > 2 ? parts[1] : undefined;
}

/** A module at runner/'s root (run-suites, index): the pipeline over every stage. */
function atRunnerRoot(path: string): boolean {
  const parts = path.split('/');
  return parts[0] === 'runner' && parts.length === 2;
}

/**
 * Imports from one runner folder into another that is not before it in RUNNER_ORDER, and imports from a
 * stage folder of runner/'s root modules, which import every stage (a cycle through the pipeline).
 */
export function stageOrderBreaches(imports: Import[], order: string[] = RUNNER_ORDER): string[] {
  return imports
    .filter((i) => {
      const from = runnerFolderOf(i.file);
      if (from !== undefined && atRunnerRoot(i.target)) return true;
      const to = runnerFolderOf(i.target);
      if (from === undefined || to === undefined || from === to) return false;
      return !(order.indexOf(to) >= 0 && order.indexOf(to) < order.indexOf(from));
    })
    .map(show);
}

/** The parts the CLI may use only through their index.ts (project/ it may import freely). */
const ENTRY_POINT_PARTS = ['runner', 'validator', 'mock-server', 'reporters'];

/** CLI imports of a runner, validator, mock-server or reporters module other than that part's index. */
export function cliEntryPointBreaches(imports: Import[]): string[] {
  return imports
    .filter((i) => folderOf(i.file) === 'cli' && ENTRY_POINT_PARTS.includes(folderOf(i.target)) && i.target !== `${folderOf(i.target)}/index`)
    .map(show);
}

describe('layout: dependency rules', () => {
  it('reads imports of every kind, so the rules below can fail', () => {
    const sample =
      "import { a } from '../runner/x.js';\nimport type { B } from './b.js';\nexport { c } from '../project/c.js';\nconst m = await import('../cli/main.js');\nimport '../mock-server/side.js';\n";
    expect(importsOf('reporters/r.ts', sample).map((i) => [i.target, i.typeOnly])).to.deep.equal([
      ['runner/x', false],
      ['reporters/b', true],
      ['project/c', false],
      ['cli/main', false],
      ['mock-server/side', false],
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

  it('runner stage folders import each other in one direction (RUNNER_ORDER), so no two stages form a cycle', () => {
    const sample = [
      "import { caseTimeoutMs } from '../execute/execute-case.js';",
      "import type { CaseRun } from '../execute/case-run.js';",
      "import { evaluateDuration } from '../load/durations.js';",
      "import { planRun } from './plan.js';",
      "import '../probe/probe-server.js';",
      "import { TOOL } from '../run-suites.js';",
      "import type { Report } from '../index.js';",
    ].join('\n');
    expect(stageOrderBreaches(importsOf('runner/plan/p.ts', sample))).to.deep.equal([
      'runner/plan/p.ts:1 imports runner/execute/execute-case',
      'runner/plan/p.ts:2 imports runner/execute/case-run (type only)',
      'runner/plan/p.ts:5 imports runner/probe/probe-server',
      'runner/plan/p.ts:6 imports runner/run-suites',
      'runner/plan/p.ts:7 imports runner/index (type only)',
    ]);
    expect(stageOrderBreaches(importsOf('runner/run-suites.ts', "import { executeCase } from './execute/execute-case.js';"))).to.deep.equal([]);
    expect(stageOrderBreaches(importsOf('runner/new/n.ts', "import { planRun } from '../plan/plan.js';"))).to.have.length(1);
    expect(stageOrderBreaches(ALL)).to.deep.equal([]);
  });

  it('every runner folder has its place in RUNNER_ORDER', () => {
    const folders = readdirSync(join(projectRoot, 'runner'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...folders].sort()).to.deep.equal([...RUNNER_ORDER].sort());
  });

  it('cli/ uses the runner, the validator, the mock and the reporters only through their index.ts', () => {
    const sample = [
      "import { runSuites } from '../runner/index.js';",
      "import { planRun } from '../runner/plan/plan.js';",
      "import type { Finding } from '../runner/probe/findings.js';",
      "import { FAULTS } from '../mock-server/faults.js';",
      "import { displayPath } from '../project/paths.js';",
      "import { action } from './command.js';",
      "import '../reporters/html-page.js';",
    ].join('\n');
    expect(cliEntryPointBreaches(importsOf('cli/x.ts', sample))).to.deep.equal([
      'cli/x.ts:2 imports runner/plan/plan',
      'cli/x.ts:3 imports runner/probe/findings (type only)',
      'cli/x.ts:4 imports mock-server/faults',
      'cli/x.ts:7 imports reporters/html-page',
    ]);
    expect(cliEntryPointBreaches(ALL)).to.deep.equal([]);
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
