// Reads the files of a Matrix spec tree the way the spec's own tooling does. The spec's YAML was
// written for PyYAML (scripts/ and api/check_examples.py in every era), which does not check
// indentation inside a flow collection; the `yaml` package (project/yaml-source.ts) follows YAML 1.2
// and refuses a flow map whose continuation lines are indented no deeper than the key that holds it.
// v1.2 to v1.18 ship one such file (data/api/client-server/definitions/client_event.yaml, the
// `redacted_because` example's closing brace), which aborted the whole check before. Reading every file
// of every tag as YAML 1.1 instead of 1.2 changes no value, and duplicate keys (two server-server files
// of 2019, one event schema of v1.1) are read as PyYAML does (the last wins), so the flow indentation
// is the one construct to forgive.
//
// Values are read with js-yaml, a port of PyYAML's reader: it reads that file as PyYAML does, gives the
// same values as `yaml` for every other file of the history, and is several times faster, which a run
// over 31 releases needs. Positions come from `yaml`, only for the files a report points into.
// All of this is for spec trees only: the project's own files stay strict (project/yaml-source.ts).
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { UnreadableInputError } from '../project/errors.js';
import { parseWithPositions, type ParsedDocument, type Position } from '../project/yaml-source.js';

export interface SpecDocument extends ParsedDocument {
  /** Set when a strict YAML 1.2 reader refuses the file and it was read as PyYAML reads it. */
  forgiven?: { line: number; reason: string };
}

