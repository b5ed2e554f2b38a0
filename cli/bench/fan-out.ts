// Fan-out: how long one presence change takes to reach N long-polling watchers, each a raw keep-alive
// socket in a client process of its own. Watchers share rooms of at most 100 members with the sender
// (so the sender is in N/100 rooms) and sync with set_presence=offline; rounds of the mock and the floor
// alternate, so that drift of the shared machine hits both alike. `npm run bench` and `bench` share it.
import { Child, benchEntry } from './child-process.js';
import { presencePath } from './matrix-paths.js';
import type { ServerAnswer } from './server-process.js';
import type { FireAnswer, WatcherSpec } from './watcher-process.js';
import { median, pairedMedian, percentile } from './stats.js';

export const ROOM_SIZE = 100;

/** The sender and the watchers of a fan-out, made on the target before the rounds. */
export interface Population {
  sender: { userId: string; token: string };
  watchers: WatcherSpec[];
}

export interface FanOutTarget {
  name: string;
  url: string;
  /** The server's own count of parked long-polls; without it (a real server) a pause of settleMs. */
  server?: Child;
  /** Makes the sender and n watchers in rooms of ROOM_SIZE; none for the floor (anything goes). */
  populate?: (n: number, tag: string) => Promise<Population>;
  /** The client API prefix (default /_matrix/client/v3). */
  api?: string;
  /** Without `server`: how long to wait after arming for the long-polls to be parked (default 2 s + n ms). */
  settleMs?: (n: number) => number;
}

/** How rounds are run: all optional, with `npm run bench`'s behaviour as the default. */
export interface FanOutOptions {
  hooks?: MeasureHooks;
  /** Ends the rounds early (Ctrl-C): what was counted so far is kept. */
  signal?: AbortSignal;
  /** At most this many warm-up rounds (default: warmUpRounds(n), which can be hundreds at 10 watchers). */
  maxWarmUpRounds?: number;
  /** How long a change may take to reach a watcher before it counts as lost (default 30 s). */
  deadlineMs?: number;
  /** Called after each round: r from -warm-up to rounds - 1. */
  onRound?: (r: number, rounds: number) => void;
}

/** Called around the counted rounds (after set-up and warm-up): the benchmark profiles there. */
export interface MeasureHooks {
  measuring?: () => Promise<void>;
  measured?: () => Promise<void>;
}

/** One round: the first arrival, p50 and p99 of the arrivals, and the server's own time (ms). */
export interface RoundFigures {
  first: number;
  p50: number;
  p99: number;
  serverMs: number;
}

export interface FanOutFigures {
  watchers: number;
  rounds: number;
  deliveries: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  /** Of `lost`, those in warm-up rounds (a cold server's first changes). */
  lostInWarmUp: number;
  /** The losses of each round in order, warm-up rounds first (runs one after the other). */
  lostByRound: number[];
  failed: number;
  extraPolls: number;
  /** The watcher client's CPU time over the wall time of the counted rounds: near 1, the client (one
   * Node process on one core) and not the server was the bottleneck. */
  clientCpuShare: number;
  perRound: RoundFigures[];
  /** Median over the rounds of the first arrival: what the change costs before any watcher has it. */
  first: number;
  /** Median over the rounds of the server's own time for the change: from the end of the PUT's body to
   * the end of the event-loop turn that wrote every woken response (NaN without a server process). */
  serverMs: number;
}

/** The median over rounds of a/b for p50 and p99, pairing the i-th rounds (run next to each other), so
 * that the shared machine's drift between rounds cancels. */
export function pairedFanOutRatios(a: FanOutFigures, b: FanOutFigures): { p50: number; p99: number; serverMs: number } {
  const paired = (f: (r: RoundFigures) => number) => pairedMedian(a.perRound.map(f), b.perRound.map(f));
  return { p50: paired((r) => r.p50), p99: paired((r) => r.p99), serverMs: paired((r) => r.serverMs) };
}

