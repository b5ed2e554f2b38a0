// Reads a YAML file and keeps where every value came from, so any later complaint about it (a schema
// violation, an unknown clause id, a failed check) can name `file:line:col`.
import { readFile } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import { LineCounter, isMap, isSeq, isScalar, isPair, parseDocument, type Node } from 'yaml';
import { ConfigError } from './config-error.js';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface YamlSource {
  /** The file as the user should see it: relative to the working directory when below it. */
  file: string;
  data: unknown;
  /** Position of the value at a JSON pointer, or of its nearest existing ancestor. */
  position(pointer: string): SourcePosition;
  /** "file:line:col" for a JSON pointer. */
  where(pointer: string): string;
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Records the start offset of every node by JSON pointer (map values at their key, like editors do). */
function indexOffsets(node: unknown, pointer: string, out: Map<string, number>, keyOffset?: number): void {
  const n = node as Node | null;
  const own = n && 'range' in n && n.range ? n.range[0] : undefined;
  const offset = keyOffset ?? own;
  if (offset !== undefined) out.set(pointer, offset);
  if (isMap(n)) {
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const kr = isScalar(item.key) && item.key.range ? item.key.range[0] : undefined;
      indexOffsets(item.value, `${pointer}/${escapePointer(key)}`, out, kr);
    }
  } else if (isSeq(n)) {
    n.items.forEach((item, i) => indexOffsets(item, `${pointer}/${i}`, out));
  }
}

export function parseYamlText(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    const at = pos ? `${file}:${pos.line}:${pos.col}` : file;
    // The yaml library's own message repeats the position and adds a code excerpt; keep its first line.
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${at}: invalid YAML: ${message}`);
  }
  const offsets = new Map<string, number>();
  indexOffsets(doc.contents, '', offsets);
  const position = (pointer: string): SourcePosition => {
    let p = pointer;
    for (;;) {
      const offset = offsets.get(p);
      if (offset !== undefined) return lineCounter.linePos(offset);
      if (p === '') return { line: 1, col: 1 };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }) as unknown,
    position,
    where(pointer) {
      const { line, col } = position(pointer);
      return `${file}:${line}:${col}`;
    },
  };
}

export async function loadYamlFile(path: string): Promise<YamlSource> {
  const file = displayPath(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : String((err as Error).message)}`);
  }
  return parseYamlText(text, file);
}
