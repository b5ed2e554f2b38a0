// `validate --spec-history REPO`: the example checker over every Client-Server release of a spec
// repository, as a table of releases by presence example (valid, invalid, missing, changed), so a spec
// editor sees when an example appeared, changed or broke. Each release is extracted from git
// (`git archive REF <the folders a check reads> | tar -x`) into a temporary folder and checked there
// with check-spec-tree.ts; the files the releases share are read once (SpecReadCache).
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../project/errors.js';
import { displayPath } from '../project/paths.js';
import { disagrees } from './checked-payload.js';
import { checkSpecTree, type SpecTreeCheck } from './check-spec-tree.js';
import { noticeText } from './spec-examples.js';
import type { SpecReadCache } from './spec-yaml.js';

/** Tags that release the Client-Server API: v1.x, r0.0.x, client-server/r0.x (both spellings), 0.2.0. */
const CLIENT_SERVER_RELEASE_TAGS = /^(v\d+\.\d+(\.\d+)?|r0\.\d+\.\d+|\d+\.\d+\.\d+|client[-_]server\/.+)$/;

/** What a check reads from a tree, in any era: everything else (the website, scripts, proposals) is left out. */
const TREE_PARTS = ['data', 'api', 'event-schemas', 'swagger', 'changelogs', 'CHANGELOG.rst', 'config', 'config.toml'];

/** Upper bounds for one git or tar call, so a broken repository cannot hang the command. */
const GIT_TIMEOUT_MS = 120_000;

export interface HistoryOptions {
  /** A git checkout of the spec, or a git bundle of one. */
  repo: string;
  /** Which tags to check (default: the Client-Server releases). */
  tags?: RegExp;
}

export type CellStatus = 'valid' | 'invalid';

export interface HistoryCell {
  status: CellStatus;
  /** The example's payload differs from the one in the nearest earlier row that has it. */
  changed: boolean;
  /** Our schema and the tree's own one disagree on it. */
  disagrees: boolean;
}

export interface HistoryColumn {
  id: string;
  /** The example's identity across releases (spec-examples.ts SpecExample.key). */
  key: string;
}

export interface HistoryRow {
  /** The tag, or the branch name of HEAD. */
  ref: string;
  commit: string;
  date: string;
  release: string;
  layout: string;
  schemas: string;
  summary: { checked: number; valid: number; invalid: number; disagreements: number; warnings: number; problems: number };
  /** By column id; an example the release does not have is absent (missing). */
  cells: Record<string, HistoryCell>;
  problems: string[];
  warnings: string[];
}

export interface SpecHistory {
  repo: string;
  used: { ref: string; commit: string; date: string }[];
  skipped: { tag: string; reason: string }[];
  columns: HistoryColumn[];
  rows: HistoryRow[];
  /** Wall-clock time of the whole run. */
  seconds: number;
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', cwd, ...args], { timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) resolve(stdout);
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') reject(new ConfigError('--spec-history needs git on the PATH'));
      else reject(new ConfigError(`git ${args[0]} in ${displayPath(cwd)}: ${(stderr || err.message).trim().split('\n')[0]}`));
    });
  });
}

/** `git archive REF parts | tar -x -C dir`, bounded in time. */
function extract(repo: string, ref: string, parts: string[], dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['-C', repo, 'archive', '--format=tar', ref, '--', ...parts], { stdio: ['ignore', 'pipe', 'pipe'] });
    const untar = spawn('tar', ['-x', '-f', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    archive.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    untar.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    archive.stdout.pipe(untar.stdin);
    const timer = setTimeout(() => {
      archive.kill();
      untar.kill();
    }, GIT_TIMEOUT_MS);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null, signal: NodeJS.Signals | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        clearTimeout(timer);
        reject(new ConfigError(`extracting ${ref}: ${what} ${signal ? `was stopped (${signal})` : `failed`}: ${errors.trim().split('\n')[0] ?? ''}`));
      }
      if (--pending === 0 && !failed) {
        clearTimeout(timer);
        resolve();
      }
    };
    archive.on('error', (err) => reject(new ConfigError(`git: ${err.message}`)));
    untar.on('error', (err) => reject(new ConfigError(`tar (needed to extract the releases): ${err.message}`)));
    archive.on('close', done('git archive'));
    untar.on('close', done('tar'));
  });
}

