// Compiles the official schemas of a Matrix spec checkout (its YAML JSON Schemas and OpenAPI files) at
// run time, so `validate --spec-dir` can report where the official schema and ours disagree on one
// example. They are compiled non-strict and without format checks: they use OpenAPI keywords
// (`example`, `x-addedInMatrixVersion`) and the spec's own formats (mx-user-id, ...), which are
// documentation there, not assertions.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { toViolations, type SchemaViolation } from '../project/schemas.js';

/** Where, in a spec checkout, the official schema of each of our current-spec aliases lives. */
export const OFFICIAL_LOCATIONS: Record<string, { file: string; pointer: string }> = {
  'matrix/m.presence': { file: 'data/event-schemas/schema/m.presence.yaml', pointer: '' },
  'matrix/put-presence-request': {
    file: 'data/api/client-server/presence.yaml',
    pointer: '/paths/~1presence~1{userId}~1status/put/requestBody/content/application~1json/schema',
  },
  'matrix/put-presence-response': {
    file: 'data/api/client-server/presence.yaml',
    pointer: '/paths/~1presence~1{userId}~1status/put/responses/200/content/application~1json/schema',
  },
  'matrix/get-presence-response': {
    file: 'data/api/client-server/presence.yaml',
    pointer: '/paths/~1presence~1{userId}~1status/get/responses/200/content/application~1json/schema',
  },
  'matrix/error': { file: 'data/api/client-server/definitions/errors/error.yaml', pointer: '' },
  'matrix/rate-limited': { file: 'data/api/client-server/definitions/errors/rate_limited.yaml', pointer: '' },
  'matrix/sync-presence': {
    file: 'data/api/client-server/sync.yaml',
    pointer: '/paths/~1sync/get/responses/200/content/application~1json/schema/properties/presence',
  },
};

export interface OfficialSchemas {
  /** Violations the official schema finds, or undefined when it has no counterpart of this alias. */
  validate(alias: string, data: unknown): Promise<SchemaViolation[] | undefined>;
}

/** Reads the official schemas of the checkout at specDir, compiling each one when first needed. */
export function officialSchemas(specDir: string): OfficialSchemas {
  const ajv = new Ajv2020({
    strict: false,
    validateFormats: false,
    allErrors: true,
    async loadSchema(uri) {
      return loadYamlSchema(fileURLToPath(uri.replace(/#.*$/, '')));
    },
  });
  const compiled = new Map<string, Promise<ValidateFunction>>();
  const compile = (alias: string, where: { file: string; pointer: string }) => {
    let fn = compiled.get(alias);
    if (!fn) {
      const url = pathToFileURL(join(specDir, where.file)).href;
      // A $ref into the file lets ajv resolve every relative $ref against the file's own URL.
      fn = ajv.compileAsync({ $ref: `${url}#${encodeURI(where.pointer)}` });
      compiled.set(alias, fn);
    }
    return fn;
  };
  return {
    async validate(alias, data) {
      const where = OFFICIAL_LOCATIONS[alias];
      if (!where) return undefined;
      const fn = await compile(alias, where);
      return fn(data) ? [] : toViolations(fn.errors, data);
    },
  };
}

async function loadYamlSchema(file: string): Promise<Record<string, unknown>> {
  const schema = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  // An $id equal to the file's URL makes the file's relative $refs resolve against it.
  return { ...schema, $id: pathToFileURL(file).href };
}