/** What one run of counted rounds gave for one target: several runs (fresh server processes) pool. */
export interface FanOutRun {
  latencies: number[];
  /** Figures of each counted round, for ratios between rounds run next to each other. */
  perRound: RoundFigures[];
  lost: number;
  lostInWarmUp: number;
  /** The losses of every round in order, warm-up rounds first: whether they cluster after set-up. */
  lostByRound: number[];
  failed: number;
  extraPolls: number;
  clientCpuMs: number;
  wallMs: number;
}

interface Prepared extends FanOutRun {
  target: FanOutTarget;
  client: Child;
  sender: Population['sender'];
}

/** The floor's population: any user, any token. */
function floorPopulation(n: number): Population {
  return { sender: { userId: '@fan_sender:floor', token: 'floor' }, watchers: Array.from({ length: n }, () => ({ token: 'floor', since: 's1' })) };
}

/** The host and port of a loopback URL, as the raw client connects to them. */
export function hostPort(url: string): [port: string, host: string] {
  const u = new URL(url);
  return [u.port || '80', u.hostname.replace(/^\[|\]$/g, '')];
}

async function prepare(target: FanOutTarget, n: number, tag: string, clientEntry: string): Promise<Prepared> {
  const { sender, watchers } = target.populate ? await target.populate(n, tag) : floorPopulation(n);
  const client = await Child.start(clientEntry, [...hostPort(target.url), ...(target.api ? [target.api] : [])]);
  await client.ask({ cmd: 'open', watchers });
  return {
    target,
    client,
    sender,
    latencies: [],
    perRound: [],
    lost: 0,
    lostInWarmUp: 0,
    lostByRound: [],
    failed: 0,
    extraPolls: 0,
    clientCpuMs: 0,
    wallMs: 0,
  };
}