interface Ref {
  ref: string;
  commit: string;
  date: string;
}

/** The tags of the repository with their commits and commit dates, oldest first. */
async function listTags(repo: string): Promise<Ref[]> {
  const format =
    '%(refname:short)%09%(objectname)%09%(*objectname)%09%(committerdate:short)%09%(*committerdate:short)%09%(committerdate:unix)%09%(*committerdate:unix)';
  const lines = (await git(repo, ['for-each-ref', 'refs/tags', `--format=${format}`])).split('\n').filter(Boolean);
  return lines
    .map((line) => {
      // An annotated tag points at a tag object; its commit and date are the dereferenced (*) fields.
      const [ref, object, commit, date, commitDate, unix, commitUnix] = line.split('\t') as string[];
      return { ref: ref!, commit: commit || object!, date: commitDate || date!, unix: Number(commitUnix || unix) };
    })
    .sort((a, b) => a.unix - b.unix || a.ref.localeCompare(b.ref))
    .map(({ ref, commit, date }) => ({ ref, commit, date }));
}

async function headRef(repo: string): Promise<Ref | undefined> {
  try {
    const [commit, date] = (await git(repo, ['log', '-1', '--format=%H%x09%cs', 'HEAD'])).trim().split('\t') as [string, string];
    const branch = (await git(repo, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
    return { ref: branch === 'HEAD' ? 'HEAD' : branch, commit, date };
  } catch {
    return undefined;
  }
}

/** The repository to read: a checkout as it is, a bundle cloned into a temporary folder (removed by `cleanup`). */
async function openRepository(path: string): Promise<{ repo: string; cleanup(): void }> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new ConfigError(`${path}: no such file or folder`);
  }
  if (stat.isDirectory()) {
    await git(path, ['rev-parse', '--git-dir']).catch(() => {
      throw new ConfigError(`${path}: not a git repository (give a checkout of the spec, or a git bundle of it)`);
    });
    return { repo: path, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mpc-spec-history-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await git(tmpdir(), ['clone', '--quiet', '--no-checkout', resolve(path), dir]);
  } catch (err) {
    cleanup();
    throw new ConfigError(`${path}: neither a git repository nor a git bundle (${(err as Error).message})`);
  }
  return { repo: dir, cleanup };
}

/**
 * The order of the table's columns: the event example, the presence endpoints, the /sync presence
 * section and its events, then the events in other examples; within each, the order of first appearance.
 */
function columnRank(key: string): number {
  const ranks = [/^m\.presence event of the example file/, /\/presence\/\{userId\}\/status/, /\/presence\/list\//, /GET \/sync /, /\/initialSync /];
  const rank = ranks.findIndex((r) => r.test(key));
  return rank < 0 ? ranks.length : rank;
}

/** A row whose cells are keyed by example key (the column ids are given once every release is in). */
function rowOf(ref: Ref, check: SpecTreeCheck, previous: Map<string, unknown>): HistoryRow {
  const cells: Record<string, HistoryCell> = {};
  check.checked.forEach((c, i) => {
    const before = previous.get(c.key!);
    const data = check.payloads[i];
    cells[c.key!] = { status: c.valid ? 'valid' : 'invalid', changed: before !== undefined && !isDeepStrictEqual(before, data), disagrees: disagrees(c) };
    previous.set(c.key!, data);
  });
  const invalid = check.checked.filter((c) => !c.valid).length;
  return {
    ...ref,
    release: check.version.release,
    layout: check.layout,
    schemas: [check.schemas.era, ...check.schemas.releaseSchemas.map((r) => r.alias)].join(' + '),
    summary: {
      checked: check.checked.length,
      valid: check.checked.length - invalid,
      invalid,
      disagreements: check.disagreements.length,
      warnings: check.warnings.length,
      problems: check.problems.length,
    },
    cells,
    problems: check.problems.map((n) => noticeText(n)),
    warnings: check.warnings.map((n) => noticeText(n)),
  };
}

/** The columns, ordered, and the rows with their cells keyed by column id. */
function tabulate(rows: HistoryRow[]): { columns: HistoryColumn[]; rows: HistoryRow[] } {
  const keys: string[] = [];
  for (const row of rows) for (const key of Object.keys(row.cells)) if (!keys.includes(key)) keys.push(key);
  const ordered = keys.map((key, first) => ({ key, first })).sort((a, b) => columnRank(a.key) - columnRank(b.key) || a.first - b.first);
  const columns = ordered.map(({ key }, i) => ({ id: `E${i + 1}`, key }));
  const idOf = new Map(columns.map((c) => [c.key, c.id]));
  return {
    columns,
    rows: rows.map((row) => ({ ...row, cells: Object.fromEntries(Object.entries(row.cells).map(([key, cell]) => [idOf.get(key)!, cell])) })),
  };
}

/** Checks every selected release of the repository. Throws ConfigError when it cannot be read. */
export async function specHistory(options: HistoryOptions): Promise<SpecHistory> {
  const started = Date.now();
  const pattern = options.tags ?? CLIENT_SERVER_RELEASE_TAGS;
  const { repo, cleanup } = await openRepository(options.repo);
  try {
    const tags = await listTags(repo);
    const used: Ref[] = tags.filter((t) => pattern.test(t.ref));
    const skipped = tags
      .filter((t) => !pattern.test(t.ref))
      .map((t) => ({ tag: t.ref, reason: options.tags ? 'does not match --history-tags' : 'not a Client-Server release' }));
    if (used.length === 0) throw new ConfigError(`${options.repo}: no tags to check${options.tags ? ` match ${options.tags.source}` : ''}`);
    const head = await headRef(repo);
    if (head && !used.some((t) => t.commit === head.commit)) used.push(head);

    const work = mkdtempSync(join(tmpdir(), 'mpc-spec-trees-'));
    const cache: SpecReadCache = new Map();
    const previous = new Map<string, unknown>();
    const rows: HistoryRow[] = [];
    const prepare = async (ref: Ref, index: number): Promise<string> => {
      const dir = join(work, String(index));
      mkdirSync(dir);
      const names = (await git(repo, ['ls-tree', '--name-only', ref.commit])).split('\n');
      const parts = TREE_PARTS.filter((p) => names.includes(p));
      if (parts.length > 0) await extract(repo, ref.commit, parts, dir);
      return dir;
    };
    /** A release that could not be checked at all: a row with the reason and nothing else. */
    const unchecked = (ref: Ref, reason: string): HistoryRow => ({
      ...ref,
      release: '?',
      layout: '?',
      schemas: '?',
      cells: {},
      warnings: [],
      problems: [reason],
      summary: { checked: 0, valid: 0, invalid: 0, disagreements: 0, warnings: 0, problems: 1 },
    });
    // Extract the next release while this one is checked: git and tar run beside the check.
    let next = prepare(used[0]!, 0);
    try {
      for (let i = 0; i < used.length; i++) {
        const ref = used[i]!;
        const dir = await next.catch((err: unknown) => (err instanceof ConfigError ? err : Promise.reject(err)));
        if (i + 1 < used.length) next = prepare(used[i + 1]!, i + 1);
        if (dir instanceof ConfigError) {
          rows.push(unchecked(ref, dir.message));
          continue;
        }
        try {
          rows.push(rowOf(ref, await checkSpecTree(dir, undefined, cache), previous));
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          rows.push(unchecked(ref, err.message.split(dir).join('.')));
        }
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      // An extraction still under way (after an unexpected error) ends before its folder goes.
      await next.catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    }
    return {
      repo: options.repo,
      used: used.map(({ ref, commit, date }) => ({ ref, commit, date })),
      skipped,
      ...tabulate(rows),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    cleanup();
  }
}
