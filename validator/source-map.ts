// Parses a JSON or YAML text and keeps where each value sits, so a schema violation at a JSON pointer
// can be reported as file:line:column. JSON is parsed with the `yaml` package too (JSON is YAML 1.2),
// which gives one position model for both; a .json file must additionally be strict JSON.
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, type Node, type Document } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export interface ParsedDocument {
  data: unknown;
  /** Position of the value at a JSON pointer, or of its nearest existing ancestor. */
  locate(pointer: string): Position;
}

/** An input that cannot be read as JSON/YAML; the message already names file:line:column. */
export class UnreadableInputError extends Error {}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function childNode(node: Node | null, key: string): Node | null {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (k === key) return (pair.value as Node | null) ?? (pair.key as Node);
    }
    return null;
  }
  if (isSeq(node) && /^\d+$/.test(key)) return (node.items[Number(key)] as Node | undefined) ?? null;
  return null;
}

function locator(doc: Document.Parsed, lines: LineCounter): (pointer: string) => Position {
  return (pointer) => {
    let node = doc.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const key of pointerSegments(pointer)) {
      node = childNode(node, key);
      if (!node) break;
      offset = node.range?.[0] ?? offset;
    }
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
}

/** Parses every document of a text (YAML may hold several, JSON holds one). */
export function parseWithPositions(text: string, file: string, asJson: boolean): ParsedDocument[] {
  const lines = new LineCounter();
  if (asJson) {
    try {
      JSON.parse(text);
    } catch (err) {
      // Node's message carries "at position N"; turn it into line:column.
      const pos = lineColumn(text, jsonErrorOffset(text, (err as Error).message));
      throw new UnreadableInputError(`${file}:${pos.line}:${pos.column}: not valid JSON: ${(err as Error).message}`);
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
      throw new UnreadableInputError(`${file}:${line}:${col}: not valid ${asJson ? 'JSON' : 'YAML'}: ${problem.message.split('\n')[0]}`);
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // e.g. an alias bomb ("billion laughs"): refuse it rather than expanding it.
      throw new UnreadableInputError(`${file}: not usable YAML: ${(err as Error).message}`);
    }
    parsed.push({ data, locate: locator(doc, lines) });
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