async function parked(target: FanOutTarget, n: number): Promise<void> {
  if (!target.server) {
    await new Promise((r) => setTimeout(r, target.settleMs?.(n) ?? 2_000 + n));
    return;
  }
  const deadline = Date.now() + 60_000;
  while ((await target.server.ask<ServerAnswer>({})).waiting < n) {
    if (Date.now() > deadline) throw new Error(`${target.name}: fewer than ${n} long-polls parked after 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function round(p: Prepared, n: number, presence: string, counted: boolean, deadlineMs: number): Promise<void> {
  await p.client.ask({ cmd: 'arm' });
  await parked(p.target, n);
  await p.target.server?.ask({ timeWakes: true });
  const a = await p.client.ask<FireAnswer>(
    {
      cmd: 'fire',
      putPath: presencePath(p.sender.userId, p.target.api),
      putToken: p.sender.token,
      sender: p.sender.userId,
      presence,
      deadlineMs,
    },
    deadlineMs + 30_000,
  );
  if (a.putStatus !== 200) throw new Error(`${p.target.name}: the sender's PUT answered ${a.putStatus}`);
  const wakes = p.target.server ? ((await p.target.server.ask<ServerAnswer>({ takeWakes: true })).wakesMs ?? []) : [];
  // Nothing may be lost in any round, warm-up rounds included.
  p.lost += a.lost;
  p.lostByRound.push(a.lost);
  p.failed += a.failed;
  if (!counted) {
    p.lostInWarmUp += a.lost;
    return;
  }
  for (const l of a.latencies) p.latencies.push(l);
  // One PUT per round: the sender's (none timed without a server process: Synapse).
  p.perRound.push({
    first: percentile(a.latencies, 0),
    p50: percentile(a.latencies, 50),
    p99: percentile(a.latencies, 99),
    serverMs: wakes.length === 1 ? wakes[0]! : NaN,
  });
  p.extraPolls += a.extraPolls;
  p.clientCpuMs += a.clientCpuMs;
  p.wallMs += a.wallMs;
}

/** Rounds not counted, for each target, before the counted ones: at least five, and enough for every
 * process (the server and its watcher client, both fresh for each pair) to have handled WARM_UP_WAKES
 * woken polls. A server in service is warm: its hot paths compiled by V8's optimising compiler. From
 * cold, the mock's per-watcher loops ran 5-10x slower for their first changes, while the floor's path
 * is mostly Node's own HTTP code; at 100 watchers, fresh processes after five rounds answered in twice
 * the time they took after fifty, mock and floor alike; at 1,000, the mock's p50 still fell by a tenth
 * between five and twenty rounds. Counted before that, rounds measure V8's compiler, not the server. */
export function warmUpRounds(n: number): number {
  return Math.max(5, Math.ceil(WARM_UP_WAKES / n));
}

const WARM_UP_WAKES = 10_000;

/** warmUpRounds(n) rounds per target, then `rounds` counted rounds, alternating between the targets. */
export async function measureFanOut(
  targets: FanOutTarget[],
  n: number,
  rounds: number,
  tag: string,
  options: FanOutOptions = {},
): Promise<Map<string, FanOutFigures>> {
  const runs = await runFanOut(targets, n, rounds, tag, options);
  return new Map([...runs].map(([name, run]) => [name, fanOutFigures(n, [run])]));
}

/**
 * measureFanOut's rounds, with what they gave unpooled (see fanOutFigures). `clientEntry` is the watcher
 * client's file (compiled for `npm run bench`).
 */
export async function runFanOut(
  targets: FanOutTarget[],
  n: number,
  rounds: number,
  tag: string,
  options: FanOutOptions = {},
  clientEntry = benchEntry('watcher-process'),
): Promise<Map<string, FanOutRun>> {
  const prepared: Prepared[] = [];
  const warmUp = Math.min(warmUpRounds(n), options.maxWarmUpRounds ?? Number.POSITIVE_INFINITY);
  try {
    for (const t of targets) prepared.push(await prepare(t, n, `${tag}_${t.name}`, clientEntry));
    for (let r = -warmUp; r < rounds && !options.signal?.aborted; r++) {
      if (r === 0) await options.hooks?.measuring?.();
      // Each change flips the sender between unavailable and online, so each one is a real change.
      const presence = r % 2 === 0 ? 'online' : 'unavailable';
      for (const p of r % 2 === 0 ? prepared : [...prepared].reverse()) await round(p, n, presence, r >= 0, options.deadlineMs ?? 30_000);
      options.onRound?.(r, rounds);
    }
    await options.hooks?.measured?.();
  } finally {
    for (const p of prepared) {
      await p.client.ask({ cmd: 'close' }).catch(() => undefined);
      await p.client.stop();
    }
  }
  return new Map(
    prepared.map(({ target, latencies, perRound, lost, lostInWarmUp, lostByRound, failed, extraPolls, clientCpuMs, wallMs }) => [
      target.name,
      { latencies, perRound, lost, lostInWarmUp, lostByRound, failed, extraPolls, clientCpuMs, wallMs },
    ]),
  );
}

/** The figures of one target over one or more runs: percentiles over every delivery of every run, the
 * rounds in order (so that rounds of two targets run side by side stay paired), losses summed. */
export function fanOutFigures(n: number, runs: FanOutRun[]): FanOutFigures {
  const latencies = runs.flatMap((r) => r.latencies);
  const perRound = runs.flatMap((r) => r.perRound);
  const sum = (f: (r: FanOutRun) => number) => runs.reduce((a, r) => a + f(r), 0);
  return {
    watchers: n,
    rounds: perRound.length,
    deliveries: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    lost: sum((r) => r.lost),
    lostInWarmUp: sum((r) => r.lostInWarmUp),
    lostByRound: runs.flatMap((r) => r.lostByRound),
    failed: sum((r) => r.failed),
    extraPolls: sum((r) => r.extraPolls),
    clientCpuShare: sum((r) => r.clientCpuMs) / sum((r) => r.wallMs),
    perRound,
    first: median(perRound.map((r) => r.first)),
    serverMs: median(perRound.map((r) => r.serverMs).filter(Number.isFinite)),
  };
}
