// The published package: `npm pack` holds the compiled parts with their type declarations (no tests, no
// scripts) and the data they read (schemas, suites, fixtures); installed into an empty folder, its CLI
// runs the whole suite against the embedded mock, and a TypeScript client of its library entry points
// (package.json exports) type-checks and runs. The test never reaches a network: the package's
// production dependencies (as package-lock.json lists them) are copied from this checkout's node_modules
// into the empty folder first, and `npm install --offline` then only has to add the package itself.
// Nothing else is there, so a runtime import of a dev dependency, or a file missing from `files`, fails
// the run.
//
// The client is test/package/consumer/, the very files docs/library.md shows: what the documentation
// tells a user to write is what is compiled and run here.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { walkFiles } from '../../project/walk.js';

/** The names an index.d.ts exports: its values (functions, classes, constants) and all of them, types too. */
function declaredNames(declarations: string): { values: Set<string>; all: Set<string> } {
  const values = new Set<string>();
  const all = new Set<string>();
  for (const [, typeOnly, list] of declarations.matchAll(/^export (type )?\{([^}]*)\}/gm)) {
    for (const item of list!
      .split(',')
      .map((i) => i.trim())
      .filter(Boolean)) {
      const isType = typeOnly !== undefined || item.startsWith('type ');
      const name = item
        .replace(/^type /, '')
        .split(/\s+as\s+/)
        .at(-1)!;
      all.add(name);
      if (!isType) values.add(name);
    }
  }
  for (const [, kind, name] of declarations.matchAll(/^export (?:declare )?(function|const|class|interface|type) (\w+)/gm)) {
    all.add(name!);
    if (kind !== 'interface' && kind !== 'type') values.add(name!);
  }
  return { values, all };
}

/** What tsconfig.build.json compiles into dist/. */
const BUILT_FOLDERS = ['cli', 'project', 'runner', 'mock-server', 'validator', 'reporters'];

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const consumerDir = join(projectRoot, 'test', 'package', 'consumer');
const consumerFiles = readdirSync(consumerDir).sort();
const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

/** What the client's own project brings for its tests: Node's types and supertest, linked from this checkout. */
const CLIENT_DEV_PACKAGES = ['@types/node', 'supertest', '@types/supertest'];

/** A child process whose failure shows what it printed. */
async function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await exec(file, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env } }).catch(
    (err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    },
  );
  return stdout;
}

/** The module specifiers a declaration file names: imports, re-exports, import() types and reference directives. */
function specifiersOf(declarations: string): string[] {
  const pattern =
    /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]|\/\/\/\s*<reference\s+(?:types|path)\s*=\s*"([^"]+)"/gm;
  return [...declarations.matchAll(pattern)].map((m) => (m[1] ?? m[2] ?? m[3] ?? m[4])!);
}

