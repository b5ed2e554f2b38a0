// Fan-out: how long one presence change takes to reach N long-polling watchers, each a raw keep-alive
// socket in a client process of its own. Watchers share rooms of at most 100 members with the sender
// (so the sender is in N/100 rooms) and sync with set_presence=offline; rounds of the mock and the floor
// alternate, so that drift of the shared machine hits both alike.
import { MatrixHttp, inBatches, presencePath, type MatrixUser } from '../clients/matrix-http.js';
import { Child, processEntry } from './child-process.js';
import type { ServerAnswer } from './server-process.js';
import type { FireAnswer, WatcherSpec } from './watcher-process.js';
import { median, pairedMedian, percentile } from './stats.js';

export const ROOM_SIZE = 100;

export interface FanOutTarget {
  name: string;
  url: string;
  /** The server's own count of parked long-polls; without it (Synapse) a fixed pause. */
  server?: Child;
  /** Whether the target is a homeserver (users and rooms are set up) or the floor (anything goes). */
  homeserver: boolean;
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
  failed: number;
  extraPolls: number;
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
  failed: number;
  extraPolls: number;
}

interface Prepared extends FanOutRun {
  target: FanOutTarget;
  client: Child;
  sender: MatrixUser;
}

async function prepare(target: FanOutTarget, n: number, tag: string): Promise<Prepared> {
  let sender: MatrixUser = { userId: '@fan_sender:floor', token: 'floor' };
  let watchers: WatcherSpec[] = Array.from({ length: n }, () => ({ token: 'floor', since: 's1' }));
  if (target.homeserver) {
    const http = new MatrixHttp(target.url);
    try {
      sender = await http.register(`${tag}_sender`);
      const rooms = await inBatches(Math.ceil(n / ROOM_SIZE), 8, () => http.createRoom(sender));
      const users = await http.registerMany(`${tag}_w`, n);
      await inBatches(n, 32, (i) => http.join(rooms[Math.floor(i / ROOM_SIZE)]!, users[i]!));
      // A user in no room syncs once: its next_batch is a position after every join, for everyone.
      const since = (await http.sync(await http.register(`${tag}_clock`), undefined)).next_batch as string;
      watchers = users.map((u) => ({ token: u.token, since }));
    } finally {
      http.close();
    }
  }
  const client = await Child.start(processEntry('watcher-process', true), [new URL(target.url).port]);
  await client.ask({ cmd: 'open', watchers });
  return { target, client, sender, latencies: [], perRound: [], lost: 0, failed: 0, extraPolls: 0 };
}

async function parked(target: FanOutTarget, n: number): Promise<void> {
  if (!target.server) {
    await new Promise((r) => setTimeout(r, 2_000 + n));
    return;
  }
  const deadline = Date.now() + 60_000;
  while ((await target.server.ask<ServerAnswer>({})).waiting < n) {
    if (Date.now() > deadline) throw new Error(`${target.name}: fewer than ${n} long-polls parked after 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function round(p: Prepared, n: number, presence: string, counted: boolean): Promise<void> {
  await p.client.ask({ cmd: 'arm' });
  await parked(p.target, n);
  await p.target.server?.ask({ timeWakes: true });
  const a = await p.client.ask<FireAnswer>(
    {
      cmd: 'fire',
      putPath: presencePath(p.sender.userId),
      putToken: p.sender.token,
      sender: p.sender.userId,
      presence,
      deadlineMs: 30_000,
    },
    60_000,
  );
  if (a.putStatus !== 200) throw new Error(`${p.target.name}: the sender's PUT answered ${a.putStatus}`);
  const wakes = p.target.server ? ((await p.target.server.ask<ServerAnswer>({ takeWakes: true })).wakesMs ?? []) : [];
  // Nothing may be lost in any round, warm-up rounds included.
  p.lost += a.lost;
  p.failed += a.failed;
  if (!counted) return;
  for (const l of a.latencies) p.latencies.push(l);
  // One PUT per round: the sender's (none timed without a server process: Synapse).
  p.perRound.push({
    first: percentile(a.latencies, 0),
    p50: percentile(a.latencies, 50),
    p99: percentile(a.latencies, 99),
    serverMs: wakes.length === 1 ? wakes[0]! : NaN,
  });
  p.extraPolls += a.extraPolls;
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
  hooks: MeasureHooks = {},
): Promise<Map<string, FanOutFigures>> {
  const runs = await runFanOut(targets, n, rounds, tag, hooks);
  return new Map([...runs].map(([name, run]) => [name, fanOutFigures(n, [run])]));
}

/** measureFanOut's rounds, with what they gave unpooled (see fanOutFigures). */
export async function runFanOut(targets: FanOutTarget[], n: number, rounds: number, tag: string, hooks: MeasureHooks = {}): Promise<Map<string, FanOutRun>> {
  const prepared: Prepared[] = [];
  try {
    for (const t of targets) prepared.push(await prepare(t, n, `${tag}_${t.name}`));
    for (let r = -warmUpRounds(n); r < rounds; r++) {
      if (r === 0) await hooks.measuring?.();
      // Each change flips the sender between unavailable and online, so each one is a real change.
      const presence = r % 2 === 0 ? 'online' : 'unavailable';
      for (const p of r % 2 === 0 ? prepared : [...prepared].reverse()) await round(p, n, presence, r >= 0);
    }
    await hooks.measured?.();
  } finally {
    for (const p of prepared) {
      await p.client.ask({ cmd: 'close' }).catch(() => undefined);
      await p.client.stop();
    }
  }
  return new Map(prepared.map(({ target, latencies, perRound, lost, failed, extraPolls }) => [target.name, { latencies, perRound, lost, failed, extraPolls }]));
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
    failed: sum((r) => r.failed),
    extraPolls: sum((r) => r.extraPolls),
    perRound,
    first: median(perRound.map((r) => r.first)),
    serverMs: median(perRound.map((r) => r.serverMs).filter(Number.isFinite)),
  };
}
