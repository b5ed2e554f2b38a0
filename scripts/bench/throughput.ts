// GET and PUT presence throughput with wrk, the mock beside the floor answering the same JSON, in
// alternating rounds (floor, mock, mock, floor, ...), so that the machine's drift hits both alike. The
// ratio is the median of the per-pair ratios.
import { MatrixHttp, presencePath } from '../clients/matrix-http.js';
import { runWrk, wrkCommand, type WrkResult } from './wrk.js';
import type { Child } from '../../cli/bench/child-process.js';
import type { MeasureHooks } from '../../cli/bench/fan-out.js';
import type { ServerAnswer } from '../../cli/bench/server-process.js';
import { median, pairedMedian } from '../../cli/bench/stats.js';

export const WRK_THREADS = 2;
export const WRK_CONNECTIONS = 32;
export const PUT_BODY = JSON.stringify({ presence: 'online', status_msg: 'benchmark' });

export interface ThroughputTarget {
  name: string;
  url: string;
  /** False for the floor: it needs no user. */
  homeserver: boolean;
  /** The server's process, to read its CPU time (not for Synapse). */
  server?: Child;
}

export interface ThroughputFigures {
  /** Median requests per second over the rounds. */
  perSecond: number;
  rounds: number[];
  /** Server CPU time per request of each round, in microseconds. */
  cpuRounds: number[];
  /** Median server CPU time per request, in microseconds (NaN without a server process). */
  cpuUsPerRequest: number;
  non2xx: number;
  socketErrors: number;
}

interface Prepared {
  target: ThroughputTarget;
  path: string;
  headers: Record<string, string>;
}

/** The user whose presence is read and written: on a homeserver a new one; on the floor any id. Both
 * start online with the status message, so that a GET answers the same JSON from both. */
async function prepare(t: ThroughputTarget, tag: string): Promise<Prepared> {
  const http = new MatrixHttp(t.url);
  try {
    const user = t.homeserver ? await http.register(`${tag}_tp`) : { userId: '@tp:floor', token: 'floor' };
    const put = await http.putPresence(user, 'online', 'benchmark');
    if (put.status !== 200) throw new Error(`${t.name}: PUT presence answered ${put.status}`);
    return { target: t, path: presencePath(user.userId), headers: t.homeserver ? { Authorization: `Bearer ${user.token}` } : {} };
  } finally {
    http.close();
  }
}

export function describeWrk(method: 'GET' | 'PUT', seconds: number): string {
  const args = wrkCommand({ url: 'URL', seconds, threads: WRK_THREADS, connections: WRK_CONNECTIONS, putBody: method === 'PUT' ? PUT_BODY : undefined });
  return `wrk ${args.map((a) => (a.includes('/') && a !== 'URL' ? 'put.lua' : a)).join(' ')}`;
}

export async function measureThroughput(
  targets: ThroughputTarget[],
  method: 'GET' | 'PUT',
  rounds: number,
  seconds: number,
  tag: string,
  hooks: MeasureHooks = {},
): Promise<Map<string, ThroughputFigures>> {
  const prepared = await Promise.all(targets.map((t) => prepare(t, `${tag}_${method.toLowerCase()}_${t.name}`)));
  const run = (p: Prepared, s: number): Promise<WrkResult> =>
    runWrk({
      url: `${p.target.url}${p.path}`,
      seconds: s,
      threads: WRK_THREADS,
      connections: WRK_CONNECTIONS,
      headers: p.headers,
      putBody: method === 'PUT' ? PUT_BODY : undefined,
    });
  for (const p of prepared) await run(p, 1); // warm-up (JIT, connection set-up)
  const results = new Map<string, (WrkResult & { cpuUs: number })[]>(prepared.map((p) => [p.target.name, []]));
  const cpuMs = async (p: Prepared) => (p.target.server ? (await p.target.server.ask<ServerAnswer>({})).cpuMs : NaN);
  await hooks.measuring?.();
  const measure = async (p: Prepared) => {
    const before = await cpuMs(p);
    const w = await run(p, seconds);
    results.get(p.target.name)!.push({ ...w, cpuUs: (((await cpuMs(p)) - before) * 1000) / w.requests });
  };
  for (let r = 0; r < rounds; r++) {
    for (const p of r % 2 === 0 ? prepared : [...prepared].reverse()) await measure(p);
  }
  await hooks.measured?.();
  return new Map(
    [...results].map(([name, rs]) => [
      name,
      figures(
        rs.map((x) => x.requestsPerSec),
        rs.map((x) => x.cpuUs),
        rs.reduce((a, x) => a + x.non2xx, 0),
        rs.reduce((a, x) => a + x.socketErrors, 0),
      ),
    ]),
  );
}

function figures(rounds: number[], cpuRounds: number[], non2xx: number, socketErrors: number): ThroughputFigures {
  return { perSecond: median(rounds), rounds, cpuRounds, cpuUsPerRequest: median(cpuRounds), non2xx, socketErrors };
}

/** The figures of several runs as one: their rounds in order (so that the i-th rounds of two servers
 * measured side by side stay paired), medians over all of them. */
export function mergeThroughput(runs: ThroughputFigures[]): ThroughputFigures {
  return figures(
    runs.flatMap((r) => r.rounds),
    runs.flatMap((r) => r.cpuRounds),
    runs.reduce((a, r) => a + r.non2xx, 0),
    runs.reduce((a, r) => a + r.socketErrors, 0),
  );
}

/** The median over rounds of a/b in requests per second, pairing the i-th round of each (run next to
 * each other). */
export function pairedRatio(a: ThroughputFigures, b: ThroughputFigures): number {
  return pairedMedian(a.rounds, b.rounds);
}

/** The median over paired rounds of b's CPU per request over a's (a costing more gives less than 1):
 * the drift of a shared machine between rounds cancels within each pair. */
export function pairedCpuRatio(a: ThroughputFigures, b: ThroughputFigures): number {
  return pairedMedian(b.cpuRounds, a.cpuRounds);
}