/** `ajv/dist/2020.js` belongs to ajv, `@scope/name/x` to @scope/name. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('the npm package', function () {
  this.timeout(180_000);
  let dir: string;
  let files: string[];
  let app: string;
  let installed: string;

  before(async () => {
    // `npm test` has just built dist/; --ignore-scripts packs that build as it is, so a build older than
    // its sources (this file run alone after an edit) would test yesterday's package: refuse it.
    const stale = BUILT_FOLDERS.flatMap((folder) =>
      walkFiles(join(projectRoot, folder), { filter: (f) => f.endsWith('.ts') }).filter((f) => {
        const compiled = join(projectRoot, 'dist', folder, f.replace(/\.ts$/, '.js'));
        return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(projectRoot, folder, f)).mtimeMs;
      }),
    );
    if (stale.length > 0) throw new Error(`dist/ is older than ${stale.length} source(s), e.g. ${stale[0]}: run npm run build first (npm test does)`);
    dir = mkdtempSync(join(tmpdir(), 'mpc-pack-'));
    const { stdout } = await exec(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: projectRoot });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path);

    // One install serves every case below: an empty ESM project, the package's production dependencies,
    // the package, then the client's files and its own dev packages.
    app = join(dir, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, type: 'module' }));
    const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.devOptional)
      .map(([path]) => path);
    expect(production).to.include('node_modules/ajv');
    for (const path of production) cpSync(join(projectRoot, path), join(app, path), { recursive: true });
    await run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, info!.filename)], app);
    installed = join(app, 'node_modules', 'matrix-presence-conformance');
    // Linked after the install, which would prune them as extraneous; they resolve their own
    // dependencies from this checkout, where they really live.
    for (const name of CLIENT_DEV_PACKAGES) {
      mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
      symlinkSync(join(projectRoot, 'node_modules', name), join(app, 'node_modules', name), process.platform === 'win32' ? 'junction' : 'dir');
    }
    for (const file of consumerFiles) cpSync(join(consumerDir, file), join(app, file));
  });

  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the compiled parts with their declarations and data, and no tests, scripts or TypeScript sources', () => {
    expect(files).to.include.members([
      'dist/cli/main.js',
      'dist/runner/run-suites.js',
      'schemas/suite.schema.json',
      'suites/status.yaml',
      'fixtures/targets/mock.yaml',
      'README.md',
      'package.json',
    ]);
    for (const entry of Object.values(manifest.exports)) {
      const targets = typeof entry === 'string' ? [entry] : [entry.types, entry.default];
      for (const target of targets) {
        // A pattern export (./schemas/*) maps a folder: some packed file must be in it.
        if (target.includes('*'))
          expect(
            files.some((f) => f.startsWith(posix.normalize(target).split('*')[0]!)),
            target,
          ).to.equal(true);
        else expect(files, target).to.include(posix.normalize(target));
      }
    }
    // Saved real-server runs (fixtures/reports/, megabytes of transcripts) feed the docs' generators, not the package.
    const stray = files.filter((f) => /^(dist\/)?(test|scripts)\//.test(f) || f.startsWith('fixtures/reports/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    expect(stray).to.deep.equal([]);
    // dist/ is not emptied by tsc: the output of a source since moved or deleted would ship.
    const orphans = files.filter((f) => f.startsWith('dist/') && !existsSync(join(projectRoot, f.slice('dist/'.length).replace(/\.d\.ts$|\.js$/, '.ts'))));
    expect(orphans, 'compiled files without a source (a stale dist/: rebuild it from empty)').to.deep.equal([]);
  });

  it("declares the library's names and leaves the CLI's internal ones out (stripInternal)", () => {
    const declared = (entry: string) => readFileSync(join(installed, 'dist', entry, 'index.d.ts'), 'utf8');
    expect(declared('runner'))
      .to.match(/\brunSuites\b/)
      .and.match(/\bRunListener\b/)
      .and.not.match(/\b(TOOL|planRun|lintSuites|usersNeededForRun)\b/);
    expect(declared('reporters'))
      .to.match(/\bConsoleReporter\b/)
      .and.not.match(/\bLiveDisplay\b/);
    expect(declared('validator'))
      .to.match(/\bvalidatePayloads\b/)
      .and.not.match(/\bspecVersionOption\b/);
  });

  it("lists in docs/library.md's table every value an entry declares, and nothing it does not declare", () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'library.md'), 'utf8');
    const entries = Object.entries({ mock: 'mock-server', runner: 'runner', validator: 'validator', reporters: 'reporters' }).map(([entry, folder]) => ({
      entry,
      ...declaredNames(readFileSync(join(installed, 'dist', folder, 'index.d.ts'), 'utf8')),
    }));
    // A row may name a type of another entry ("each a `RunListener`").
    const anywhere = new Set(entries.flatMap((e) => [...e.all]));
    for (const { entry, values } of entries) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`matrix-presence-conformance/${entry}\` |`));
      expect(row, entry).to.be.a('string');
      const documented = new Set([...row!.split('|')[2]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
      expect(
        [...values].filter((name) => !documented.has(name)),
        `${entry}: declared, not in the table`,
      ).to.deep.equal([]);
      expect(
        [...documented].filter((name) => !anywhere.has(name)),
        `${entry}: in the table, declared nowhere`,
      ).to.deep.equal([]);
    }
  });

  it('has declarations that name only its own files, its production dependencies and node built-ins', () => {
    const packed = new Set(files);
    const builtins = new Set(builtinModules);
    const declarations = files.filter((f) => f.endsWith('.d.ts'));
    expect(declarations).to.include('dist/mock-server/index.d.ts');
    const strays: string[] = [];
    for (const file of declarations) {
      for (const specifier of specifiersOf(readFileSync(join(installed, file), 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = posix.join(posix.dirname(file), specifier.replace(/\.js$/, '.d.ts'));
          if (!packed.has(target)) strays.push(`${file}: ${specifier} (not in the package)`);
        } else if (!specifier.startsWith('node:') && !builtins.has(specifier) && specifier !== 'node' && !(packageName(specifier) in manifest.dependencies)) {
          strays.push(`${file}: ${specifier} (not a production dependency)`);
        }
      }
    }
    expect(strays).to.deep.equal([]);
  });

  it('installs in an empty folder and runs the whole suite against the embedded mock', async () => {
    const stdout = await run('npx', ['--offline', 'matrix-presence-conformance', 'run', '--quiet'], app);
    expect(stdout).to.match(/^matrix-presence-conformance \S+: \d+ cases against mock/);
    expect(stdout).to.match(
      /\d+ cases: \d+ pass(, \d+ skip)? in [\d.]+m?s(; \d+ info observations?( \(\d+ deviating\))?(, listed without --quiet)?)? — OK( \(partial: [^)]*\))?\n$/,
    );
  });

  // The cases below share the client's compiled output: the first one builds it.
  it("type-checks a strict nodenext TypeScript client of every entry point against the package's declarations", async () => {
    const imported = consumerFiles.flatMap((file) =>
      [...readFileSync(join(consumerDir, file), 'utf8').matchAll(/from '(matrix-presence-conformance\/\w+)'/g)].map((m) => m[1]),
    );
    expect(new Set(imported)).to.deep.equal(
      new Set(
        Object.keys(manifest.exports)
          .filter((e) => e !== './package.json' && !e.includes('*'))
          .map((e) => `matrix-presence-conformance/${e.slice(2)}`),
      ),
    );
    // tsc refuses to emit on any type error (noEmitOnError), and checks the package's .d.ts files too (no skipLibCheck).
    await run(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
    expect(existsSync(join(app, 'out', 'mock-client.js'))).to.equal(true);
  });

  it("runs the client's tests of the mock in-process: with fetch on a port, and with supertest on the request listener", async () => {
    const stdout = await run(process.execPath, ['--test', join('out', 'mock-client.js'), join('out', 'mock-supertest.js')], app);
    expect(stdout).to.match(/^# pass 4$/m);
    expect(stdout).to.match(/^# fail 0$/m);
  });

  it('runs the documented runner and validator scripts', async () => {
    const suites = await run(process.execPath, [join('out', 'run-suites.js')], app, { GREP: 'status#round-trip' });
    expect(suites).to.match(/\d+ cases: 3 pass, \d+ skip in [\d.]+m?s/);
    expect(readFileSync(join(app, 'presence.xml'), 'utf8')).to.include('status#round-trip-online');
    const validated = await run(process.execPath, [join('out', 'validate-payload.js')], app);
    expect(validated).to.match(/^ok {3}presence-event\.json/m);
  });

  it('refuses the bare name and paths into dist/: only the exports (and the schemas) are the API', async () => {
    const tryImport = (specifier: string) =>
      run(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)}).then(() => console.log('imported'), (err) => console.log(err.code))`],
        app,
      );
    expect(await tryImport('matrix-presence-conformance')).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED\n');
    expect(await tryImport('matrix-presence-conformance/dist/mock-server/app.js')).to.equal('ERR_PACKAGE_PATH_NOT_EXPORTED\n');
    expect(await tryImport('matrix-presence-conformance/reporters')).to.equal('imported\n');
    // The schemas are the formats' contract (INTERPRETING.md): a client reads them by name.
    const schema = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('matrix-presence-conformance/schemas/report.schema.json', { with: { type: 'json' } }); console.log(m.default.$id)",
      ],
      app,
    );
    expect(schema).to.match(/report/);
  });

  it('is what docs/library.md shows: every client file as it is, and no TypeScript beyond them', () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'library.md'), 'utf8');
    const blocks = [...doc.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], text: m[2] }));
    const typescript = consumerFiles.filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(consumerDir, f), 'utf8'));
    expect(blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript').map((b) => b.text)).to.have.members(typescript);
    expect(blocks.map((b) => b.text)).to.include(readFileSync(join(consumerDir, 'tsconfig.json'), 'utf8'));
  });
});
