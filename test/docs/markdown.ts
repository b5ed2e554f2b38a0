// What the documentation tests read from a Markdown file: its headings as GitHub anchors them, and its
// relative links. Fenced code blocks are left out of both (a YAML comment is not a heading).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';
import { walkFiles } from '../../project/walk.js';

/** README.md, INTERPRETING.md, CONTRIBUTING.md and docs/*.md, relative to the project root. */
export function documentationFiles(): string[] {
  const docs = walkFiles(join(projectRoot, 'docs'), { filter: (name) => name.endsWith('.md'), enter: () => false }).map((name) => `docs/${name}`);
  return ['README.md', 'INTERPRETING.md', 'CONTRIBUTING.md', ...docs];
}

export function readDoc(file: string): string {
  return readFileSync(join(projectRoot, file), 'utf8');
}

/** The text of the `## title` section, up to the next second-level heading; throws when there is none. */
export function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "## ${title}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The lines outside fenced code blocks, with their 1-based line numbers. */
export function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text: line });
  });
  return out;
}

export interface Heading {
  level: number;
  title: string;
  anchor: string;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function headings(text: string): Heading[] {
  const seen = new Map<string, number>();
  const out: Heading[] = [];
  for (const { text: line } of proseLines(text)) {
    const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[2]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push({ level: m[1]!.length, title: m[2]!, anchor: n === 0 ? base : `${base}-${n}` });
  }
  return out;
}

export interface Link {
  line: number;
  text: string;
  target: string;
}

/** Inline links and images whose target is not a URL with a scheme (http:, mailto:, ...). */
export function relativeLinks(text: string): Link[] {
  const out: Link[] = [];
  for (const { line, text: prose } of proseLines(text)) {
    const withoutCode = prose.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
    for (const m of withoutCode.matchAll(/!?\[([^\]]*)\]\(([^)\s]+)\)/g)) {
      const target = m[2]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push({ line, text: m[1]!, target });
    }
  }
  return out;
}
