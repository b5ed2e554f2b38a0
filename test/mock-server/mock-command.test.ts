// The `mock` command as a user starts it: one readiness line, a working server, clean shutdown on
// SIGTERM and SIGINT, exit 2 with one clear line on bad configuration.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';

const cli = join(projectRoot, 'cli', 'main.ts');

interface Started {
  url: string;
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }>;
}

function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'mock', ...args], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^matrix-presence-conformance mock listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (m) {
        resolve({
          url: m[1]!,
          stop: async (signal) => {
            child.kill(signal);
            return { code: await exited, stdout };
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'mock', ...args], { cwd: projectRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mock command', function () {
  this.timeout(30_000);

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints one readiness line, serves, and exits 0 on ${signal}`, async () => {
      const mock = await start(['--port', '0', '--target', join(projectRoot, 'fixtures/targets/mock.yaml'), '--fault', 'never-idle']);
      const res = await fetch(`${mock.url}/_matrix/client/versions`);
      expect(res.status).to.equal(200);
      const { code, stdout } = await mock.stop(signal);
      expect(code).to.equal(0);
      expect(stdout.trim().split('\n')).to.have.length(1);
    });
  }

  it('exits 2 with one clear line for an unknown fault, a bad config file, or a bad flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-mock-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'presence:\n  idle_timeout: soon\n');
    for (const [args, pattern] of [
      [['--fault', 'frobnicate'], /unknown fault "frobnicate"/],
      [['--variant', 'frobnicate'], /unknown variant "frobnicate"; known variants: extra-fields/],
      [['--variant', 'slow-wake', '--fault', 'long-poll-not-woken'], /variant "slow-wake" cannot be combined with fault "long-poll-not-woken"/],
      [['--config', bad], /bad\.yaml is invalid:\n\s+presence\.idle_timeout: must be integer/],
      [['--config', join(dir, 'missing.yaml')], /cannot read mock config/],
      [['--port', 'x'], /--port must be an integer/],
      [['--rate-limit', 'fast'], /--rate-limit must be PER_SECOND\/BURST/],
      [['--spec-version', 'r0.9'], /unknown spec version "r0\.9"; accepted: all, early, r0\.0\.0, .*, v1\.20, r0, next$/m],
      [['--presence-list-path', 'theirs'], /--presence-list-path <path>' argument 'theirs' is invalid\. Allowed choices are per_user, own/],
    ] as [string[], RegExp][]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr, args.join(' ')).to.match(pattern);
      expect(r.stderr).to.not.match(/\bat .*\.ts:\d+/);
    }
  });

  it('exits 2 with one clear line for a port out of range', async () => {
    for (const port of ['99999', '65536', '-1']) {
      const r = await run(['--port', port]);
      expect(r.code, port).to.equal(2);
      expect(r.stderr, port).to.match(/--port must be an integer from 0 to 65535/);
      expect(r.stderr.trim().split('\n'), port).to.have.length(1);
    }
  });

  // (No unknown-hostname case: resolving one could leave the machine.)
  it('exits 2 with one clear line when it cannot listen: port in use, non-local address', async () => {
    const busy = await start(['--port', '0']);
    try {
      const port = new URL(busy.url).port;
      for (const [args, pattern] of [
        [['--port', port], /^mock: cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/],
        [['--host', '192.0.2.1'], /^mock: cannot listen on 192\.0\.2\.1:0: EADDRNOTAVAIL/],
      ] as [string[], RegExp][]) {
        const r = await run(args);
        expect(r.code, args.join(' ')).to.equal(2);
        expect(r.stderr, args.join(' ')).to.match(pattern);
        expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
      }
    } finally {
      await busy.stop('SIGTERM');
    }
  });

  it('--list-faults and --list-variants print the catalogues', async () => {
    const r = await run(['--list-faults']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^never-idle\s+Online users never become unavailable/m);
    const v = await run(['--list-variants']);
    expect(v.code).to.equal(0);
    expect(v.stdout).to.match(/^no-own-presence\s+A user's own presence never appears in their \/sync\./m);
  });

  it('serves one release with --spec-version (an alias resolved), its presence list where --presence-list-path says', async () => {
    const mock = await start(['--spec-version', 'r0', '--presence-list-path', 'own']);
    try {
      expect(((await (await fetch(`${mock.url}/_matrix/client/versions`)).json()) as { versions: string[] }).versions).to.deep.equal(['r0.0.1', 'r0.1.0']);
      const reg = (await (
        await fetch(`${mock.url}/_matrix/client/r0/register`, {
          method: 'POST',
          body: JSON.stringify({ username: 'cli', password: 'pw', auth: { type: 'm.login.dummy' } }),
        })
      ).json()) as { access_token: string };
      // r0.1.0 reads the token in the query string alone, and serves the list at the bare path.
      expect((await fetch(`${mock.url}/_matrix/client/r0/presence/list?access_token=${reg.access_token}`)).status).to.equal(200);
      expect((await fetch(`${mock.url}/_matrix/client/r0/presence/list`, { headers: { Authorization: `Bearer ${reg.access_token}` } })).status).to.equal(401);
    } finally {
      await mock.stop('SIGTERM');
    }
  });

  it('switches on --variant flags and the variants of a --target personality', async () => {
    const mock = await start(['--target', join(projectRoot, 'fixtures/targets/dendrite-like.yaml'), '--variant', 'extra-fields']);
    try {
      // extra-fields (the flag): an extra key in every JSON object answer.
      const versions = (await (await fetch(`${mock.url}/_matrix/client/versions`)).json()) as Record<string, unknown>;
      expect(Object.keys(versions)).to.include('org.example.mpc.unknown_field');
      // presence-omitted-when-empty (the profile): a fresh user's /sync has no presence key.
      const reg = (await (
        await fetch(`${mock.url}/_matrix/client/v3/register`, {
          method: 'POST',
          body: JSON.stringify({ username: 'cli', password: 'pw', auth: { type: 'm.login.dummy' } }),
        })
      ).json()) as { access_token: string };
      const sync = (await (
        await fetch(`${mock.url}/_matrix/client/v3/sync?set_presence=offline`, { headers: { Authorization: `Bearer ${reg.access_token}` } })
      ).json()) as Record<string, unknown>;
      expect(sync).to.have.property('next_batch');
      expect(sync).to.not.have.property('presence');
    } finally {
      await mock.stop('SIGTERM');
    }
  });
});
