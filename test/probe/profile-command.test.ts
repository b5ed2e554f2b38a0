// The `profile init` command as a user meets it, and `run --homeserver` without --target: where the
// profile and the findings go, exit codes, one-line errors.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { FAST_TIMERS, staticUsers, withMock } from './helpers.js';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...args], { cwd: projectRoot, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe('profile init command', function () {
  this.timeout(90_000);

  it('writes the profile to --out and the findings with their evidence to stdout; refuses to overwrite without --force', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-init-'));
    const out = join(dir, 'mine.yaml');
    await withMock({ presence: FAST_TIMERS }, async (mock) => {
      const r = await cli(['profile', 'init', '--homeserver', mock.url, '--out', out]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.match(
        /^spec versions: advertises r0\.0\.1–r0\.6\.1, v1\.1–v1\.19; speaks v1\.19 \(the highest release \/versions advertises\); the server does not say which software it is\n/,
      );
      expect(r.stdout).to.match(/^registration: open: POST \/register offers the flow \[m\.login\.dummy\]/m);
      expect(r.stdout).to.match(
        /^ {4}POST \/_matrix\/client\/v3\/register \{"username":"mpc-probe-\w+","password":"…"\} → 401 \{"flows":\[\{"stages":\["m\.login\.dummy"\]\}\]/m,
      );
      expect(r.stdout).to.match(
        new RegExp(
          `^profile written to ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(probing took (\\d+ms|\\d+(\\.\\d)?s|\\d+m( [\\d.]+s)?)\\); next: matrix-presence-conformance run --homeserver ${mock.url.replace(/[.]/g, '\\.')} --target `,
          'm',
        ),
      );
      const profile = parseTargetProfile(await readFile(out, 'utf8'));
      expect(profile.capabilities).to.include.members(['rate_limit', 'idle_timeout', 'currently_active']);
      const again = await cli(['profile', 'init', '--homeserver', mock.url, '--out', out]);
      expect(again.code).to.equal(2);
      expect(again.stderr).to.equal(`profile init: --out ${out}: the file exists; give --force to replace it\n`);
    });
  });

  it('without --out: the profile alone on stdout, the findings on stderr', async () => {
    await withMock({ presence: FAST_TIMERS }, async (mock) => {
      const r = await cli(['profile', 'init', '--homeserver', mock.url]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^# Target profile for http:\/\/127\.0\.0\.1:\d+, written by/);
      expect(parseTargetProfile(r.stdout).registration.method).to.equal('dummy');
      expect(r.stderr).to.match(/^presence: on: a user's own PUT online is read back$/m);
      expect(r.stderr).to.match(/the profile is on stdout/);
    });
  });

  it('with pre-made users (--users): counts the users a whole run needs, the device cases left out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-init-'));
    const usersFile = join(dir, 'users.yaml');
    const { config, users } = staticUsers(20);
    await writeFile(usersFile, users.map((u) => `- { user_id: "${u.user_id}", access_token: ${u.access_token} }`).join('\n') + '\n');
    await withMock({ presence: FAST_TIMERS, registration: { enabled: false, users: config } }, async (mock) => {
      const r = await cli(['profile', 'init', '--homeserver', mock.url, '--users', usersFile]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.replace(/\n\s*# /g, ' ')).to.match(/A whole run with this profile needs \d+ \(one per actor of each case that runs\)/);
    });
  });

  it('exits 2 with one line for a server that is not there, a bad option, or a bad --users file', async () => {
    const gone = await cli(['profile', 'init', '--homeserver', 'http://127.0.0.1:9']);
    expect([gone.code, gone.stderr]).to.deep.equal([
      2,
      'profile init: cannot reach the homeserver at http://127.0.0.1:9: connection refused by 127.0.0.1:9 (GET /_matrix/client/versions)\n',
    ]);
    expect(gone.stdout).to.equal('');
    const missing = await cli(['profile', 'init']);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include("required option '--homeserver <url>' not specified");
    const dir = await mkdtemp(join(tmpdir(), 'mpc-init-'));
    const users = join(dir, 'users.yaml');
    await writeFile(users, '- { user_id: alice, access_token: t }\n');
    const bad = await cli(['profile', 'init', '--homeserver', 'http://127.0.0.1:9', '--users', users]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^profile init: .*users\.yaml:1:5: static-users \/0\/user_id: got "alice", want a string matching/);
  });
});

describe('run --homeserver without --target', function () {
  this.timeout(90_000);

  it('stops with one line, exit 2, when presence is off', async () => {
    await withMock({ presence: { enabled: false } }, async (mock) => {
      const r = await cli(['run', '--homeserver', mock.url]);
      expect(r.code).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/^presence is off on http:\/\/127\.0\.0\.1:\d+: /);
    });
  });
});
