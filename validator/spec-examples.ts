// Finds every presence-related example in a checkout of the Matrix spec repository (the matrix-org/
// matrix-spec layout: data/event-schemas/examples, data/api/**), for `validate --spec-dir`.
//
// Examples there use a "$ref" merge convention of their own: an object {"$ref": "file", k: v} stands for
// the referenced example file (resolved the same way, relative to the file that names it) with the keys
// k overlaid on top (a shallow merge). The event example of m.presence, for instance, is
// core/event.json overlaid with sender/type/content.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UnreadableInputError } from '../project/errors.js';
import { parseWithPositions, type ParsedDocument, type Position } from '../project/yaml-source.js';

export interface SpecExample {
  /** The file that holds the example, relative to the spec checkout. */
  file: string;
  /** Where the example is in its file ("" for a whole-file example). */
  examplePointer: string;
  /** Where the checked payload is inside the (merged) example ("" when it is the example itself). */
  innerPointer: string;
  /** Our schema alias for the payload. */
  alias: string;
  /** Human-readable name: "PUT /presence/{userId}/status request body". */
  label: string;
  /** The payload, with $ref merges applied. */
  data: unknown;
  /** Position of a pointer into the payload, in `file` (the nearest existing ancestor's). */
  locate(pointer: string): Position;
}

const PRESENCE_API = 'data/api/client-server/presence.yaml';
const SYNC_API = 'data/api/client-server/sync.yaml';

/** Which alias each whole-body example of the presence endpoints is, by where it sits in presence.yaml. */
function presenceEndpointAlias(pointer: string): { alias: string; label: string } | undefined {
  const m = /^\/paths\/~1presence~1\{userId\}~1status\/(put|get)\/(requestBody|responses\/(\d+))\/content\/application~1json\/(schema\/example|examples\/[^/]+\/value)$/.exec(pointer);
  if (!m) return undefined;
  const method = m[1]!.toUpperCase();
  const status = m[3];
  const label = `${method} /presence/{userId}/status ${status ? `${status} response` : 'request body'}`;
  if (!status) return { alias: 'matrix/put-presence-request', label };
  if (status === '200') return { alias: method === 'PUT' ? 'matrix/put-presence-response' : 'matrix/get-presence-response', label };
  return { alias: status === '429' ? 'matrix/rate-limited' : 'matrix/error', label };
}

function listFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listFiles(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every example value in an API/schema document: `example: V`, `examples: {name: {value: V}}`. */
function examplesIn(node: unknown, pointer: string, out: { pointer: string; value: unknown }[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => examplesIn(item, `${pointer}/${i}`, out));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const here = `${pointer}/${escapeKey(key)}`;
    if (key === 'example') out.push({ pointer: here, value });
    else if (key === 'examples' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [name, ex] of Object.entries(value as Record<string, unknown>)) {
        if (ex && typeof ex === 'object' && 'value' in ex) out.push({ pointer: `${here}/${escapeKey(name)}/value`, value: (ex as { value: unknown }).value });
      }
    } else examplesIn(value, here, out);
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
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) presenceEventsIn(value, `${pointer}/${escapeKey(key)}`, out);
}

