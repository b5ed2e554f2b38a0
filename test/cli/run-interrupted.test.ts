// A run that ends early still ends well: SIGINT or SIGTERM sent to a real `run` process mid-run (against
// the embedded mock and against a `mock` on a port) leaves complete JSON, JUnit and HTML reports with
// the finished cases and the rest marked interrupted or not run, exits 130 or 143, and leaves no
// temporary file behind; a second signal ends the process at once. `--max-time` leaves out the cases
// whose time limit does not fit, and such a partial run never exits 0 without --allow-partial.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';
import type { Report } from '../../project/report.js';
import { loadReport } from '../../runner/index.js';

/** Quick cases around slow ones that only wait: the slow ones are running whenever the signal comes. */
const SUITE = `title: Interruptible
area: interruptible
cases:
${['slow-1', 'slow-2']
  .map(
    (id) => `  - id: ${id}
    title: A case that waits a minute and then reads its own presence
    level: MUST
    clauses: [v1-client-set-get]
    actors: [alice]
    steps:
      - wait: 60s
      - request: { as: alice, method: GET, path: "/_matrix/client/v3/presence/{alice.user_id}/status" }
        expect: { status: 200 }
`,
  )
  .join('')}${['quick-1', 'quick-2', 'quick-3', 'slow-3', 'after-1', 'after-2']
  .map(
    (id) => `  - id: ${id}
    title: A case that ${id.startsWith('slow') ? 'waits a minute and then reads' : 'reads'} its own presence
    level: MUST
    clauses: [v1-client-set-get]
    actors: [alice]
    steps:
${id.startsWith('slow') ? '      - wait: 60s\n' : ''}      - request: { as: alice, method: GET, path: "/_matrix/client/v3/presence/{alice.user_id}/status" }
        expect: { status: 200 }
`,
  )
  .join('')}`;

