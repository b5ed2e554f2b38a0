// The fixtures under fixtures/valid/<alias>/ and fixtures/invalid/<alias>/ prove what each Matrix
// schema accepts and rejects. An invalid fixture is a wrapper:
//   { "description", "fails_at": [{pointer, keyword}], "official"?: "accepts", "payload" }
// and must fail exactly at the declared pointers for the declared keywords, nothing else. Fixtures
// marked "official": "accepts" show where we are stricter than the official v1.19 schema: the
// official schema, compiled from ../shared/matrix-spec-v1.19 at test time, must accept them.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect } from 'chai';
import { fixturesDir, projectRoot } from '../../project/paths.js';
import { loadSchemaRegistry } from '../../project/schemas.js';
import { OFFICIAL_V1_LOCATIONS, officialSchemas } from '../../validator/official-schemas.js';
import { chooseSchema, RELEASE_SCHEMAS } from '../../validator/choose-schema.js';
import type { SpecVersion } from '../../project/spec-versions.js';
import { walkFiles } from '../../project/walk.js';

interface InvalidFixture {
  description: string;
  fails_at: { pointer: string; keyword: string }[];
  official?: 'accepts';
  payload: unknown;
}

const specDir = join(projectRoot, '..', 'shared', 'matrix-spec-v1.19');

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return walkFiles(dir, { filter: (file) => file.endsWith('.json') }).map((file) => join(dir, file));
}

function aliasOf(root: string, file: string): string {
  return relative(root, file).split(sep).slice(0, -1).join('/');
}

function versionOf(alias: string): SpecVersion {
  return alias.includes('/legacy/r0-') ? 'r0' : alias.includes('/legacy/early-') ? 'early' : 'v1.19';
}

const validRoot = join(fixturesDir, 'valid');
const invalidRoot = join(fixturesDir, 'invalid');
const validFiles = jsonFiles(validRoot);
const invalidFiles = jsonFiles(invalidRoot);
const registry = loadSchemaRegistry();
const matrixAliases = registry.entries.map((e) => e.alias).filter((a) => a.startsWith('matrix/'));

// Valid payloads that automatic choice legitimately gives to another schema (which accepts them too).
const AUTO_CHOICE_EXCEPTIONS: Record<string, string> = {
  // {} is the PUT 200 body as much as an empty sync presence section.
  'matrix/sync-presence/no-events-key.json': 'matrix/put-presence-response',
  // A request body with a key a client would not send reads as the GET body, which allows extra keys too.
  'matrix/put-presence-request/unknown-keys-allowed.json': 'matrix/get-presence-response',
};

describe('fixtures', () => {
  it('every Matrix schema has valid and invalid fixtures, and every fixture folder is a schema alias', () => {
    const validAliases = new Set(validFiles.map((f) => aliasOf(validRoot, f)));
    const invalidAliases = new Set(invalidFiles.map((f) => aliasOf(invalidRoot, f)));
    for (const alias of matrixAliases) {
      expect(validAliases.has(alias), `no valid fixture for ${alias}`).to.equal(true);
      expect(invalidAliases.has(alias), `no invalid fixture for ${alias}`).to.equal(true);
    }
    for (const alias of [...validAliases, ...invalidAliases]) expect(registry.find(alias), `fixture folder ${alias}`).to.not.equal(undefined);
  });

  describe('valid', () => {
    for (const file of validFiles) {
      const alias = aliasOf(validRoot, file);
      const name = relative(validRoot, file).split(sep).join('/');
      // A release's own schema is chosen by a spec tree's release, never by a payload's shape.
      const releaseSchema = RELEASE_SCHEMAS.some((r) => r.alias === alias);
      it(`${name} is valid${releaseSchema ? " (a release's schema, chosen by release)" : ', and automatic choice picks a schema that agrees'}`, () => {
        const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        expect(registry.validate(alias, data)).to.deep.equal([]);
        if (releaseSchema) return;
        const choice = chooseSchema(data, versionOf(alias));
        expect(choice).to.deep.equal({ alias: AUTO_CHOICE_EXCEPTIONS[name] ?? alias });
        expect(registry.validate((choice as { alias: string }).alias, data)).to.deep.equal([]);
      });
    }
  });

  describe('invalid', () => {
    const official = officialSchemas(specDir);
    for (const file of invalidFiles) {
      const alias = aliasOf(invalidRoot, file);
      const name = relative(invalidRoot, file).split(sep).join('/');
      const fixture = JSON.parse(readFileSync(file, 'utf8')) as InvalidFixture;
      it(`${name} fails only at ${fixture.fails_at.map((f) => `${f.pointer || '/'} (${f.keyword})`).join(', ')}`, () => {
        expect(fixture.description, 'a description').to.be.a('string').and.not.equal('');
        const got = registry.validate(alias, fixture.payload).map((v) => ({ pointer: v.pointer, keyword: v.keyword }));
        const order = (a: { pointer: string; keyword: string }, b: { pointer: string; keyword: string }) =>
          `${a.pointer} ${a.keyword}`.localeCompare(`${b.pointer} ${b.keyword}`);
        expect(got.sort(order)).to.deep.equal([...fixture.fails_at].sort(order));
      });
      if (fixture.official === 'accepts') {
        it(`${name} is accepted by the official v1.19 schema (we are stricter here)`, async () => {
          expect(await official.validate(OFFICIAL_V1_LOCATIONS[alias]!, fixture.payload)).to.deep.equal([]);
        });
      }
    }
  });

  it('the stricter-than-official fixtures cover each documented strictness', () => {
    const stricter = invalidFiles
      .map((f) => ({ alias: aliasOf(invalidRoot, f), fixture: JSON.parse(readFileSync(f, 'utf8')) as InvalidFixture }))
      .filter((x) => x.fixture.official === 'accepts')
      .flatMap((x) => x.fixture.fails_at.map((f) => `${x.alias} ${f.pointer} ${f.keyword}`));
    expect(stricter).to.include.members([
      'matrix/m.presence /content/last_active_ago type',
      'matrix/m.presence /content/last_active_ago minimum',
      'matrix/m.presence /content/avatar_url pattern',
      'matrix/m.presence /sender pattern',
      'matrix/get-presence-response /last_active_ago minimum',
      'matrix/error /errcode minLength',
      'matrix/rate-limited /errcode const',
      'matrix/rate-limited /retry_after_ms minimum',
      'matrix/sync-presence /events/0/type const',
    ]);
  });
});
