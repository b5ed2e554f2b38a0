// scripts/dendrite/install.sh checks what it needs before building: Go 1.21 or newer and a C compiler,
// each missing piece said in one sentence (exit 1). Stand-in `go` commands play the toolchains here; no
// build runs.
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../project/paths.js';

const run = promisify(execFile);
const script = join(projectRoot, 'scripts', 'dendrite', 'install.sh');

/**
 * install.sh with PATH = one folder holding the few commands it runs before building (so that a Go
 * installed anywhere on this machine, /usr/bin included, stays out of sight) and a stand-in `go`.
 */
async function install(goScript?: string): Promise<{ code: number; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mpc-dendrite-install-'));
  for (const command of ['dirname', 'date', 'mkdir']) {
    await symlink(execFileSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim(), join(dir, command));
  }
  if (goScript !== undefined) {
    await writeFile(join(dir, 'go'), `#!/bin/bash\n${goScript}\n`);
    await chmod(join(dir, 'go'), 0o755);
  }
  try {
    const { stderr } = await run(execFileSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).trim(), [script], {
      env: { PATH: dir, DENDRITE_DIR: join(dir, 'dendrite') },
    });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('scripts/dendrite/install.sh', function () {
  this.timeout(20_000);

  it('without Go on PATH: one sentence saying what to install, exit 1', async () => {
    const r = await install();
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.deep.equal([
      '[dendrite] error: no Go toolchain on PATH: install Go 1.21 or newer (Debian: apt-get install golang-go), then run again',
    ]);
  });

  it('with a Go older than 1.21: says so, exit 1', async () => {
    const r = await install('[[ "$1 $2" == "env GOVERSION" ]] && echo go1.19.8');
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal('[dendrite] error: Go go1.19.8 is too old: Dendrite v0.13.8 needs Go 1.21 or newer');
  });

  it('without a C compiler for cgo: says so, exit 1', async () => {
    const r = await install('case "$2" in GOVERSION) echo go1.26.0;; CC) echo no-such-cc;; esac');
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.equal(
      "[dendrite] error: no C compiler (no-such-cc): Dendrite's SQLite driver needs cgo; install one (Debian: apt-get install gcc), then run again",
    );
  });
});
