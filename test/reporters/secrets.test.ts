// No secret leaves a run: failing cases (so every transcript is kept) against the mock, behind a
// recording proxy that sees every credential on the wire, with each registration method (static users
// with known tokens, m.login.dummy with the runner's passwords, a shared secret with nonces and MACs)
// and a profile `secrets` value the proxy leaks in a response header. Every output of `run` (stdout,
// stderr, JSON, JUnit, HTML, GitHub annotations, the expectations file) and of `report render / merge /
// compare` is scanned for every secret, plain and percent-encoded.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';
import { startMockServer, mockConfigFromTarget, type RunningMockServer } from '../../mock-server/index.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { REDACTED } from '../../project/redact.js';

const SHARED_SECRET = 'shared-secret-for-the-leak-test-0001';
const EXTRA_SECRET = 'admin-token-listed-in-profile-secrets';
const CASES = '^(auth|status)#';
const FAULTS = ['status-msg-dropped', 'query-token-ignored'];

const PROFILE_BODY = `spec_version: v1.19
server_name: localhost
timers: { idle_timeout: 1500, sync_online_timeout: 3000, last_active_granularity: 400, request_timeout: 5000, sync_poll_timeout: 500, delivery_deadline: 2000 }
rate_limit: { per_second: 5, burst: 3 }
capabilities: [currently_active, idle_timeout, sync_online_timeout, rate_limit, profile_propagation, presence_filter, query_string_token, r0_paths, free_for_chat, presence_list]
secrets: ["${EXTRA_SECRET}"]
`;

