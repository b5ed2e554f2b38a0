// The one directory walker of the project: the schemas under schemas/, the suite files of a run, the
// payload folders `validate` is given and the spec trees it reads all come from here, in one order.
//
// Paths are relative to the root, with '/' between segments on every platform, sorted by plain
// code-unit order of that whole path (no locale), so a listing is the same on every machine.
//
// Symbolic links: a linked folder is never walked (a spec tree links a folder to itself, and r0 trees
// reach the event examples through a link; what it leads to inside the root is walked where it is). A
// linked file is listed, at the link's own path, only when it leads to a file inside the root: a tree
// from elsewhere cannot make a walk read a file outside it.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

export interface WalkOptions {
  /** Whether a file is listed, by its relative path. Default: every file. */
  filter?: (path: string) => boolean;
  /** Whether a folder is walked, by its relative path. Default: every folder. */
  enter?: (path: string) => boolean;
}

/** Dot files and folders, and node_modules: what a walk of a user's folder or of a spec tree leaves out. */
export function isHidden(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * Every file below root (see the header for order and links). Throws the file system's error when
 * root itself cannot be read as a folder (ENOENT, ENOTDIR), so a caller can word it; a folder below
 * root that cannot be read throws too, rather than being left out unsaid.
 */
export function walkFiles(root: string, options: WalkOptions = {}): string[] {
  const { filter = () => true, enter = () => true } = options;
  const realRoot = realpathSync(root);
  const rootPrefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  const linkedFile = (path: string): boolean => {
    try {
      const real = realpathSync(path);
      return real.startsWith(rootPrefix) && statSync(real).isFile();
    } catch {
      // A dangling link leads nowhere: nothing to list.
      return false;
    }
  };
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (enter(relPath)) walk(path, relPath);
      } else if (entry.isFile() || (entry.isSymbolicLink() && linkedFile(path))) {
        if (filter(relPath)) files.push(relPath);
      }
    }
  };
  walk(root, '');
  return files.sort();
}
