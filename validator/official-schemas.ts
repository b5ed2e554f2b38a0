// Compiles the official schemas of a Matrix spec tree (its YAML JSON Schemas and OpenAPI/Swagger files)
// at run time, so `validate --spec-dir` can report where the tree's own schema and ours disagree on one
// example. Each example names the schema beside it (spec-examples.ts: the operation's request or
// response schema, the event schema file). They are compiled non-strict and without format checks:
// they use OpenAPI keywords (`example`, `x-addedInMatrixVersion`) and the spec's own formats
// (mx-user-id, ...), which are documentation there, not assertions. Files are read as the spec's
// tooling reads them (spec-yaml.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { toViolations, type SchemaViolation } from '../project/schemas.js';
import { readSpecYaml } from './spec-yaml.js';

/**
 * Where a v1.x tree (OpenAPI 3, data/) keeps the official schema of each of our v1.19 aliases,
 * for checking a payload that has no place in the tree (the fixtures' "official": "accepts").
 */
export const OFFICIAL_V1_LOCATIONS: Record<string, { file: string; pointer: string }> = {
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
  /** Violations the tree's schema at `where` finds in data. Rejects when the schema cannot be compiled. */
  validate(where: { file: string; pointer: string }, data: unknown): Promise<SchemaViolation[]>;
}

/**
 * Reads the official schemas of the tree at specDir, compiling each one when first needed. `read`
 * reads one file of the tree (spec-examples.ts shares its cache through it); by default a plain read.
 */
export function officialSchemas(specDir: string, read: (file: string) => Promise<unknown> = readSchemaFile): OfficialSchemas {
  const ajv = new Ajv2020({
    strict: false,
    validateFormats: false,
    // Swagger 2.0 schemas are draft-4 JSON Schema: checking them against the 2020-12 meta-schema would
    // refuse, e.g., `exclusiveMinimum: true` before a single example is seen.
    validateSchema: false,
    allErrors: true,
    async loadSchema(uri) {
      if (!uri.startsWith('file:')) throw new Error(`it refers to ${uri}, which is not fetched`);
      const file = fileURLToPath(uri.replace(/#.*$/, ''));
      // Their `$schema` (draft-04 in 2015) is not followed: every tree schema is read as 2020-12,
      // non-strict. An $id equal to the file's URL makes the file's relative $refs resolve against it.
      const { $schema: _declared, ...schema } = (await read(file)) as Record<string, unknown>;
      return { ...schema, $id: pathToFileURL(file).href };
    },
  });
  const compiled = new Map<string, Promise<ValidateFunction>>();
  return {
    async validate(where, data) {
      const url = `${pathToFileURL(join(specDir, where.file)).href}#${encodeURI(where.pointer)}`;
      let fn = compiled.get(url);
      if (!fn) {
        // A $ref into the file lets ajv resolve every relative $ref against the file's own URL.
        fn = ajv.compileAsync({ $ref: url });
        compiled.set(url, fn);
      }
      const validate = await fn;
      return validate(data) ? [] : toViolations(validate.errors, data);
    },
  };
}

async function readSchemaFile(file: string): Promise<unknown> {
  return readSpecYaml(await readFile(file, 'utf8'), file).data;
}
