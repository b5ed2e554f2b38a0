// A cache of work that depends only on its input text: the parse of a YAML file (suites, profiles,
// clauses) and the code Ajv generates for a schema. Parsing the suites with positions and compiling
// the format and Matrix schemas are most of a run's start-up; both are pure functions of the files, so
// an entry is named by a hash of everything its result depends on and can never be stale.
//
// Where: $MPC_CACHE_DIR, else node_modules/.cache/matrix-presence-conformance in the project (where
// Ajv's generated code can resolve the ajv package it requires). MPC_NO_CACHE=1 switches it off. A
// cache that cannot be read or written is the same as an empty one: nothing here ever fails a run.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';

let directory: string | null | undefined;

/** The cache folder, created on first use; null when the cache is off or cannot be created. */
export function cacheDirectory(): string | null {
  if (directory !== undefined) return directory;
  if (process.env.MPC_NO_CACHE === '1') return (directory = null);
  const dir = process.env.MPC_CACHE_DIR || join(projectRoot, 'node_modules', '.cache', 'matrix-presence-conformance');
  try {
    mkdirSync(dir, { recursive: true });
    directory = dir;
  } catch {
    directory = null;
  }
  return directory;
}

/** For tests: forget the folder chosen, so that a changed environment takes effect. */
export function resetCacheDirectory(): void {
  directory = undefined;
}

/** A hex digest of the parts, in order. */
export function cacheKey(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex').slice(0, 40);
}

/** The path of an entry (whether or not it exists), or null without a cache. */
export function cachePath(name: string): string | null {
  const dir = cacheDirectory();
  return dir === null ? null : join(dir, name);
}

/** An entry's text, or undefined when there is none (or it cannot be read). */
export function readCacheEntry(name: string): string | undefined {
  const path = cachePath(name);
  if (path === null) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes an entry atomically (a reader sees the whole entry or none); a failure is ignored. */
export function writeCacheEntry(name: string, text: string): void {
  const path = cachePath(name);
  if (path === null) return;
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch {
    // A read-only or full disk costs the next run its speed, nothing else.
  }
}
