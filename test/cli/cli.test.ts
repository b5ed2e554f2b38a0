import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';

const run = promisify(execFile);
const cli = join(projectRoot, 'dist', 'cli', 'main.js');

describe('cli', () => {
  it('prints the version package.json states', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    const manifest = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(stdout.trim()).to.equal(manifest.version);
  });

  it('exits 2 with a message on an unknown command', async () => {
    const err = await run(process.execPath, [cli, 'frobnicate']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.have.property('code', 2);
    expect(String((err as { stderr: string }).stderr)).to.match(/unknown command 'frobnicate'/);
  });
});
