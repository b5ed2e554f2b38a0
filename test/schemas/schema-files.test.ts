// Every *.schema.json under schemas/ (the Matrix ones and the project's own formats): $id from its
// path, descriptions everywhere, and a clean compile in ajv's strict mode.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { schemasDir } from '../../project/paths.js';
import { SCHEMA_ID_BASE } from '../../project/schemas.js';
import { walkFiles } from '../../project/walk.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * JSON pointers of subschemas that lack a description: the root, each property, each $defs entry. A bare
 * {"$ref"} counts as described (its target is checked on its own), and `if` conditions are not property
 * definitions, so they are not walked.
 */
function undescribed(node: unknown, pointer: string, out: string[], mustDescribe: boolean): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => undescribed(n, `${pointer}/${i}`, out, false));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const bareRef = typeof obj.$ref === 'string' && Object.keys(obj).length === 1;
  if (mustDescribe && typeof obj.description !== 'string' && !bareRef) out.push(pointer || '/');
  for (const [key, value] of Object.entries(obj)) {
    if ((key === 'properties' || key === '$defs' || key === 'patternProperties') && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value as Record<string, unknown>)) undescribed(sub, `${pointer}/${key}/${name}`, out, true);
    } else if (!['enum', 'const', 'examples', 'default', 'if'].includes(key)) {
      undescribed(value, `${pointer}/${key}`, out, false);
    }
  }
}

const files = walkFiles(schemasDir, { filter: (file) => file.endsWith('.schema.json') }).map((file) => join(schemasDir, file));
const parsed = new Map<string, Record<string, unknown>>();
for (const file of files) {
  try {
    parsed.set(file, JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
  } catch {
    // reported by the "is JSON" test below
  }
}

describe('schema files', () => {
  it('include every Matrix schema named in docs/validate.md (Schemas)', () => {
    const aliases = files.map((f) =>
      relative(schemasDir, f)
        .split(sep)
        .join('/')
        .replace(/\.schema\.json$/, ''),
    );
    expect(aliases).to.include.members([
      'matrix/m.presence',
      'matrix/put-presence-request',
      'matrix/put-presence-response',
      'matrix/get-presence-response',
      'matrix/error',
      'matrix/rate-limited',
      'matrix/sync-presence',
    ]);
    expect(aliases.filter((a) => a.startsWith('matrix/legacy/r0-'))).to.have.length.above(0);
    expect(aliases.filter((a) => a.startsWith('matrix/legacy/early-'))).to.have.length.above(0);
  });

  for (const file of files) {
    const rel = relative(schemasDir, file).split(sep).join('/');
    describe(rel, () => {
      it('is JSON with $id from its path and a 2020-12 $schema', () => {
        const schema = parsed.get(file);
        expect(schema, `${rel} is not valid JSON`).to.be.an('object');
        expect(schema!.$id).to.equal(SCHEMA_ID_BASE + rel);
        expect(schema!.$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
      });

      it('describes itself and every property and $defs entry', () => {
        const missing: string[] = [];
        undescribed(parsed.get(file), '', missing, true);
        expect(missing, `subschemas without a description in ${rel}`).to.deep.equal([]);
      });

      it('compiles in ajv strict mode', () => {
        const ajv = new Ajv2020({ strict: true, allErrors: true });
        addFormats(ajv);
        for (const [other, schema] of parsed) if (other !== file) ajv.addSchema(schema);
        expect(() => ajv.compile(parsed.get(file)!)).to.not.throw();
      });
    });
  }
});
