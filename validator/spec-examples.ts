// Finds every presence-related example in a Matrix spec tree (any of the layouts in spec-layout.ts),
// for `validate --spec-dir` and `--spec-history`.
//
// Examples there use a "$ref" merge convention of their own: an object {"$ref": "file", k: v} stands for
// the referenced example file (resolved the same way, relative to the file that names it) with the keys
// k overlaid on top (a shallow merge). The event example of m.presence, for instance, is
// core/event.json overlaid with sender/type/content. The Swagger 2.0 files (r0, early, v1.1 to v1.7)
// also write examples as JSON text in a YAML string.
//
// A file that cannot be read, or a $ref that points nowhere, does not stop the search: it becomes a
// notice naming file:line:column. Only a notice that concerns presence (a file that mentions
// m.presence or is the presence API, a broken $ref inside an example that holds a presence payload)
// is a problem that decides the verdict; the rest are warnings.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UnreadableInputError } from '../project/errors.js';
import { isHidden, walkFiles } from '../project/walk.js';
import { escapePointer, pointerSegments, valueAt, type ParsedDocument, type Position } from '../project/yaml-source.js';
import type { SpecVersion } from '../project/spec-versions.js';
import { aliasFor, type PayloadKind } from './choose-schema.js';
import type { SpecLayout } from './spec-layout.js';
import { readEmbeddedJson, readSpecFile, type SpecDocument, type SpecReadCache } from './spec-yaml.js';

export interface SpecExample {
  /** The file that holds the example, relative to the tree, with forward slashes. */
  file: string;
  kind: PayloadKind;
  /** Our schema alias for the payload in the tree's era. */
  alias: string;
  /** Human-readable name: "PUT /presence/{userId}/status request body example". */
  label: string;
  /** The same example's identity in every release and layout, for the history table. */
  key: string;
  /** The payload, with $ref merges applied. */
  data: unknown;
  /** Where the payload starts: in `file`, where the example names it (even when through a $ref). */
  start: Position;
  /**
   * Where a value of the payload is written (the nearest existing ancestor's place): a value merged in
   * through a $ref is in the referenced file, so the file (relative to the tree) comes with it.
   */
  locate(pointer: string): Position & { file: string };
  /** Where the tree's own schema for this payload is (file relative to the tree, JSON pointer). */
  official?: { file: string; pointer: string };
}

export interface SpecNotice {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** "file:line:column: message", the file as given (default: relative to the tree). */
export function noticeText(n: SpecNotice, file = n.file): string {
  return `${file}:${n.line}:${n.column}: ${n.message}`;
}

export interface SpecExamples {
  examples: SpecExample[];
  /** Unreadable or broken input that concerns presence: these decide the verdict (exit 2). */
  problems: SpecNotice[];
  /** Unreadable or broken input elsewhere in the tree: reported, the check goes on. */
  warnings: SpecNotice[];
  /** Files a strict YAML 1.2 reader refuses that were read as the spec's tooling (PyYAML) reads them. */
  forgiven: SpecNotice[];
}

/**
 * Files below dir (none when the tree has no such folder); whole-file example folders also hold event
 * files without an extension (r0, early). Linked folders are not walked (project/walk.ts): early trees
 * link v1-event-schema to itself, r0 trees link the event examples into api/, and each is read where
 * it really is.
 */
function listFiles(dir: string, withoutExtension: boolean): string[] {
  // r0 and early event examples are named by their event type alone ("m.presence").
  const wanted = (name: string) => /\.(ya?ml|json)$/.test(name) || (withoutExtension && /^m\./.test(name));
  try {
    return walkFiles(dir, { enter: (folder) => !isHidden(folder), filter: (file) => !isHidden(file) && wanted(file.slice(file.lastIndexOf('/') + 1)) }).map(
      (file) => join(dir, file),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

interface FoundExample {
  pointer: string;
  value: unknown;
}

/** Every example value in an API/schema document: `example: V`, `examples: {name: {value: V}}` (OpenAPI 3), `examples: {mime/type: V}` (Swagger 2.0). */
function examplesIn(node: unknown, path: string[], out: FoundExample[]): void {
  // The path is kept as keys and turned into a pointer only for what is found: API files are large.
  const pointer = (...more: string[]) => [...path, ...more].map((k) => `/${escapePointer(k)}`).join('');
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      path.push(String(i));
      examplesIn(item, path, out);
      path.pop();
    });
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'example') out.push({ pointer: pointer(key), value });
    else if (key === 'examples' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, ex] of Object.entries(value as Record<string, unknown>)) {
        if (ex && typeof ex === 'object' && 'value' in ex) out.push({ pointer: pointer(key, name, 'value'), value: (ex as { value: unknown }).value });
        else if (name.includes('/')) out.push({ pointer: pointer(key, name), value: ex });
      }
    } else if (value !== null && typeof value === 'object') {
      path.push(key);
      examplesIn(value, path, out);
      path.pop();
    }
  }
}