/** Generous: the machine may be loaded; a run that ignored the signal would take over a minute. */
const DEADLINE_MS = 45_000;

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function cli(args: string[]): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves when `text()` matches; rejects after the deadline (with what was seen), or when the process ends first. */
async function waitFor(spawned: Spawned, text: () => string, pattern: RegExp, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  let ended = false;
  void spawned.exited.then(() => (ended = true));
  while (!pattern.test(text())) {
    if (ended) throw new Error(`the process ended before ${what}:\n${spawned.stdout()}\n${spawned.stderr()}`);
    if (Date.now() > deadline) {
      spawned.child.kill('SIGKILL');
      throw new Error(`no ${what} within ${DEADLINE_MS} ms:\n${spawned.stdout()}\n${spawned.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exitWithin(spawned: Spawned, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      spawned.child.kill('SIGKILL');
      reject(new Error(`still running ${ms} ms after the signal:\n${spawned.stdout()}\n${spawned.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([spawned.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

const outcomes = (report: Report) => Object.fromEntries(report.cases.map((c) => [c.id.replace(/^.*#/, ''), c.outcome]));

/** Every report file is complete and parseable, and nothing else (no temporary file) is in the folder. */
async function checkReports(dir: string): Promise<Report> {
  expect((await readdir(dir)).sort()).to.deep.equal(['r.html', 'r.json', 'r.xml', 'suite.yaml']);
  const report = await loadReport(join(dir, 'r.json'));
  const xml = await readFile(join(dir, 'r.xml'), 'utf8');
  expect(xml).to.match(/^<\?xml [^>]*\?>\n<testsuites [^>]*>[\s\S]*<\/testsuites>\n$/);
  const html = await readFile(join(dir, 'r.html'), 'utf8');
  expect(html.trimEnd()).to.match(/<\/html>$/);
  return report;
}

/** The reports a CI job asks for, in `dir`: JSON, JUnit and (unless `html` is false) HTML. */
function reportOptions(dir: string, html = true): string[] {
  return ['--report-json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml'), ...(html ? ['--html', join(dir, 'r.html')] : [])];
}

async function interruptedRun(dir: string, target: string[], signal: 'SIGINT' | 'SIGTERM'): Promise<{ report: Report; code: number | null; stdout: string }> {
  const run = cli(['run', join(dir, 'suite.yaml'), ...target, '--no-expectations', '--jobs', '3', ...reportOptions(dir)]);
  // The three quick cases have finished (slow-1 and slow-2 are waiting): now the signal.
  await waitFor(run, run.stdout, /(pass .*quick-[123][\s\S]*){3}/, 'three finished quick cases');
  run.child.kill(signal);
  const { code } = await exitWithin(run, DEADLINE_MS);
  return { report: await checkReports(dir), code, stdout: run.stdout() };
}

function expectInterruptedReport(report: Report, signal: 'SIGINT' | 'SIGTERM', code: number | null, stdout: string): void {
  expect(code, stdout).to.equal(signal === 'SIGINT' ? 130 : 143);
  expect(report.exit_code).to.equal(code);
  const seen = outcomes(report);
  expect(seen).to.include({ 'quick-1': 'pass', 'quick-2': 'pass', 'quick-3': 'pass', 'slow-1': 'interrupted', 'slow-2': 'interrupted' });
  expect(seen).to.include({ 'after-1': 'not_run', 'after-2': 'not_run' });
  // slow-3 had started or not when the signal came: either way it did not finish.
  expect(['interrupted', 'not_run']).to.include(seen['slow-3']);
  expect(report.partial).to.deep.include({ reason: 'interrupted', signal, accepted: false });
  expect(report.partial!.missing.map((id) => id.replace(/^.*#/, ''))).to.deep.equal(['slow-1', 'slow-2', 'slow-3', 'after-1', 'after-2']);
  expect(report.summary).to.deep.include({ pass: 3, fail: 0, error: 0, not_run: 2 + (seen['slow-3'] === 'not_run' ? 1 : 0) });
  expect(report.gating_failures).to.deep.equal([]);
  expect(stdout).to.match(new RegExp(`— INTERRUPTED by ${signal} \\(5 cases did not finish\\)\\n$`));
}

describe('run stopped by a signal, or out of time', function () {
  this.timeout(120_000);

  it('SIGINT against the embedded mock: complete reports, the rest marked, exit 130', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-interrupt-'));
    await writeFile(join(dir, 'suite.yaml'), SUITE);
    const { report, code, stdout } = await interruptedRun(dir, ['--real-time'], 'SIGINT');
    expectInterruptedReport(report, 'SIGINT', code, stdout);
    const xml = await readFile(join(dir, 'r.xml'), 'utf8');
    expect(xml).to.match(/<testsuites [^>]* tests="8" failures="0" errors="0" skipped="5"/);
    expect(xml).to.match(/name="suite#after-1 [^"]*"[^>]*>\s*<skipped message="not run: the run was interrupted \(SIGINT\) before it started"\/>/);
    expect(xml).to.match(/name="suite#slow-1 [^"]*"[^>]*>\s*<skipped message="interrupted \(SIGINT\): still running 2s after the stop, and abandoned"\/>/);
  });

  it('SIGTERM against a mock on a port: complete reports, the rest marked, exit 143', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-interrupt-'));
    await writeFile(join(dir, 'suite.yaml'), SUITE);
    const mock = cli(['mock', '--port', '0', '--target', 'fixtures/targets/mock.yaml']);
    try {
      await waitFor(mock, mock.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 'the mock listening');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(mock.stdout())![1]!;
      const { report, code, stdout } = await interruptedRun(dir, ['--homeserver', url, '--target', 'fixtures/targets/mock.yaml'], 'SIGTERM');
      expectInterruptedReport(report, 'SIGTERM', code, stdout);
      expect(await readFile(join(dir, 'r.html'), 'utf8')).to.include('INTERRUPTED');
    } finally {
      mock.child.kill('SIGTERM');
      await mock.exited;
    }
  });

  it('a second signal ends the run at once, with its own exit code and no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-interrupt-'));
    await writeFile(join(dir, 'suite.yaml'), SUITE);
    const run = cli(['run', join(dir, 'suite.yaml'), '--real-time', '--no-expectations', '--jobs', '3', ...reportOptions(dir, false)]);
    await waitFor(run, run.stdout, /pass .*quick-1/, 'a finished case');
    run.child.kill('SIGINT');
    await waitFor(run, run.stderr, /^SIGINT: stopping/m, 'the stop announced');
    // Within the grace period, while slow-1 and slow-2 still wait: the second signal does not wait for them.
    run.child.kill('SIGTERM');
    const { code } = await exitWithin(run, DEADLINE_MS);
    expect(code, run.stderr()).to.equal(143);
    expect(run.stderr()).to.match(/^SIGTERM again: stopping at once, without reports$/m);
    const left = (await readdir(dir)).filter((f) => f !== 'suite.yaml');
    expect(left.filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('--max-time leaves out the cases whose time limit does not fit; exit 1, or with --allow-partial the verdict of the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-max-time-'));
    await writeFile(join(dir, 'suite.yaml'), SUITE);
    // Each slow case's limit is over a minute (its wait, requests, slack); a quick one's about 20 s.
    const args = (extra: string[]) => ['run', join(dir, 'suite.yaml'), '--no-expectations', '--max-time', '50s', ...extra, ...reportOptions(dir)];
    for (const [extra, wantCode] of [
      [[], 1],
      [['--allow-partial'], 0],
    ] as const) {
      const run = cli(args([...extra]));
      const { code } = await exitWithin(run, DEADLINE_MS);
      expect(code, run.stdout() + run.stderr()).to.equal(wantCode);
      const report = await checkReports(dir);
      expect(report.exit_code).to.equal(wantCode);
      expect(outcomes(report)).to.deep.equal({
        'slow-1': 'not_run',
        'slow-2': 'not_run',
        'quick-1': 'pass',
        'quick-2': 'pass',
        'quick-3': 'pass',
        'slow-3': 'not_run',
        'after-1': 'pass',
        'after-2': 'pass',
      });
      expect(report.partial).to.deep.include({ reason: 'max_time', max_time_ms: 50_000, accepted: extra.length > 0 });
      expect(report.cases.find((c) => c.id.endsWith('#slow-1'))!.message).to.match(
        /^not run for time: its time limit of 1m \d+(\.\d)?s does not fit in the \d+(\.\d)?s left of --max-time 50s$/,
      );
      expect(run.stdout()).to.match(/^out of time: 3 cases left out, their time limits did not fit in what was left of --max-time 50s$/m);
      expect(run.stdout()).to.match(/^ {2}not run: suite#slow-1, suite#slow-2, suite#slow-3$/m);
      expect(run.stdout()).to.match(
        extra.length > 0
          ? /— OK \(partial, accepted: 3 cases left out for time\)\n$/
          : /— PARTIAL \(3 cases left out for time; not accepted without --allow-partial\)\n$/,
      );
    }
  });
});
