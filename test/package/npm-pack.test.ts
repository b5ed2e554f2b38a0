// The published package: `npm pack` holds the compiled parts (no tests, no scripts) and the data they
// read (schemas, suites, fixtures); installed into an empty folder, its CLI runs the whole suite against
// the embedded mock. The test never reaches a network: the package's production dependencies (as
// package-lock.json lists them) are copied from this checkout's node_modules into the empty folder
// first, and `npm install --offline` then only has to add the package itself. Nothing else is there, so
// a runtime import of a dev dependency, or a file missing from `files`, fails the run.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the npm package', function () {
  this.timeout(180_000);
  let dir: string;
  let files: string[];
  let tarball: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpc-pack-'));
    // `npm test` has just built dist/; --ignore-scripts packs that build as it is.
    const { stdout } = await exec(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: projectRoot });
    const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path);
    tarball = join(dir, info!.filename);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the compiled parts and their data, and no tests, scripts or TypeScript sources', () => {
    expect(files).to.include.members([
      'dist/cli/main.js',
      'dist/runner/run-suites.js',
      'dist/mock-server/index.js',
      'schemas/suite.schema.json',
      'suites/status.yaml',
      'fixtures/targets/mock.yaml',
      'README.md',
    ]);
    const stray = files.filter((f) => /^(dist\/)?(test|scripts)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    expect(stray).to.deep.equal([]);
  });

  it('installs in an empty folder and runs the whole suite against the embedded mock', async () => {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
    };
    const production = Object.entries(lock.packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.devOptional)
      .map(([path]) => path);
    expect(production).to.include('node_modules/ajv');
    for (const path of production) cpSync(join(projectRoot, path), join(app, path), { recursive: true });
    await exec(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
    const { stdout } = await exec('npx', ['--offline', 'matrix-presence-conformance', 'run', '--quiet'], {
      cwd: app,
      env: { ...process.env, NO_COLOR: '1' },
    }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    });
    expect(stdout).to.match(/^matrix-presence-conformance \S+: \d+ cases against mock/);
    expect(stdout).to.match(
      /\d+ cases: \d+ pass(, \d+ skip)? in [\d.]+m?s(; \d+ info observations?( \(\d+ deviating\))?(, listed without --quiet)?)? — OK( \(partial: [^)]*\))?\n$/,
    );
  });
});
