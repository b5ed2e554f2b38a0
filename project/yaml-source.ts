// YAML (and JSON, which is YAML 1.2) read with the place every value came from, so any later complaint
// about it (a schema violation, an unknown clause id, a failed check) can name `file:line:col`. One
// position model serves both readers below:
// - the project's own files (suites, profiles, expectations, clauses): one document, unique keys, a map
//   value located at its key, like editors do (`readYamlFile`, `parseYamlText`);
// - payloads checked by `validate`: any number of documents, duplicate keys allowed as JSON.parse does,
//   a value located at the value itself, and strict JSON for .json files (`parseWithPositions`).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { LineCounter, isMap, isSeq, isScalar, isPair, parseAllDocuments, parseDocument, type Node } from 'yaml';
import { cacheKey, readCacheEntry, writeCacheEntry } from './compile-cache.js';
import { ConfigError, UnreadableInputError } from './errors.js';
import { displayPath } from './paths.js';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface YamlSource {
  /** The file as the user should see it. */
  file: string;
  data: unknown;
  /** Position of the value at a JSON pointer, or of its nearest existing ancestor. */
  position(pointer: string): SourcePosition;
  /** "file:line:col" for a JSON pointer. */
  where(pointer: string): string;
}

/** Where a map value is located: at its key (what a person edits) or at the value itself. */
type Anchor = 'key' | 'value';

export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a JSON pointer names in `data`, or undefined when the path leaves the data. */
export function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Records the start offset of every node by JSON pointer. */
function indexOffsets(node: unknown, pointer: string, anchor: Anchor, out: Map<string, number>, keyOffset?: number): void {
  const n = node as Node | null;
  const own = n && 'range' in n && n.range ? n.range[0] : undefined;
  const offset = (anchor === 'key' ? keyOffset : undefined) ?? own ?? keyOffset;
  if (offset !== undefined) out.set(pointer, offset);
  if (isMap(n)) {
    for (const item of n.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      const kr = isScalar(item.key) && item.key.range ? item.key.range[0] : undefined;
      const child = `${pointer}/${escapePointer(key)}`;
      // With duplicate keys (allowed for payloads) the last one wins, as in the data.
      indexOffsets(item.value, child, anchor, out, kr);
    }
  } else if (isSeq(n)) {
    n.items.forEach((item, i) => indexOffsets(item, `${pointer}/${i}`, anchor, out));
  }
}

function sourceOf(offsets: Map<string, number>, lines: LineCounter, file: string, data: unknown): YamlSource {
  const position = (pointer: string): SourcePosition => {
    let p = pointer;
    for (;;) {
      const offset = offsets.get(p);
      if (offset !== undefined) return lines.linePos(offset);
      if (p === '') return { line: 1, col: 1 };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  };
  return {
    file,
    data,
    position,
    where(pointer) {
      const { line, col } = position(pointer);
      return `${file}:${line}:${col}`;
    },
  };
}

/** The first line of the yaml library's message, without the position it repeats. */
function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * What a parse of one of the project's files leaves for the cache (project/compile-cache.ts): the
 * data, the offset of every value by JSON pointer, and where each line starts. Bump the format when
 * this shape or what goes into it changes.
 */
interface CachedParse {
  data: unknown;
  offsets: [string, number][];
  lineStarts: number[];
}
const CACHED_PARSE_FORMAT = 'yaml-parse-1';
/** A new yaml release may parse differently: its version is part of every entry's name. */
const yamlVersion = (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;

/** The data as JSON text, or undefined when JSON cannot carry it (.inf, .nan: a parse not to cache). */
function jsonOf(value: unknown): string | undefined {
  let faithful = true;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) faithful = false;
    if (v === undefined || typeof v === 'bigint') faithful = false;
    return v;
  });
  return faithful ? text : undefined;
}

function fromCache(text: string, file: string, entry: string): YamlSource | undefined {
  const cached = readCacheEntry(entry);
  if (cached === undefined) return undefined;
  try {
    const parse = JSON.parse(cached) as CachedParse;
    const lines = new LineCounter();
    lines.lineStarts.push(...parse.lineStarts);
    return sourceOf(new Map(parse.offsets), lines, file, parse.data);
  } catch {
    return undefined;
  }
}

/**
 * One of the project's own YAML files, from its text. Throws ConfigError "file:line:col: invalid YAML".
 * The parse of a text that parsed before comes from the cache: the same data and positions.
 */
export function parseYamlText(text: string, file: string): YamlSource {
  const entry = `${CACHED_PARSE_FORMAT}-${cacheKey(CACHED_PARSE_FORMAT, yamlVersion, text)}.json`;
  const hit = fromCache(text, file, entry);
  if (hit) return hit;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    const at = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new ConfigError(`${at}: invalid YAML: ${firstLine(first.message)}`);
  }
  const offsets = new Map<string, number>();
  indexOffsets(doc.contents, '', 'key', offsets);
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const json = jsonOf(data);
  if (json !== undefined) {
    writeCacheEntry(entry, `{"data":${json},"offsets":${JSON.stringify([...offsets])},"lineStarts":${JSON.stringify(lines.lineStarts)}}`);
  }
  return sourceOf(offsets, lines, file, data);
}

/** One of the project's own YAML files. Throws ConfigError when it cannot be read or parsed. */
export async function readYamlFile(path: string): Promise<YamlSource> {
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

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  data: unknown;
  /** Position of the value at a JSON pointer, or of its nearest existing ancestor. */
  locate(pointer: string): Position;
}

/**
 * Every document of a payload text (YAML may hold several, JSON holds one), each value located at
 * itself. Throws UnreadableInputError naming file:line:column.
 */
export function parseWithPositions(text: string, file: string, asJson: boolean): ParsedDocument[] {
  const lines = new LineCounter();
  if (asJson) {
    try {
      JSON.parse(text);
    } catch (err) {
      // Node's message carries "at position N"; turn it into line:column.
      const pos = lineColumn(text, jsonErrorOffset(text, (err as Error).message));
      throw new UnreadableInputError(file, pos, `not valid JSON: ${(err as Error).message}`);
    }
  }
  // uniqueKeys off: JSON.parse accepts duplicate keys (the last wins), and so does this reader.
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  const parsed: ParsedDocument[] = [];
  for (const doc of docs) {
    const problem = doc.errors[0];
    if (problem) {
      const { line, col } = lines.linePos(problem.pos[0]);
      throw new UnreadableInputError(file, { line, column: col }, `not valid ${asJson ? 'JSON' : 'YAML'}: ${problem.message.split('\n')[0]}`);
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // e.g. an alias bomb ("billion laughs"): refuse it rather than expanding it.
      throw new UnreadableInputError(file, undefined, `not usable YAML: ${(err as Error).message}`);
    }
    const offsets = new Map<string, number>();
    indexOffsets(doc.contents, '', 'value', offsets);
    const source = sourceOf(offsets, lines, file, data);
    parsed.push({
      data,
      locate(pointer) {
        const { line, col } = source.position(pointer);
        return { line, column: col };
      },
    });
  }
  return parsed;
}

/** A prefix that some valid JSON text could start with (JSON.parse fails only for lack of input). */
function viablePrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (err) {
    const message = (err as Error).message;
    if (/Unexpected end/.test(message)) return true;
    const at = /position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

/**
 * Offset of the first bad character. Node names it in some messages ("at position 8") but not in others
 * ("Unexpected token '}'"); then the shortest non-viable prefix is found by bisection.
 */
function jsonErrorOffset(text: string, message: string): number {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (viablePrefix(text.slice(0, mid + 1))) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, text.length);
}

function lineColumn(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
