// Real spec trees for the tests: the spec repository's git bundle (../shared/matrix-spec-history beside
// the project, as in CI) cloned once per test run into a temporary folder, and the trees of a few
// releases extracted from it with `git archive REF PARTS | tar -x`, each once. Everything is removed
// when the test process exits.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';

export const specBundle = join(projectRoot, '..', 'shared', 'matrix-spec-history', 'matrix-spec.bundle');

let work: string | undefined;
const trees = new Map<string, string>();

function workDir(): string {
  if (!work) {
    if (!existsSync(specBundle)) throw new Error(`the spec history bundle is missing: ${specBundle} (../shared beside the project)`);
    work = mkdtempSync(join(tmpdir(), 'mpc-spec-bundle-'));
    process.on('exit', () => rmSync(work!, { recursive: true, force: true }));
    execFileSync('git', ['clone', '--quiet', '--no-checkout', specBundle, join(work, 'repo')], { timeout: 120_000, stdio: 'ignore' });
  }
  return work;
}

/** The clone of the bundle (a git repository whose tags are the spec's releases). */
export function specClone(): string {
  return join(workDir(), 'repo');
}

/**
 * The tree of `ref` with only `parts` (top-level folders and files; default: what a check reads),
 * extracted once into a folder of its own.
 */
export function specTree(ref: string, parts: string[] = ['data', 'api', 'event-schemas', 'changelogs', 'CHANGELOG.rst', 'config', 'config.toml']): string {
  const name = `${ref} ${parts.join(',')}`;
  let dir = trees.get(name);
  if (!dir) {
    const repo = specClone();
    const present = execFileSync('git', ['-C', repo, 'ls-tree', '--name-only', ref], { encoding: 'utf8' }).split('\n');
    dir = join(workDir(), `tree-${trees.size}`);
    mkdirSync(dir);
    const archive = execFileSync('git', ['-C', repo, 'archive', '--format=tar', ref, '--', ...parts.filter((p) => present.includes(p))], {
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-f', '-', '-C', dir], { input: archive });
    trees.set(name, dir);
  }
  return dir;
}