/** Every credential the proxy saw, by kind. */
class Seen {
  readonly secrets = new Map<string, Set<string>>();
  add(kind: string, value: unknown): void {
    if (typeof value !== 'string' || value.length === 0) return;
    if (!this.secrets.has(kind)) this.secrets.set(kind, new Set());
    this.secrets.get(kind)!.add(value);
  }
  all(): [string, string][] {
    return [...this.secrets].flatMap(([kind, values]) => [...values].map((v) => [kind, v] as [string, string]));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

function forward(
  target: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${target}${path}`,
      { method, headers: { ...headers, host: new URL(target).host, 'content-length': String(Buffer.byteLength(body)) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function json(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A proxy in front of the mock that records credentials and serves Synapse's shared-secret registration. */
async function startRecordingProxy(mock: string, seen: Seen): Promise<{ url: string; close(): Promise<void> }> {
  const nonces = new Set<string>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const sent = json(body);
      seen.add('password', sent.password);
      seen.add('mac', sent.mac);
      seen.add('access token (query)', url.searchParams.get('access_token') ?? undefined);
      seen.add('access token (header)', /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]);
      let answer: { status: number; headers: Record<string, string>; body: string };
      if (url.pathname === '/_synapse/admin/v1/register' && req.method === 'GET') {
        const nonce = randomBytes(16).toString('hex');
        nonces.add(nonce);
        seen.add('nonce', nonce);
        answer = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nonce }) };
      } else if (url.pathname === '/_synapse/admin/v1/register') {
        const { nonce, username, password, mac } = sent as Record<string, string>;
        const want = createHmac('sha1', SHARED_SECRET).update(`${nonce}\0${username}\0${password}\0notadmin`).digest('hex');
        if (!nonces.delete(nonce!) || mac !== want)
          answer = { status: 403, headers: { 'content-type': 'application/json' }, body: '{"errcode":"M_FORBIDDEN","error":"HMAC incorrect"}' };
        else answer = await registerAtMock(mock, username!, password!);
      } else {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        answer = await forward(mock, req.method ?? 'GET', req.url ?? '/', headers, body);
      }
      seen.add('access token (answer)', json(answer.body).access_token);
      // A server that leaks an admin credential in a header: only the profile's `secrets` can name it.
      res.writeHead(answer.status, { ...answer.headers, 'x-upstream-auth': EXTRA_SECRET, 'content-length': String(Buffer.byteLength(answer.body)) });
      res.end(answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The m.login.dummy round trip at the mock. */
async function registerAtMock(mock: string, username: string, password: string) {
  const headers = { 'content-type': 'application/json' };
  await forward(mock, 'POST', '/_matrix/client/v3/register', headers, JSON.stringify({ username, password }));
  return forward(mock, 'POST', '/_matrix/client/v3/register', headers, JSON.stringify({ username, password, auth: { type: 'm.login.dummy' } }));
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...args],
      { cwd: projectRoot, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('secrets never reach an output', function () {
  this.timeout(180_000);
  let mock: RunningMockServer;
  let proxy: { url: string; close(): Promise<void> };
  const seen = new Seen();
  let dir: string;
  const outputs = new Map<string, string>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mpc-secrets-'));
    const profile = parseTargetProfile(`name: mock\nregistration: { method: dummy }\n${PROFILE_BODY}`);
    mock = await startMockServer({ config: { ...mockConfigFromTarget(profile), faults: FAULTS } });
    proxy = await startRecordingProxy(mock.url, seen);
    // Static users: made here, with passwords and tokens the test knows.
    const users: string[] = [];
    for (let i = 0; i < 60; i++) {
      const password = `static-password-${randomBytes(8).toString('hex')}`;
      seen.add('static password', password);
      const answer = json((await registerAtMock(mock.url, `static-${i}`, password)).body);
      seen.add('static token', answer.access_token);
      users.push(`{ user_id: "${String(answer.user_id)}", access_token: "${String(answer.access_token)}" }`);
    }
    const registrations: Record<string, string> = {
      dummy: '{ method: dummy }',
      shared: `{ method: shared_secret, shared_secret: "${SHARED_SECRET}" }`,
      static: `{ method: static, users: [${users.join(', ')}] }`,
    };
    seen.add('shared secret', SHARED_SECRET);
    seen.add('profile secret', EXTRA_SECRET);
    // The three runs share the mock (each with its own users), at once.
    await Promise.all(
      Object.entries(registrations).map(async ([name, registration]) => {
        const file = join(dir, `${name}.yaml`);
        await writeFile(file, `name: ${name}\nregistration: ${registration}\n${PROFILE_BODY}`);
        const out = (f: string) => join(dir, `${name}-${f}`);
        const run = await cli([
          'run',
          '--homeserver',
          proxy.url,
          '--target',
          file,
          '--grep',
          CASES,
          '--report-json',
          out('report.json'),
          '--junit',
          out('junit.xml'),
          '--html',
          out('report.html'),
          '--github-annotations',
          '--update-expectations',
          out('expectations.yaml'),
        ]);
        expect(run.code, `${name}: ${run.stderr} ${run.stdout.slice(-1500)}`).to.equal(1);
        outputs.set(`${name}: run stdout`, run.stdout);
        outputs.set(`${name}: run stderr`, run.stderr);
        const render = await cli([
          'report',
          'render',
          out('report.json'),
          '--html',
          out('rendered.html'),
          '--junit',
          out('rendered.xml'),
          '--github-annotations',
          '--console',
        ]);
        outputs.set(`${name}: render stdout`, render.stdout + render.stderr);
        const merge = await cli(['report', 'merge', out('report.json'), '--report-json', out('merged.json')]);
        outputs.set(`${name}: merge stdout`, merge.stdout + merge.stderr);
      }),
    );
    const compare = await cli([
      'report',
      'compare',
      ...['dummy', 'shared', 'static'].map((n) => join(dir, `${n}-report.json`)),
      '--json',
      join(dir, 'compare.json'),
      '--html',
      join(dir, 'compare.html'),
      '--markdown',
      join(dir, 'compare.md'),
      '--all',
    ]);
    outputs.set('compare stdout', compare.stdout + compare.stderr);
    for (const file of await readdir(dir))
      if (!file.endsWith('.yaml') || file.includes('expectations')) outputs.set(file, await readFile(join(dir, file), 'utf8'));
  });

  after(async () => {
    await proxy?.close();
    await mock?.close();
  });

  it('the runs failed with transcripts, and every kind of secret was on the wire', () => {
    const report = JSON.parse(outputs.get('static-report.json')!) as { cases: { outcome: string; transcript?: unknown[] }[] };
    expect(report.cases.filter((c) => c.outcome === 'fail' && (c.transcript?.length ?? 0) > 0).length).to.be.greaterThan(5);
    for (const kind of [
      'password',
      'mac',
      'nonce',
      'access token (query)',
      'access token (header)',
      'access token (answer)',
      'static token',
      'static password',
      'shared secret',
      'profile secret',
    ]) {
      expect(seen.secrets.get(kind)?.size ?? 0, kind).to.be.greaterThan(0);
    }
    expect(seen.all().length).to.be.greaterThan(150);
    // The outputs show where something was removed, so the scan below is not vacuous.
    for (const name of ['dummy-report.json', 'shared-junit.xml', 'static-report.html']) expect(outputs.get(name), name).to.include(REDACTED);
    expect(outputs.get('static-report.json')).to.include('"x-upstream-auth": "…[redacted]"');
    expect(outputs.get('shared-report.json')).to.match(/"nonce\\":\\"…\[redacted\]\\"/);
  });

  it('no output holds any of them, plain or percent-encoded', () => {
    expect(outputs.size).to.be.greaterThan(35);
    const leaks: string[] = [];
    for (const [name, text] of outputs) {
      for (const [kind, secret] of seen.all()) {
        if (text.includes(secret) || text.includes(encodeURIComponent(secret))) leaks.push(`${name}: ${kind} ${secret.slice(0, 4)}…`);
      }
    }
    expect(leaks).to.deep.equal([]);
  });
});