/** Finds m.presence events anywhere inside a value. */
function presenceEventsIn(node: unknown, pointer: string, out: { pointer: string; value: unknown }[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => presenceEventsIn(item, `${pointer}/${i}`, out));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if ((node as Record<string, unknown>).type === 'm.presence') {
    out.push({ pointer, value: node });
    return;
  }
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) presenceEventsIn(value, `${pointer}/${escapePointer(key)}`, out);
}

/** Where an example sits in an OpenAPI 3 or Swagger 2.0 operation, and the schema beside it. */
interface OperationSlot {
  path: string;
  method: string;
  /** undefined for the request body. */
  status?: string;
  /** Pointer of the schema the example illustrates. */
  schemaPointer: string;
}

function operationSlot(pointer: string): OperationSlot | undefined {
  const op = /^\/paths\/([^/]+)\/([a-z]+)\//.exec(pointer);
  if (!op) return undefined;
  const base = op[0].slice(0, -1);
  const rest = pointer.slice(op[0].length);
  const path = pointerSegments(`/${op[1]!}`)[0]!;
  const method = op[2]!.toUpperCase();
  let m = /^requestBody\/content\/([^/]+)\/(schema\/example|examples\/[^/]+\/value)$/.exec(rest);
  if (m) return { path, method, schemaPointer: `${base}/requestBody/content/${m[1]}/schema` };
  m = /^parameters\/(\d+)\/schema\/example$/.exec(rest);
  if (m) return { path, method, schemaPointer: `${base}/parameters/${m[1]}/schema` };
  m = /^responses\/(\d+|default)\/content\/([^/]+)\/(schema\/example|examples\/[^/]+\/value)$/.exec(rest);
  if (m) return { path, method, status: m[1], schemaPointer: `${base}/responses/${m[1]}/content/${m[2]}/schema` };
  m = /^responses\/(\d+|default)\/(examples\/[^/]+|schema\/example)$/.exec(rest);
  if (m) return { path, method, status: m[1], schemaPointer: `${base}/responses/${m[1]}/schema` };
  return undefined;
}

/** "GET /sync 200 response example" for an example's slot, else "the example at file#pointer". */
/** "PUT /presence/{userId}/status request body example", "GET ... 200 response example". */
function slotLabel(slot: OperationSlot): string {
  return `${slot.method} ${slot.path} ${slot.status ? `${slot.status} response` : 'request body'} example`;
}

function describeExample(rel: string, pointer: string, slot: OperationSlot | undefined): string {
  return slot ? `the ${slotLabel(slot)}` : `the example at ${rel}#${pointer}`;
}

/** The kind of a whole-body example of a presence endpoint, by its operation. */
function presenceEndpointKind(slot: OperationSlot, data: unknown): PayloadKind | undefined {
  const error = slot.status && slot.status !== '200' ? (slot.status === '429' ? 'rate-limited' : 'error') : undefined;
  if (/^\/presence\/\{[^}]+\}\/status$/.test(slot.path)) {
    if (error) return error;
    if (!slot.status) return 'put-presence-request';
    return slot.method === 'PUT' ? 'put-presence-response' : 'get-presence-response';
  }
  if (/^\/presence\/list\/\{[^}]+\}$/.test(slot.path)) {
    if (error) return error;
    if (!slot.status) return 'presence-list-request';
    // r0 answers the list with m.presence events (each checked as an event); early with flat items.
    if (slot.method === 'GET' && Array.isArray(data) && !data.every((item) => (item as { type?: unknown })?.type === 'm.presence'))
      return 'presence-list-response';
  }
  return undefined;
}

