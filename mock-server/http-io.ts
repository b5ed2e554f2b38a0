// Reading request bodies and writing JSON responses, with the spec's CORS headers on every response
// (Client-Server API, "Web Browser Clients").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS, MatrixError } from './errors.js';

export const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization',
};

// writeHead with a flat [name, value, ...] array skips Node's header-object processing (a hot spot in
// the benchmark); the array is one literal per response, not a spread of a shared one.
const [CORS_ORIGIN, CORS_METHODS, CORS_HEADERS_NAME] = Object.keys(CORS_HEADERS) as [string, string, string];
const [ORIGIN_VALUE, METHODS_VALUE, HEADERS_VALUE] = Object.values(CORS_HEADERS) as [string, string, string];

type SendOptions = { textPlain?: boolean; headers?: Record<string, string> };
const NO_OPTIONS: SendOptions = {};

/** `extraFields` are added to an object body (the extra-fields variant: fields no spec defines). */
export function sendJson(res: ServerResponse, status: number, body: unknown, opts: SendOptions & { extraFields?: Record<string, unknown> } = NO_OPTIONS): void {
  if (res.headersSent || res.destroyed) return;
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  sendJsonText(res, status, jsonText(opts.extraFields && isObject ? { ...body, ...opts.extraFields } : body), opts);
}

// Strings JSON writes as they are: printable ASCII without '"' and '\'.
const JSON_PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
// '"key":' for the keys seen so far (the catalogue's field names: a few dozen).
const keyJson = new Map<string, string>();

/**
 * JSON.stringify(value), quicker for what most answers are: a plain object whose values are strings,
 * numbers, booleans or null (the GET presence answer, {}, an error body). JSON.stringify of a small
 * object costs some 700 ns on the benchmark machine, most of it fixed; this costs 300. Anything else
 * (arrays, nested objects, other prototypes, strings that need escapes) goes to JSON.stringify, whose
 * output this matches byte for byte (a property test holds it to that).
 */
export function jsonText(value: unknown): string {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return JSON.stringify(value);
  const obj = value as Record<string, unknown>;
  let out = '{';
  for (const key in obj) {
    const v = obj[key];
    let text: string;
    switch (typeof v) {
      case 'string':
        text = JSON_PLAIN_STRING.test(v) ? `"${v}"` : JSON.stringify(v);
        break;
      case 'number':
        text = Number.isFinite(v) ? String(v) : 'null';
        break;
      case 'boolean':
        text = v ? 'true' : 'false';
        break;
      case 'undefined':
        continue; // JSON.stringify leaves the key out
      default:
        if (v !== null) return JSON.stringify(value);
        text = 'null';
    }
    let k = keyJson.get(key);
    if (k === undefined) {
      k = `${JSON.stringify(key)}:`;
      if (keyJson.size < 1024) keyJson.set(key, k);
    }
    out += out.length === 1 ? k + text : `,${k}${text}`;
  }
  return `${out}}`;
}

/** sendJson for a body already serialised (a /sync response assembled from cached pieces). */
export function sendJsonText(res: ServerResponse, status: number, text: string, opts: SendOptions = NO_OPTIONS): void {
  if (res.headersSent || res.destroyed) return;
  const headers = [
    CORS_ORIGIN,
    ORIGIN_VALUE,
    CORS_METHODS,
    METHODS_VALUE,
    CORS_HEADERS_NAME,
    HEADERS_VALUE,
    'Content-Type',
    opts.textPlain ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length',
    String(Buffer.byteLength(text)),
  ];
  if (opts.headers) for (const [k, v] of Object.entries(opts.headers)) headers.push(k, v);
  res.writeHead(status, headers);
  res.end(text);
}

/** The client hung up while its body was being read: there is nobody left to answer. */
export class ClientGoneError extends Error {}

/** Reads the whole body, refusing more than `limit` bytes with 413 M_TOO_LARGE; `done` is called once.
 * A callback, not a promise: every PUT and POST comes through here, and the promise with its microtask
 * hops showed in the benchmark. */
export function readBody(req: IncomingMessage, limit: number, done: (err: Error | undefined, body?: Buffer) => void): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    done(new MatrixError(ERRORS.TOO_LARGE));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      finished = true;
      done(new MatrixError(ERRORS.TOO_LARGE));
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
  req.on('error', (err) => {
    if (finished) return;
    finished = true;
    done(new ClientGoneError(`request body: ${err.message}`));
  });
}

/** Parses a JSON body; an unparsable one is M_NOT_JSON (Synapse parse_json_value_from_request). */
export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MatrixError(ERRORS.NOT_JSON);
  }
}
