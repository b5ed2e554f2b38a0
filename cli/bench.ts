// `bench --homeserver URL`: how fast a running server delivers presence (fan-out to N long-polling
// watchers, GET and PUT throughput, with --timers the lateness of its idle and offline timers), and with
// --compare-mock the mock and the floor measured beside it in the same run (docs/benchmarks.md). The
// address is judged from the URL before anything is sent: loopback only, unless --allow-remote.
// Ctrl-C ends the measuring after the round under way and prints what was measured; a second Ctrl-C
// exits at once. Exit 0 when nothing was lost and every timer was delivered within the profile's
// deadline, 1 otherwise, 2 for bad usage, a server that cannot be reached, or a measurement that failed.
import { writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../project/errors.js';
import { displayPath } from '../project/paths.js';
import { BenchProvisioner, defaultTargetFor, loadTargetProfile, TOOL } from '../runner/index.js';
import { benchHomeserver, DEFAULT_SETTINGS, type BenchReport, type BenchSettings, type ThroughputFigures } from './bench/bench-run.js';
import type { FanOutSummary } from './bench/bench-run.js';
import { isLoopbackUrl } from './bench/loopback.js';
import { checkOutputPath, EXIT, exitCodeOf, processOutput, type CommandOutput } from './command.js';
import { progressPrinter } from './profile.js';
import { parseUrl } from './run.js';

export interface BenchCommandOptions {
  homeserver: string;
  target?: string;
  watchers: number[];
  rounds: number;
  warmUp: number;
  settle?: number;
  connections: number;
  throughput: boolean;
  throughputSeconds: number;
  throughputRounds: number;
  timers?: boolean;
  compareMock?: boolean;
  json?: string;
  allowRemote?: boolean;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('want a whole number of at least 1');
  return n;
}

function atLeastZero(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('want a whole number of at least 0');
  return n;
}

function watcherList(value: string): number[] {
  const xs = value.split(',').map((v) => Number(v.trim().replace(/_/g, '')));
  if (xs.some((x) => !Number.isInteger(x) || x < 1 || x > 10_000))
    throw new InvalidArgumentError('want whole numbers from 1 to 10000 separated by commas, e.g. 10,100,1000');
  return xs;
}

/** Refuses an address outside loopback unless allowed: decided from the URL alone, before any lookup or connection. */
export function checkBenchAddress(url: string, allowRemote: boolean | undefined): void {
  if (allowRemote || isLoopbackUrl(url)) return;
  throw new ConfigError(
    `${url} is not a loopback address (localhost, 127.0.0.0/8, ::1): bench loads a server with thousands of users and requests; give --allow-remote to measure a server you run elsewhere`,
  );
}

const fmt = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');

/** Which rounds lost changes, in order from the first warm-up round: " in rounds 1 (500), 2 (200) of 30". */
function lossRounds(byRound: number[] | undefined): string {
  const losing = (byRound ?? []).map((lost, i) => [i + 1, lost] as const).filter(([, lost]) => lost > 0);
  if (losing.length === 0) return '';
  const shown = losing.slice(0, 5).map(([round, lost]) => `${round} (${lost})`);
  return ` in rounds ${shown.join(', ')}${losing.length > 5 ? `, and ${losing.length - 5} more` : ''} of ${byRound!.length}`;
}

function fanOutCell(f: FanOutSummary | undefined): string {
  if (!f) return '';
  const warmUp = f.lost && f.lostInWarmUp ? ` (${f.lostInWarmUp} in warm-up rounds)` : '';
  return `${fmt(f.p50)} / ${fmt(f.p99)} / ${fmt(f.max)} ms, ${f.lost} lost${warmUp}${lossRounds(f.lostByRound)}${f.failed ? `, ${f.failed} failed` : ''}`;
}

function throughputCell(t: ThroughputFigures | undefined): string {
  if (!t) return '';
  const extra = [
    t.rateLimited ? `${t.rateLimited} × 429` : '',
    t.otherStatus ? `${t.otherStatus} other errors` : '',
    t.failedConnections ? `${t.failedConnections} connections failed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${fmt(t.perSecond, 0)}/s${extra ? ` (${extra})` : ''}`;
}

/** The console table: one row per figure, the server's column first; ratios when the floor ran beside it. */
export function benchTable(r: BenchReport): string {
  const compared = r.settings.compareMock;
  const head = compared ? ['figure', 'server', 'mock', 'floor', 'server / floor', 'mock / floor', 'client CPU'] : ['figure', 'server', 'client CPU'];
  const rows: string[][] = [];
  const ratio = (x?: { p50: number; p99: number }) => (x ? `${fmt(x.p50, 2)} / ${fmt(x.p99, 2)}` : '');
  const cpu = (...xs: ({ clientCpuShare: number } | undefined)[]) =>
    xs
      .filter((x) => x !== undefined)
      .map((x) => pct(x.clientCpuShare))
      .join(' / ');
  for (const f of r.fanOut) {
    const figure = `one change to ${f.watchers.toLocaleString('en')} watchers: p50 / p99 / max (${f.server.rounds} rounds)`;
    rows.push(
      compared
        ? [figure, fanOutCell(f.server), fanOutCell(f.mock), fanOutCell(f.floor), ratio(f.serverToFloor), ratio(f.mockToFloor), cpu(f.server, f.mock, f.floor)]
        : [figure, fanOutCell(f.server), cpu(f.server)],
    );
  }
  for (const t of r.throughput) {
    const figure = `${t.method} presence, ${r.settings.connections} connections: 2xx per second (${t.server.rounds.length} rounds of ${r.settings.throughputSeconds} s)`;
    rows.push(
      compared
        ? [
            figure,
            throughputCell(t.server),
            throughputCell(t.mock),
            throughputCell(t.floor),
            fmt(t.serverToFloor, 3),
            fmt(t.mockToFloor, 3),
            cpu(t.server, t.mock, t.floor),
          ]
        : [figure, throughputCell(t.server), cpu(t.server)],
    );
  }
  for (const t of r.timers ?? []) {
    const cell =
      t.seenMs === null
        ? 'not seen (watched until the sync-online timer, the delivery deadline and 30 s had passed)'
        : `${fmt(t.seenMs, 0)} ms (${t.lateMs! >= 0 ? '+' : ''}${fmt(t.lateMs, 0)} ms)${t.withinDeadline ? '' : ' OUTSIDE the delivery deadline'}`;
    rows.push([`${t.timer} ${fmt(t.timerMs, 0)} ms: ${t.presence} seen after the last sync`, cell, ...head.slice(2).map(() => '')]);
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Exit 1 when a change was lost or a timer's change came outside the profile's deadline. */
function findings(r: BenchReport): string[] {
  const out: string[] = [];
  for (const f of r.fanOut)
    if (f.server.lost || f.server.failed) out.push(`${f.server.lost} changes lost and ${f.server.failed} long-polls failed at ${f.watchers} watchers`);
  for (const t of r.timers ?? [])
    if (!t.withinDeadline)
      out.push(`${t.presence} (${t.timer}) ${t.seenMs === null ? 'never seen' : `seen ${t.lateMs} ms after the timer`}, outside the delivery deadline`);
  return out;
}

export async function benchCommand(opts: BenchCommandOptions, out: CommandOutput = processOutput, signal?: AbortSignal): Promise<number> {
  // First, from the URL alone: nothing is looked up or sent anywhere before this.
  checkBenchAddress(opts.homeserver, opts.allowRemote);
  if (new URL(opts.homeserver).protocol !== 'http:')
    throw new ConfigError(`${opts.homeserver}: bench's clients speak plain HTTP (a server on loopback needs no TLS)`);
  checkOutputPath('--json', opts.json);
  const profile = await loadTargetProfile(opts.target ?? defaultTargetFor(opts.homeserver));
  const mockProfile = opts.compareMock ? await loadTargetProfile(defaultTargetFor(undefined)) : undefined;
  const settings: BenchSettings = {
    ...DEFAULT_SETTINGS,
    watchers: opts.watchers,
    rounds: opts.rounds,
    warmUpRounds: opts.warmUp,
    settleMs: opts.settle,
    throughput: opts.throughput,
    connections: opts.connections,
    throughputSeconds: opts.throughputSeconds,
    throughputRounds: opts.throughputRounds,
    timers: opts.timers === true,
    compareMock: opts.compareMock === true,
  };
  const terminal = process.stderr;
  const progress = progressPrinter(terminal, (text) => out.stderr(text));
  const provisioner = new BenchProvisioner(opts.homeserver, profile);
  // Ctrl-C during the making of users ends it too (the rounds themselves end after the one under way).
  signal?.addEventListener('abort', () => provisioner.close(), { once: true });
  out.stderr(
    `${TOOL.name} bench: ${opts.homeserver} with ${profile.source}${settings.compareMock ? ', the mock and the floor beside it' : ''}; watchers ${settings.watchers.join(', ')}\n`,
  );
  let report: BenchReport;
  try {
    report = await benchHomeserver(settings, {
      provisioner,
      mockProvisioner: mockProfile && ((url) => new BenchProvisioner(url, mockProfile)),
      profile,
      signal,
      progress: (text) => progress.line(text),
      tool: `${TOOL.name} ${TOOL.version}`,
    });
  } finally {
    progress.end();
    provisioner.close();
  }
  const machine = report.machine;
  out.stdout(
    `${report.started}: ${machine.cores} x ${machine.cpu}, ${fmt(machine.memGiB)} GiB, node ${machine.node}, load average ${machine.loadStart.map((x) => x.toFixed(2)).join(' ')}\n`,
  );
  out.stdout(
    `rate limit: ${report.rateLimit ? `${report.rateLimit.per_second}/s, burst ${report.rateLimit.burst} per user (the profile's; 429s are waited out and counted)` : 'none declared by the profile'}\n\n`,
  );
  out.stdout(`${benchTable(report)}\n\n`);
  if (opts.json) {
    await writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    out.stdout(`report written to ${displayPath(opts.json)}\n`);
  }
  for (const note of report.notes) out.stdout(`${note}\n`);
  if (report.error) {
    out.stderr(`bench: ${report.error}\n`);
    return EXIT.usage;
  }
  const found = findings(report);
  for (const f of found) out.stdout(`${f}\n`);
  return found.length > 0 ? EXIT.failed : EXIT.ok;
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('measure how fast a running homeserver delivers presence: fan-out, GET/PUT throughput, timers (loopback only unless --allow-remote)')
    .requiredOption('--homeserver <url>', 'base URL of the server to measure (loopback only unless --allow-remote)', parseUrl)
    .option('--target <file>', 'target profile: registration, timers, rate limit (default: the generic fixtures/targets/generic.yaml)')
    .option('--watchers <list>', 'watcher counts, comma-separated', watcherList, DEFAULT_SETTINGS.watchers)
    .option('--rounds <n>', 'counted fan-out rounds per watcher count', positive, DEFAULT_SETTINGS.rounds)
    .option(
      '--warm-up <n>',
      'at most this many warm-up rounds per watcher count (fewer once 10,000 polls were woken)',
      atLeastZero,
      DEFAULT_SETTINGS.warmUpRounds,
    )
    .option('--settle <ms>', 'after arming, wait this long for the long-polls to park (default 500 + 2 per watcher)', atLeastZero)
    .option('--connections <n>', 'connections of the throughput rounds, one user each', positive, DEFAULT_SETTINGS.connections)
    .option('--throughput-seconds <s>', 'length of a throughput round', positive, DEFAULT_SETTINGS.throughputSeconds)
    .option('--throughput-rounds <n>', 'throughput rounds per method', positive, DEFAULT_SETTINGS.throughputRounds)
    .option('--no-throughput', 'skip the throughput rounds')
    .option('--timers', "also measure how late the idle and offline timers' changes arrive (waits the profile's sync_online_timeout and more)")
    .option('--compare-mock', 'measure the mock and the floor beside the server, in the same rounds, and give ratios to the floor')
    .option('--json <file>', 'write the figures as JSON')
    .option('--allow-remote', 'allow a server outside loopback (localhost, 127.0.0.0/8, ::1)')
    .action(async (opts: BenchCommandOptions) => {
      // First Ctrl-C: finish the round under way and print the figures so far; a second one: exit now.
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write('\nbench: stopping after this round (Ctrl-C again to quit at once)\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      const code = await exitCodeOf(() => benchCommand(opts, processOutput, controller.signal), 'bench: ');
      process.off('SIGINT', onSigint);
      process.exitCode = code;
      setTimeout(() => process.exit(code), 2000).unref();
    });
}
