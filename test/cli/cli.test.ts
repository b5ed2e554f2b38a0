import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';

const run = promisify(execFile);
const cli = join(projectRoot, 'dist', 'cli', 'main.js');

describe('cli', () => {
  it('prints its version', async () => {
    const { stdout } = await run(process.execPath, [cli, '--version']);
    expect(stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
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
