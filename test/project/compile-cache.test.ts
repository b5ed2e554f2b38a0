// The compile cache (project/compile-cache.ts): a parse or a validator that comes from it is the same
// as one made afresh, a changed input is never served an old entry, and a broken or missing cache costs
// speed, never a result.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { resetCacheDirectory } from '../../project/compile-cache.js';
import { parseYamlText } from '../../project/yaml-source.js';
import { createSchemaRegistry } from '../../project/schemas.js';
import { projectRoot } from '../../project/paths.js';

/** Every pointer of a value, for comparing positions of two parses. */
function pointers(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => pointers((value as Record<string, unknown>)[k], `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`))];
}

describe('compile cache', () => {
  let dir: string;
  const saved = { dir: process.env.MPC_CACHE_DIR, off: process.env.MPC_NO_CACHE };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mpc-cache-'));
    process.env.MPC_CACHE_DIR = dir;
    delete process.env.MPC_NO_CACHE;
    resetCacheDirectory();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved.dir === undefined) delete process.env.MPC_CACHE_DIR;
    else process.env.MPC_CACHE_DIR = saved.dir;
    if (saved.off === undefined) delete process.env.MPC_NO_CACHE;
    else process.env.MPC_NO_CACHE = saved.off;
    resetCacheDirectory();
  });

  it('a suite parsed from the cache has the same data and the same position for every value', () => {
    const text = readFileSync(join(projectRoot, 'suites', 'sync.yaml'), 'utf8');
    const fresh = parseYamlText(text, 'suites/sync.yaml');
    expect(readdirSync(dir)).to.have.length(1);
    const cached = parseYamlText(text, 'suites/sync.yaml');
    expect(cached.data).to.deep.equal(fresh.data);
    const all = pointers(fresh.data);
    expect(all.length).to.be.above(500);
    for (const p of [...all, '/cases/0/no-such-key']) expect(cached.where(p), p).to.equal(fresh.where(p));
  });

  it('an entry is named by the text: a changed file is parsed again', () => {
    const a = parseYamlText('title: one\n', 'a.yaml');
    const b = parseYamlText('title: two\n', 'a.yaml');
    expect([a.data, b.data]).to.deep.equal([{ title: 'one' }, { title: 'two' }]);
    expect(readdirSync(dir)).to.have.length(2);
  });

  it('a value JSON cannot carry is parsed each time, never cached wrong', () => {
    expect(parseYamlText('limit: .inf\n', 'a.yaml').data).to.deep.equal({ limit: Infinity });
    expect(readdirSync(dir)).to.have.length(0);
    expect(parseYamlText('limit: .inf\n', 'a.yaml').data).to.deep.equal({ limit: Infinity });
  });

  it('a corrupt entry is ignored, and invalid YAML is still an error with its place', () => {
    parseYamlText('title: one\n', 'a.yaml');
    const [entry] = readdirSync(dir);
    writeFileSync(join(dir, entry!), '{"data": tru');
    expect(parseYamlText('title: one\n', 'a.yaml').data).to.deep.equal({ title: 'one' });
    expect(() => parseYamlText('title: [\n', 'bad.yaml')).to.throw(/^bad\.yaml:\d+:\d+: invalid YAML/);
  });

  it('MPC_NO_CACHE=1 switches it off', () => {
    process.env.MPC_NO_CACHE = '1';
    resetCacheDirectory();
    parseYamlText('title: one\n', 'a.yaml');
    expect(readdirSync(dir)).to.have.length(0);
  });
});

describe('compile cache: validators', () => {
  let dir: string;
  const saved = process.env.MPC_CACHE_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mpc-cache-'));
    process.env.MPC_CACHE_DIR = dir;
    resetCacheDirectory();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.MPC_CACHE_DIR;
    else process.env.MPC_CACHE_DIR = saved;
    resetCacheDirectory();
  });

  const payloads: unknown[] = [
    { type: 'm.presence', sender: '@a:hs', content: { presence: 'online', last_active_ago: 5 } },
    { type: 'm.presence', sender: 'not-a-user', content: { presence: 'away', last_active_ago: -1 } },
    { type: 'm.presence' },
  ];

  it('a validator loaded from the cache reports exactly what a freshly compiled one does', () => {
    const fresh = createSchemaRegistry();
    const want = payloads.map((p) => fresh.validate('matrix/m.presence', p));
    expect(readdirSync(dir).filter((f) => f.endsWith('.cjs'))).to.have.length(1);
    const again = createSchemaRegistry();
    expect(payloads.map((p) => again.validate('matrix/m.presence', p))).to.deep.equal(want);
    expect(want[1]!.map((v) => v.pointer)).to.include.members(['/sender', '/content/presence', '/content/last_active_ago']);
  });

  it('the cached code is what runs (an entry made to accept everything is obeyed), and a broken entry is compiled again', () => {
    createSchemaRegistry().validator('matrix/m.presence');
    const [entry] = readdirSync(dir).filter((f) => f.endsWith('.cjs'));
    writeFileSync(join(dir, entry!), 'module.exports = function validate() { return true; };');
    expect(createSchemaRegistry().validate('matrix/m.presence', payloads[2])).to.deep.equal([]);
    writeFileSync(join(dir, entry!), 'module.exports = function (');
    expect(createSchemaRegistry().validate('matrix/m.presence', payloads[2])).to.have.length.above(0);
  });
});