/** The file as the history table names it in every layout: no data/ prefix, no v1/ folder, no extension. */
function layoutFreePath(rel: string): string {
  return rel
    .replace(/^data\//, '')
    .replace(/\/v1\//, '/')
    .replace(/\.(ya?ml|json)$/, '');
}

export interface FindOptions {
  /** Our schema set to name aliases from (default: the layout's era). */
  era?: SpecVersion;
  /** The tree's release, for a release's own schemas (choose-schema.ts RELEASE_SCHEMAS). */
  release?: string;
  cache?: SpecReadCache;
}

/** Collects the presence examples of the tree at root, laid out as `layout`, each with our alias for it. */
export function findSpecExamples(root: string, layout: SpecLayout, options: FindOptions = {}): SpecExamples {
  const era = options.era ?? layout.era;
  const cache: SpecReadCache = options.cache ?? new Map();
  const result: SpecExamples = { examples: [], problems: [], warnings: [], forgiven: [] };
  const rel = (file: string) => relative(root, file).split(sep).join('/');
  const concernsPresenceFile = (file: string, text: string) => rel(file) === layout.presenceApi || text.includes('m.presence');
  const notice = (file: string, at: Position, message: string): SpecNotice => ({ file: rel(file), line: at.line, column: at.column, message });
  /** An UnreadableInputError as a notice, at its place (the file's start when it has none). */
  const unreadable = (file: string, err: UnreadableInputError): SpecNotice => notice(file, err.at ?? { line: 1, column: 1 }, err.reason);

  // r0 trees reach the event examples through symbolic links (api/client-server/definitions/event-schemas);
  // a value merged in through one is reported at the file's own path.
  const realRoot = realpathSync(root);
  const canonical = (file: string) => {
    try {
      const real = realpathSync(file);
      return real.startsWith(realRoot + sep) ? join(root, relative(realRoot, real)) : real;
    } catch {
      return file;
    }
  };
  const texts = new Map<string, string>();
  const parsed = new Map<string, SpecDocument | undefined>();
  const load = (file: string): SpecDocument | undefined => {
    if (parsed.has(file)) return parsed.get(file);
    let doc: SpecDocument | undefined;
    try {
      const read = readSpecFile(file, rel(file), cache);
      texts.set(file, read.text);
      doc = read.doc;
      if (doc.forgiven) result.forgiven.push(notice(file, { line: doc.forgiven.line, column: 1 }, doc.forgiven.reason));
    } catch (err) {
      const n = err instanceof UnreadableInputError ? unreadable(file, err) : notice(file, { line: 1, column: 1 }, `cannot read: ${(err as Error).message}`);
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        // unreadable as text too: judged by its path alone
      }
      (concernsPresenceFile(file, text) ? result.problems : result.warnings).push(n);
    }
    parsed.set(file, doc);
    return doc;
  };

  /** Where the values of a merged example come from: by pointer into the merged value, a file and a place in it. */
  interface Origin {
    file: string;
    locate: (p: string) => Position;
    pointer: string;
  }
  /**
   * Applies the $ref merge convention to `value`, found at `pointer` of `from` and placed at `at` in the
   * merged example; records where the values of each $ref, and the keys overlaid on it, come from.
   * Broken $refs go to `broken`.
   */
  const merge = (value: unknown, from: Origin, at: string, seen: string[], broken: SpecNotice[], origins: Map<string, Origin>): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => merge(v, { ...from, pointer: `${from.pointer}/${i}` }, `${at}/${i}`, seen, broken, origins));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const ref = typeof obj.$ref === 'string' ? obj.$ref : undefined;
    if (ref !== undefined) {
      const [target, fragment = ''] = ref.split('#') as [string, string?];
      const file = canonical(resolve(dirname(from.file), target));
      const where = from.locate(`${from.pointer}/$ref`);
      let base: unknown;
      if (seen.includes(file)) broken.push(notice(from.file, where, `example $ref "${ref}" makes a cycle`));
      else if (!lstatExists(file)) broken.push(notice(from.file, where, `example $ref "${ref}" names a missing file`));
      else {
        const doc = load(file);
        if (!doc) broken.push(notice(from.file, where, `example $ref "${ref}" names a file that cannot be read`));
        else {
          const origin = { file, locate: doc.locate, pointer: fragment };
          origins.set(at, origin);
          base = merge(valueAt(doc.data, fragment), origin, at, [...seen, file], broken, origins);
          if (base === undefined) broken.push(notice(from.file, where, `example $ref "${ref}": no such place in ${target}`));
        }
      }
      if (base && typeof base === 'object' && !Array.isArray(base)) Object.assign(out, base);
    }
    for (const [k, v] of Object.entries(obj)) {
      if (k === '$ref') continue;
      const child = { ...from, pointer: `${from.pointer}/${escapePointer(k)}` };
      // A key overlaid on a $ref is written here, not in the referenced file.
      if (ref !== undefined) origins.set(`${at}/${escapePointer(k)}`, child);
      out[k] = merge(v, child, `${at}/${escapePointer(k)}`, seen, broken, origins);
    }
    return out;
  };

  const keys = new Map<string, number>();
  const add = (example: Omit<SpecExample, 'alias' | 'key'> & { key?: string }) => {
    const alias = aliasFor(example.kind, era, options.release);
    if (!alias) return;
    // Two examples of one operation (OpenAPI 3 named examples) would share a name: number the later ones.
    const key = example.key ?? example.label;
    const seen = keys.get(key) ?? 0;
    keys.set(key, seen + 1);
    const suffix = seen ? ` (${seen + 1})` : '';
    result.examples.push({ ...example, alias, key: key + suffix, label: example.label + suffix });
  };

  /** Records what one example holds: the presence payloads, and its broken $refs as problems or warnings. */
  const examine = (file: string, pointer: string, doc: ParsedDocument, slot: OperationSlot | undefined) => {
    const broken: SpecNotice[] = [];
    const origins = new Map<string, Origin>();
    const self: Origin = { file, locate: doc.locate, pointer: '' };
    const merged = merge(doc.data, self, '', [file], broken, origins);
    const before = result.examples.length;
    const path = rel(file);
    const kind = slot && path === layout.presenceApi ? presenceEndpointKind(slot, merged) : undefined;
    /** Where the value at `at` of the merged example is written; `strict`: where it is named, not where a $ref there leads. */
    const place = (at: string, strict: boolean): Position & { file: string } => {
      for (let p = at; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const origin = strict && p === at ? undefined : origins.get(p);
        if (origin) return { file: rel(origin.file), ...origin.locate(origin.pointer + at.slice(p.length)) };
        if (p === '') return { file: path, ...doc.locate(at) };
      }
    };
    const locate = (inner: string) => ({ start: place(inner, true), locate: (p: string) => place(inner + p, p === '') });
    // An example is named by its operation, not by the name of an OpenAPI 3 example ("response"), so
    // that it keeps its name (and its history column) across v1.8's move from Swagger 2.0 to OpenAPI 3.
    const slotName = slot && slotLabel(slot);
    if (kind && slotName) {
      add({ file: path, kind, label: slotName, data: merged, ...locate(''), official: { file: path, pointer: slot!.schemaPointer } });
    }
    if (slotName && path === layout.syncApi && merged && typeof merged === 'object' && 'presence' in merged && 'next_batch' in merged) {
      add({
        file: path,
        kind: 'sync-presence',
        label: `${slotName}, presence section`,
        data: (merged as Record<string, unknown>).presence,
        ...locate('/presence'),
        official: { file: path, pointer: `${slot.schemaPointer}/properties/presence` },
      });
    }
    const events: { pointer: string; value: unknown }[] = [];
    presenceEventsIn(merged, '', events);
    const where = pointer === '' ? 'the example file' : describeExample(path, pointer, slot);
    // Whole-file examples are told apart by their file, named the same in every layout.
    const keyWhere = pointer === '' ? `the example file ${layoutFreePath(path)}` : where;
    for (const e of events) {
      const at = e.pointer ? ` at ${e.pointer}` : '';
      add({
        file: path,
        kind: 'm.presence',
        label: `m.presence event${at} of ${where}`,
        key: `m.presence event${at} of ${keyWhere}`,
        data: e.value,
        ...locate(e.pointer),
        official: layout.eventSchema ? { file: layout.eventSchema, pointer: '' } : undefined,
      });
    }
    const concernsPresence = result.examples.length > before || kind !== undefined;
    (concernsPresence ? result.problems : result.warnings).push(...broken);
  };

  const underExamples = (file: string) => rel(file).split('/').includes('examples');
  const apiFiles = layout.apiDirs.flatMap((dir) => listFiles(join(root, dir), false));
  const wholeFileExamples = [...layout.exampleDirs.flatMap((dir) => listFiles(join(root, dir), true)), ...apiFiles.filter(underExamples)];
  for (const file of wholeFileExamples) {
    const doc = load(file);
    if (doc) examine(file, '', doc, undefined);
  }
  for (const file of apiFiles.filter((f) => !underExamples(f))) {
    const doc = load(file);
    if (!doc) continue;
    const found: FoundExample[] = [];
    examplesIn(doc.data, [], found);
    for (const ex of found) {
      const slot = operationSlot(ex.pointer);
      let exampleDoc: ParsedDocument = { data: ex.value, locate: (p) => doc.locate(ex.pointer + p) };
      if (typeof ex.value === 'string') {
        // JSON text in a string: only where a whole example goes, and only if it looks like JSON.
        if (!slot || !/^\s*[[{]/.test(ex.value)) continue;
        try {
          exampleDoc = readEmbeddedJson(texts.get(file)!, rel(file), () => doc.locate(ex.pointer), ex.value);
        } catch (err) {
          if (!(err instanceof UnreadableInputError)) throw err;
          (concernsPresenceFile(file, ex.value) ? result.problems : result.warnings).push(unreadable(file, err));
          continue;
        }
      }
      examine(file, ex.pointer, exampleDoc, slot);
    }
  }
  return result;
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