/** Where a flow collection opened in block context: what its continuation lines must be deeper than. */
interface ScanState {
  flowDepth: number;
  /** Column of the key or `-` that owns the open flow collection (or block scalar). */
  ownerIndent: number;
  quote: '"' | "'" | null;
  /** Indentation the lines of an open block scalar must exceed, or null outside one. */
  blockScalarOwner: number | null;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * Where the value of a block-context line starts, and the column of the key or `-` that owns it:
 * `  key: {` gives the `{`; `- {` the `{`; `"/path/{id}": x` skips the quoted key.
 */
function blockValueStart(line: string): { at: number; owner: number } | undefined {
  let at = indentOf(line);
  let owner = at;
  while (/^[-?](\s|$)/.test(line.slice(at))) {
    owner = at;
    at += 1;
    while (line[at] === ' ') at++;
  }
  if (at >= line.length) return undefined;
  // A key, plain or quoted, followed by ": " (or ":" at the end of the line).
  let keyEnd = -1;
  if (line[at] === '"' || line[at] === "'") {
    const close = line.indexOf(line[at]!, at + 1);
    if (close > 0 && /^\s*:(\s|$)/.test(line.slice(close + 1))) keyEnd = line.indexOf(':', close + 1);
  } else {
    const m = /:(\s|$)/.exec(line.slice(at));
    if (m && !line.slice(at, at + m.index).includes(' #')) keyEnd = at + m.index;
  }
  if (keyEnd >= 0) {
    owner = at;
    at = keyEnd + 1;
    while (line[at] === ' ') at++;
    if (at >= line.length) return undefined;
  }
  return { at, owner };
}

/** Scans from column `from` in flow context (or a quoted scalar), updating the state. */
function scanFlow(line: string, from: number, state: ScanState): void {
  for (let i = from; i < line.length; i++) {
    const ch = line[i]!;
    if (state.quote === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') state.quote = null;
      continue;
    }
    if (state.quote === "'") {
      if (ch === "'" && line[i + 1] === "'") i++;
      else if (ch === "'") state.quote = null;
      continue;
    }
    if (state.flowDepth === 0) return; // a quoted block scalar ended; the rest is a comment or nothing
    if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return;
    if (ch === '"' || ch === "'") {
      const before = line.slice(0, i).trimEnd();
      if (before === '' || /[[{,:]$/.test(before)) state.quote = ch;
    } else if (ch === '{' || ch === '[') state.flowDepth++;
    else if (ch === '}' || ch === ']') state.flowDepth = Math.max(0, state.flowDepth - 1);
  }
}

/**
 * The text with every continuation line of a block-context flow collection indented one column deeper
 * than the key that owns the collection, when it was not; and how many spaces each such line gained
 * (1-based line numbers). PyYAML reads both texts the same.
 */
export function indentFlowContinuations(text: string): { text: string; shifts: Map<number, number> } {
  const lines = text.split('\n');
  const shifts = new Map<number, number>();
  const state: ScanState = { flowDepth: 0, ownerIndent: -1, quote: null, blockScalarOwner: null };
  lines.forEach((line, index) => {
    if (state.blockScalarOwner !== null) {
      if (line.trim() === '' || indentOf(line) > state.blockScalarOwner) return;
      state.blockScalarOwner = null;
    }
    if (state.flowDepth > 0 || state.quote) {
      // A closing bracket may stand at the owner's column (strict readers accept that); nothing less.
      const indent = indentOf(line);
      const closing = /^[}\]]/.test(line.trimStart());
      if (state.flowDepth > 0 && !state.quote && line.trim() !== '' && (indent < state.ownerIndent || (indent === state.ownerIndent && !closing))) {
        const pad = state.ownerIndent + 1 - indent;
        lines[index] = ' '.repeat(pad) + line;
        shifts.set(index + 1, pad);
      }
      scanFlow(lines[index]!, 0, state);
      return;
    }
    if (line.trimStart().startsWith('#')) return;
    const value = blockValueStart(line);
    if (!value) return;
    const first = line[value.at]!;
    if (first === '{' || first === '[' || first === '"' || first === "'") {
      state.ownerIndent = value.owner;
      if (first === '"' || first === "'") state.quote = first;
      else state.flowDepth = 1;
      scanFlow(line, value.at + 1, state);
    } else if ((first === '|' || first === '>') && /^[|>][-+0-9]*\s*(#.*)?$/.test(line.slice(value.at))) {
      state.blockScalarOwner = value.owner;
    }
  });
  return { text: lines.join('\n'), shifts };
}

/** The positions of a document's values, parsed when first asked for (most files never are). */
function lazyPositions(parse: () => ParsedDocument | undefined): (pointer: string) => Position {
  let parsed: ParsedDocument | undefined | null = null;
  return (pointer) => {
    if (parsed === null) parsed = parse();
    return parsed ? parsed.locate(pointer) : { line: 1, column: 1 };
  };
}

/**
 * The first document of a spec file, read as PyYAML reads it: by js-yaml, a port of PyYAML's reader
 * (the same values as PyYAML for every file of every release; duplicate keys: the last wins). Values
 * are located lazily with the `yaml` reader of project/yaml-source.ts, on the re-indented text where a
 * strict reader refuses the original. Throws UnreadableInputError ("file:line:col: not valid YAML: ...").
 */
export function readSpecYaml(text: string, file: string): SpecDocument {
  let data: unknown;
  try {
    data = yaml.loadAll(text, undefined, { json: true })[0];
  } catch (err) {
    if (!(err instanceof yaml.YAMLException)) throw err;
    const at = err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : { line: 1, column: 1 };
    throw new UnreadableInputError(file, at, `not valid YAML: ${err.reason}`);
  }
  const { text: indented, shifts } = indentFlowContinuations(text);
  let strictRefuses = false;
  if (shifts.size > 0) {
    try {
      parseWithPositions(text, file, false);
    } catch {
      strictRefuses = true;
    }
  }
  const locate = lazyPositions(() => {
    try {
      const doc = parseWithPositions(strictRefuses ? indented : text, file, false)[0];
      if (!doc || !strictRefuses) return doc;
      // Positions are reported in the file as it is, not as re-indented.
      return {
        data: doc.data,
        locate: (pointer) => {
          const at = doc.locate(pointer);
          return { line: at.line, column: Math.max(1, at.column - (shifts.get(at.line) ?? 0)) };
        },
      };
    } catch {
      return undefined;
    }
  });
  if (!strictRefuses) return { data, locate };
  return {
    data,
    locate,
    forgiven: {
      line: Math.min(...shifts.keys()),
      reason:
        "a flow collection continues on a line indented no deeper than its key; PyYAML (the spec's tooling) reads it, a strict YAML 1.2 reader refuses it",
    },
  };
}

/**
 * An example written as JSON text inside a YAML string (the Swagger 2.0 files of the r0 and early
 * trees: `examples: {application/json: |- {...}}`, `schema: {example: |- {...}}`), parsed as the
 * spec's tooling did (json.loads), with positions in the YAML file. `at` gives where the string value
 * starts; for a block scalar (`|-`) its text begins on the next line at the block's indentation.
 * Throws UnreadableInputError naming the file position.
 */
export function readEmbeddedJson(fileText: string, file: string, at: () => Position, json: string): ParsedDocument {
  const map = (p: Position): Position => {
    const start = at();
    const lines = fileText.split('\n');
    if (!/^[|>]/.test((lines[start.line - 1] ?? '').slice(start.column - 1))) return start;
    // Inner line l, column c of a block scalar is file line first + l - 1 at the block's indentation; a
    // quoted string is only located at its start, as its escapes make exact columns meaningless.
    let first = start.line + 1;
    while (first <= lines.length && lines[first - 1]!.trim() === '') first++;
    return { line: first + p.line - 1, column: indentOf(lines[first - 1] ?? '') + p.column };
  };
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    let pos: Position = { line: 1, column: 1 };
    let reason = (err as Error).message;
    try {
      parseWithPositions(json, file, true);
    } catch (located) {
      if (!(located instanceof UnreadableInputError)) throw located;
      if (located.at) [pos, reason] = [located.at, located.reason.replace(/^not valid JSON: /, '')];
    }
    const where = map(pos);
    throw new UnreadableInputError(file, where, `the example is not valid JSON: ${reason}`);
  }
  const locate = lazyPositions(() => parseWithPositions(json, file, true)[0]);
  return { data, locate: (pointer) => map(locate(pointer)) };
}

/**
 * Files already read, by path in the tree and text: the releases of a history share most files, and
 * reading YAML is most of the time a tree takes.
 */
export type SpecReadCache = Map<string, SpecDocument | UnreadableInputError>;

/**
 * One file of a spec tree (`rel`: its path in the tree, as messages name it), read through the cache.
 * Throws UnreadableInputError when it is not YAML even for PyYAML, and the file system's error when it
 * cannot be read at all.
 */
export function readSpecFile(file: string, rel: string, cache: SpecReadCache): { text: string; doc: SpecDocument } {
  const text = readFileSync(file, 'utf8');
  const key = `${rel}\u0000${text}`;
  let read = cache.get(key);
  if (!read) {
    try {
      read = readSpecYaml(text, rel);
    } catch (err) {
      if (!(err instanceof UnreadableInputError)) throw err;
      read = err;
    }
    cache.set(key, read);
  }
  if (read instanceof UnreadableInputError) throw read;
  return { text, doc: read };
}