/** "GET /sync 200 response example" for an example's pointer inside an OpenAPI file, else the pointer. */
function describeExample(rel: string, pointer: string): string {
  const m = /^\/paths\/([^/]+)\/([a-z]+)\/(requestBody|responses\/(\d+))\//.exec(pointer);
  if (!m) return `the example at ${rel}#${pointer}`;
  const path = m[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
  return `the ${m[2]!.toUpperCase()} ${path} ${m[4] ? `${m[4]} response` : 'request body'} example`;
}

export class SpecTreeError extends Error {}

/** Collects the presence examples of the spec checkout at specDir. Throws SpecTreeError on a broken tree. */
export function findSpecExamples(specDir: string): SpecExample[] {
  const root = resolve(specDir);
  const data = join(root, 'data');
  try {
    if (!statSync(data).isDirectory()) throw new Error();
  } catch {
    throw new SpecTreeError(`${specDir}: not a Matrix spec checkout (no data/ folder)`);
  }
  const parsed = new Map<string, ParsedDocument>();
  const load = (file: string): ParsedDocument => {
    let doc = parsed.get(file);
    if (!doc) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new SpecTreeError(`${relative(root, file)}: cannot read: ${(err as Error).message}`);
      }
      try {
        // Spec YAML files are read as YAML even when they are .json: the spec's JSON examples are JSON.
        doc = parseWithPositions(text, relative(root, file), false)[0] ?? { data: undefined, locate: () => ({ line: 1, column: 1 }) };
      } catch (err) {
        if (err instanceof UnreadableInputError) throw new SpecTreeError(err.message);
        throw err;
      }
      parsed.set(file, doc);
    }
    return doc;
  };
  // Applies the $ref merge convention; `from` is the file whose text holds `value`.
  const merge = (value: unknown, from: string, seen: string[]): unknown => {
    if (Array.isArray(value)) return value.map((v) => merge(v, from, seen));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    if (typeof obj.$ref === 'string') {
      const target = resolve(dirname(from), obj.$ref);
      if (seen.includes(target)) throw new SpecTreeError(`${relative(root, from)}: $ref cycle through ${obj.$ref}`);
      try {
        statSync(target);
      } catch {
        throw new SpecTreeError(`${relative(root, from)}: example $ref "${obj.$ref}" names a missing file`);
      }
      const base = merge(load(target).data, target, [...seen, target]);
      if (base && typeof base === 'object' && !Array.isArray(base)) Object.assign(out, base);
    }
    for (const [k, v] of Object.entries(obj)) if (k !== '$ref') out[k] = merge(v, from, seen);
    return out;
  };

  const found: SpecExample[] = [];
  const add = (file: string, examplePointer: string, innerPointer: string, alias: string, label: string, payload: unknown) => {
    const doc = load(file);
    found.push({
      file: relative(root, file).split(sep).join('/'),
      examplePointer, innerPointer, alias, label, data: payload,
      locate: (pointer) => doc.locate(examplePointer + innerPointer + pointer),
    });
  };
  const addEvents = (file: string, examplePointer: string, merged: unknown, where: string) => {
    const events: { pointer: string; value: unknown }[] = [];
    presenceEventsIn(merged, '', events);
    for (const e of events) add(file, examplePointer, e.pointer, 'matrix/m.presence', e.pointer ? `m.presence event at ${e.pointer} of ${where}` : `m.presence event of ${where}`, e.value);
  };

  // Whole-file examples: the event examples, and the API's example folders.
  for (const file of [...listFiles(join(data, 'event-schemas', 'examples')), ...listFiles(join(data, 'api')).filter((f) => f.split(sep).includes('examples'))]) {
    const merged = merge(load(file).data, file, [file]);
    addEvents(file, '', merged, 'the example file');
  }
  // Examples inside OpenAPI and schema files.
  for (const file of listFiles(join(data, 'api')).filter((f) => !f.split(sep).includes('examples'))) {
    const rel = relative(root, file).split(sep).join('/');
    const examples: { pointer: string; value: unknown }[] = [];
    examplesIn(load(file).data, '', examples);
    for (const ex of examples) {
      const merged = merge(ex.value, file, [file]);
      if (rel === PRESENCE_API) {
        const endpoint = presenceEndpointAlias(ex.pointer);
        if (endpoint) add(file, ex.pointer, '', endpoint.alias, `${endpoint.label} example`, merged);
        continue;
      }
      if (rel === SYNC_API && merged && typeof merged === 'object' && 'presence' in merged && 'next_batch' in merged) {
        add(file, ex.pointer, '/presence', 'matrix/sync-presence', 'GET /sync 200 response example, presence section', (merged as Record<string, unknown>).presence);
      }
      addEvents(file, ex.pointer, merged, describeExample(rel, ex.pointer));
    }
  }
  return found;
}
