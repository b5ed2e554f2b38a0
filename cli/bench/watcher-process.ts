// A client process holding many long-polling /sync watchers on raw keep-alive sockets (a separate
// process from the server, as real clients are). The parent sets them up, arms them (each sends one
// long-poll), then fires: this process sends the presence change itself, so the start time and the
// arrival times are read on one clock, and reports for each watcher how long the change took to reach
// it (first byte of the response that carries it).
//
// It also drives the throughput rounds of `bench` ({cmd: 'load'}, load-loop.ts), and reports its own
// CPU time beside every figure: a client that uses a whole core is the bottleneck, not the server.
//
// Arguments: PORT [HOST] [API]   (HOST default 127.0.0.1, API the client prefix, default /_matrix/client/v3)
import { performance } from 'node:perf_hooks';
import { openConnections, RawHttpConnection } from './raw-http.js';
import { CLIENT_V3, syncPath } from './matrix-paths.js';
import { answerQuestions } from './child-process.js';
import { runLoad, type LoadQuestion } from './load-loop.js';

export interface WatcherSpec {
  token: string;
  since: string;
}

export interface FireQuestion {
  cmd: 'fire';
  putPath: string;
  putToken: string;
  sender: string;
  presence: string;
  deadlineMs: number;
}

export interface FireAnswer {
  putStatus: number;
  /** Milliseconds from just before the PUT was written to the arrival of the change, per watcher. */
  latencies: number[];
  /** Watchers the change did not reach before the deadline. */
  lost: number;
  /** Responses without the change (woken by something else, or the long-poll timed out): polled again. */
  extraPolls: number;
  /** Watchers whose long-poll failed (connection closed, a status other than 200). */
  failed: number;
  /** This process's CPU time (user + system) and the wall time from the PUT to the end of the round. */
  clientCpuMs: number;
  wallMs: number;
}

const LONG_POLL_MS = 120_000;

interface Watcher extends WatcherSpec {
  conn: RawHttpConnection;
  /** Set while armed: what to do with each response. */
  onResponse?: (status: number, body: string, arrivedAt: number) => void;
}

const port = Number(process.argv[2]);
const host = process.argv[3] ?? '127.0.0.1';
const api = process.argv[4] ?? CLIENT_V3;
let watchers: Watcher[] = [];
let trigger: RawHttpConnection | undefined;
let fire: { t0: number; sender: string; presence: string } | undefined;

function poll(w: Watcher): void {
  w.conn.request('GET', syncPath(w.since, LONG_POLL_MS, api), { Authorization: `Bearer ${w.token}` }).then(
    (r) => w.onResponse?.(r.status, r.body, r.arrivedAt),
    () => w.onResponse?.(0, '', 0),
  );
}

let round: { remaining: number; result: FireAnswer; done: () => void } | undefined;

function arm(): void {
  for (const w of watchers) {
    w.onResponse = (status, body, arrivedAt) => {
      if (status !== 200) {
        w.onResponse = undefined;
        if (round) {
          round.result.failed++;
          if (--round.remaining === 0) round.done();
        }
        return;
      }
      // No JSON.parse: the client's cost per response adds to every later watcher's latency.
      const next = /"next_batch":\s*"([^"]+)"/.exec(body);
      if (next) w.since = next[1]!;
      if (fire && round && body.includes(fire.sender) && body.includes(`"${fire.presence}"`)) {
        w.onResponse = undefined;
        round.result.latencies.push(arrivedAt - fire.t0);
        if (--round.remaining === 0) round.done();
        return;
      }
      if (round) round.result.extraPolls++;
      poll(w);
    };
    poll(w);
  }
}

async function handle(q: Record<string, unknown>): Promise<unknown> {
  if (q.cmd === 'open') {
    const specs = q.watchers as WatcherSpec[];
    const conns = await openConnections(port, specs.length, host);
    watchers = specs.map((s, i) => ({ ...s, conn: conns[i]! }));
    trigger = new RawHttpConnection(port, host);
    await trigger.connected;
    return { opened: watchers.length };
  }
  if (q.cmd === 'arm') {
    fire = undefined;
    arm();
    return { armed: watchers.length };
  }
  if (q.cmd === 'fire') {
    const f = q as unknown as FireQuestion;
    const result: FireAnswer = { putStatus: 0, latencies: [], lost: 0, extraPolls: 0, failed: 0, clientCpuMs: 0, wallMs: 0 };
    const cpu0 = process.cpuUsage();
    const finished = new Promise<void>((resolve) => {
      round = { remaining: watchers.length, result, done: resolve };
    });
    fire = { t0: performance.now(), sender: f.sender, presence: f.presence };
    const put = await trigger!.request('PUT', f.putPath, { Authorization: `Bearer ${f.putToken}` }, JSON.stringify({ presence: f.presence }));
    result.putStatus = put.status;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((r) => (timer = setTimeout(r, f.deadlineMs)))]);
    clearTimeout(timer);
    const cpu = process.cpuUsage(cpu0);
    result.clientCpuMs = (cpu.user + cpu.system) / 1000;
    result.wallMs = performance.now() - fire.t0;
    result.lost = round!.remaining;
    round = undefined;
    // A watcher still waiting keeps its long-poll: replace its connection so the next round starts clean.
    const stuck = watchers.filter((w) => w.onResponse !== undefined);
    if (stuck.length) {
      const fresh = await openConnections(port, stuck.length, host);
      stuck.forEach((w, i) => {
        w.onResponse = undefined;
        w.conn.close();
        w.conn = fresh[i]!;
      });
    }
    return result;
  }
  if (q.cmd === 'load') return runLoad(port, host, q as unknown as LoadQuestion);
  if (q.cmd === 'close') {
    for (const w of watchers) w.conn.close();
    trigger?.close();
    watchers = [];
    return {};
  }
  throw new Error(`watcher-process: unknown command ${JSON.stringify(q.cmd)}`);
}

answerQuestions({ ready: true }, handle);
