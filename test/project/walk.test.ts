// The directory walker (project/walk.ts): one order everywhere, relative '/' paths, filters on files
// and folders, and links that can neither loop nor lead out of the root.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isHidden, walkFiles } from '../../project/walk.js';

describe('walkFiles', () => {
  let work: string;
  let root: string;
  const file = (rel: string, text = '') => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'mpc-walk-'));
    root = join(work, 'root');
    mkdirSync(root);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('lists every file below the root as a relative path with / separators, in code-unit order of the whole path', () => {
    for (const rel of ['b.json', 'a/z.yaml', 'a-c.yaml', 'A.yaml', 'a/b/c.json', 'é.json']) file(rel);
    mkdirSync(join(root, 'empty'));
    // '-' (0x2D) sorts before '/' (0x2F), and capitals before small letters: no locale, no per-folder order.
    expect(walkFiles(root)).to.deep.equal(['A.yaml', 'a-c.yaml', 'a/b/c.json', 'a/z.yaml', 'b.json', 'é.json']);
  });

  it('lists only the files the filter accepts, and walks only the folders enter accepts', () => {
    for (const rel of ['keep.json', 'skip.txt', 'sub/keep.json', 'sub/.hidden.json', '.git/config.json', 'node_modules/x/keep.json']) file(rel);
    const seen: string[] = [];
    const listed = walkFiles(root, {
      filter: (path) => !isHidden(path) && path.endsWith('.json'),
      enter: (path) => {
        seen.push(path);
        return !isHidden(path);
      },
    });
    expect(listed).to.deep.equal(['keep.json', 'sub/keep.json']);
    // enter is asked with the folder's relative path, and a folder it refuses is not read at all.
    expect(seen.sort()).to.deep.equal(['.git', 'node_modules', 'sub']);
  });

  it('never walks a linked folder, so a link to an ancestor cannot loop and a linked folder is not listed twice', () => {
    file('events/m.presence.json');
    symlinkSync(join(root, 'events'), join(root, 'linked-events'));
    symlinkSync(root, join(root, 'events', 'self'));
    expect(walkFiles(root)).to.deep.equal(['events/m.presence.json']);
  });

  it('lists a linked file at its own path when it leads to a file inside the root, and never one outside it', () => {
    file('real.json');
    writeFileSync(join(work, 'outside.json'), '{}');
    symlinkSync(join(root, 'real.json'), join(root, 'inside-link.json'));
    symlinkSync(join(work, 'outside.json'), join(root, 'outside-link.json'));
    symlinkSync(join(root, 'missing.json'), join(root, 'dangling-link.json'));
    expect(walkFiles(root)).to.deep.equal(['inside-link.json', 'real.json']);
  });

  it('walks a root that is itself a link, as the folder it leads to', () => {
    file('a.json');
    const link = join(work, 'link-to-root');
    symlinkSync(root, link);
    expect(walkFiles(link)).to.deep.equal(['a.json']);
  });

  it('throws the file system error for a root that is missing or a file, for the caller to word', () => {
    file('a.json');
    expect(() => walkFiles(join(root, 'nowhere')))
      .to.throw()
      .with.property('code', 'ENOENT');
    expect(() => walkFiles(join(root, 'a.json')))
      .to.throw()
      .with.property('code', 'ENOTDIR');
  });
});

describe('isHidden', () => {
  it('is true for dot names and node_modules, by the last segment of the path alone', () => {
    expect(['.git', 'a/.hidden.json', 'node_modules', 'x/node_modules'].map(isHidden)).to.deep.equal([true, true, true, true]);
    expect(['a.json', '.config/a.json', 'node_modules_x', 'my.node_modules'].map(isHidden)).to.deep.equal([false, false, false, false]);
  });
});
