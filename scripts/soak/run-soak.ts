// The soak: thousands of long-polling watchers and a stream of presence changes from many users for a
// fixed time, against the mock in a process of its own (started with --expose-gc). Afterwards:
//   - no lost update: every watcher's last seen state (presence, status_msg) of every co-member equals
//     that member's final state, which is both what the member last set successfully and what GET says;
//   - no failed request, except PUTs refused by the configured rate limit (429 M_LIMIT_EXCEEDED);
//   - memory returns near its baseline once the watchers are gone (no per-sync or per-event history).
// Loopback only; bounded in time (duration, a settle period, a hard deadline) and in requests.
import { performance } from 'node:perf_hooks';
import { MatrixHttp, inBatches, presencePath, syncPath, type MatrixUser } from '../clients/matrix-http.js';
import { openConnections, RawHttpConnection } from '../../cli/bench/raw-http.js';
import { Child } from '../../cli/bench/child-process.js';
import { processEntry } from '../bench/entries.js';
import type { ServerAnswer, ServerHello } from '../../cli/bench/server-process.js';
import { percentile } from '../../cli/bench/stats.js';

export interface SoakOptions {
  watchers: number;
  changers: number;
  rooms: number;
  durationMs: number;
  /** All changers together, per second. */
  changesPerSecond: number;
  /** Upper bound on the PUTs sent. */
  maxChanges: number;
  /** The `timeout` of the watchers' /sync long-polls. */
  longPollMs: number;
  /** The mock's PUT rate limit (per user). */
  rateLimit: { per_second: number; burst: number };
  /** Parallel connections the changers' PUTs go through (each changer always uses the same one). */
  changerConnections: number;
  /** Deliberate faults of the mock (mock-server/faults.ts), to show that the checks can fail. */
  faults?: string[];
}

export const DEFAULT_SOAK: SoakOptions = {
  watchers: 2000,
  changers: 200,
  rooms: 20,
  durationMs: 30_000,
  changesPerSecond: 100,
  maxChanges: 100_000,
  longPollMs: 5_000,
  rateLimit: { per_second: 1, burst: 2 },
  changerConnections: 16,
};

export interface SoakReport {
  options: SoakOptions;
  elapsedMs: number;
  puts: { sent: number; ok: number; rateLimited: number; failed: number };
  syncs: { ok: number; failed: number; presenceEvents: number };
  /** Time from sending a PUT to a watcher receiving the change it made. */
  deliveryMs: { p50: number; p99: number; max: number; samples: number };
  /** Watcher x co-member pairs whose last seen state differs from the member's final state. */
  lostUpdates: number;
  /** Members whose GET at the end differs from what they last set successfully. */
  serverDisagrees: number;
  /** First few failures, for the report. */
  failures: string[];
  heapMiB: { baseline: number; peak: number; after: number };
  rssMiB: { baseline: number; after: number };
}

interface State {
  presence: string;
  status_msg: string | null;
}

const OFFLINE: State = { presence: 'offline', status_msg: null };
const PRESENCE_VALUES = ['online', 'unavailable', 'offline'];

const same = (a: State, b: State) => a.presence === b.presence && a.status_msg === b.status_msg;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Watcher {
  user: MatrixUser;
  room: number;
  conn: RawHttpConnection;
  since: string;
  seen: Map<string, State>;
}

export async function runSoak(o: SoakOptions, log: (line: string) => void = () => undefined): Promise<SoakReport> {
  const started = performance.now();
  const failures: string[] = [];
  const fail = (what: string) => void (failures.length < 20 && failures.push(what));
  // Timers beyond the run, so that the final state is what the changers set, not what a timeout made.
  const quiet = o.durationMs + 120_000;
  const config = {
    faults: o.faults ?? [],
    rate_limit: { enabled: true, ...o.rateLimit },
    presence: { idle_timeout: quiet, sync_online_timeout: quiet, last_active_granularity: 60_000 },
  };
  const server = await Child.start<ServerHello>(processEntry('server-process', false), ['mock', JSON.stringify(config)], { nodeFlags: ['--expose-gc'] });
  const http = new MatrixHttp(server.hello.url);
  const port = Number(new URL(server.hello.url).port);
  const watchers: Watcher[] = [];
  const changerConns: RawHttpConnection[] = [];
  try {
    // ---- set-up: rooms, each with its share of changers and watchers -------------------------------
    log(`soak: setting up ${o.changers} changers and ${o.watchers} watchers in ${o.rooms} rooms`);
    const changers = await http.registerMany('soak_c', o.changers);
    const watcherUsers = await http.registerMany('soak_w', o.watchers);
    const rooms = await inBatches(o.rooms, 8, (r) => http.createRoom(changers[r % o.changers]!));
    const roomOfChanger = (i: number) => i % o.rooms;
    await inBatches(o.changers, 32, (i) => http.join(rooms[roomOfChanger(i)]!, changers[i]!));
    await inBatches(o.watchers, 32, (i) => http.join(rooms[i % o.rooms]!, watcherUsers[i]!));
    const changersIn = rooms.map((_, r) => changers.filter((_, i) => roomOfChanger(i) === r));

    const conns = await openConnections(port, o.watchers);
    for (let i = 0; i < o.watchers; i++) {
      watchers.push({ user: watcherUsers[i]!, room: i % o.rooms, conn: conns[i]!, since: '', seen: new Map() });
    }
    const sendTimes = new Map<string, number>();
    const deliveries: number[] = [];
    const syncs = { ok: 0, failed: 0, presenceEvents: 0 };

    /** One /sync of a watcher; records what it saw. False when it failed. */
    const syncOnce = async (w: Watcher, timeout: number): Promise<boolean> => {
      let r;
      try {
        r = await w.conn.request('GET', syncPath(w.since || undefined, timeout), { Authorization: `Bearer ${w.user.token}` });
      } catch (err) {
        syncs.failed++;
        fail(`sync of ${w.user.userId}: ${(err as Error).message}`);
        return false;
      }
      if (r.status !== 200) {
        syncs.failed++;
        fail(`sync of ${w.user.userId}: ${r.status} ${r.body.slice(0, 120)}`);
        return false;
      }
      const body = JSON.parse(r.body) as {
        next_batch: string;
        presence?: { events?: { sender: string; content: { presence: string; status_msg?: string } }[] };
      };
      w.since = body.next_batch;
      syncs.ok++;
      for (const e of body.presence?.events ?? []) {
        syncs.presenceEvents++;
        w.seen.set(e.sender, { presence: e.content.presence, status_msg: e.content.status_msg ?? null });
        const sent = e.content.status_msg === undefined ? undefined : sendTimes.get(e.content.status_msg);
        if (sent !== undefined) deliveries.push(r.arrivedAt - sent);
      }
      return true;
    };

    // Initial syncs: each watcher's starting view (everyone offline) and its first since token.
    await inBatches(watchers.length, 64, (i) => syncOnce(watchers[i]!, 0));
    const baseline = await server.ask<ServerAnswer>({ gc: true });
    log(`soak: baseline heap ${(baseline.heapUsed / 2 ** 20).toFixed(1)} MiB; running for ${o.durationMs} ms`);

    // ---- the run ---------------------------------------------------------------------------------
    let settleAfter = Infinity;
    let peakHeap = baseline.heapUsed;
    const watching = watchers.map(async (w) => {
      for (;;) {
        const startedAt = performance.now();
        if (!(await syncOnce(w, o.longPollMs))) return;
        // A long-poll that started after the last change has ended: this watcher is up to date.
        if (startedAt > settleAfter) return;
      }
    });

    for (let i = 0; i < o.changerConnections; i++) changerConns.push(new RawHttpConnection(port));
    await Promise.all(changerConns.map((c) => c.connected));
    const final = new Map<string, State>();
    const puts = { sent: 0, ok: 0, rateLimited: 0, failed: 0 };
    let seq = 0;
    const end = performance.now() + o.durationMs;
    const interval = (1000 * o.changerConnections) / o.changesPerSecond;
    const changing = changerConns.map(async (conn, k) => {
      const mine = changers.filter((_, i) => i % o.changerConnections === k);
      if (mine.length === 0) return;
      let next = performance.now();
      while (performance.now() < end && puts.sent < o.maxChanges) {
        const who = mine[Math.floor(Math.random() * mine.length)]!;
        const presence = PRESENCE_VALUES[Math.floor(Math.random() * PRESENCE_VALUES.length)]!;
        // Now and then no status_msg: a PUT without it clears it (Synapse set_state).
        const statusMsg = Math.random() < 0.2 ? undefined : `soak-${++seq}`;
        const body: Record<string, string> = { presence };
        if (statusMsg) body.status_msg = statusMsg;
        puts.sent++;
        if (statusMsg) sendTimes.set(statusMsg, performance.now());
        let r;
        try {
          r = await conn.request('PUT', presencePath(who.userId), { Authorization: `Bearer ${who.token}` }, JSON.stringify(body));
        } catch (err) {
          puts.failed++;
          fail(`PUT of ${who.userId}: ${(err as Error).message}`);
          return;
        }
        if (r.status === 200) {
          puts.ok++;
          final.set(who.userId, { presence, status_msg: statusMsg ?? null });
        } else if (r.status === 429 && r.body.includes('M_LIMIT_EXCEEDED')) {
          puts.rateLimited++;
        } else {
          puts.failed++;
          fail(`PUT of ${who.userId}: ${r.status} ${r.body.slice(0, 120)}`);
        }
        next += interval;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
      }
    });
    const sampler = setInterval(() => {
      server.ask<ServerAnswer>({}).then(
        (a) => (peakHeap = Math.max(peakHeap, a.heapUsed)),
        () => undefined,
      );
    }, 500);
    await Promise.all(changing);
    settleAfter = performance.now();
    log(`soak: ${puts.sent} PUTs sent; settling (one more long-poll per watcher)`);
    // Bounded: every watcher's last long-poll ends within its timeout.
    await Promise.race([Promise.all(watching), sleep(o.longPollMs * 2 + 10_000)]);
    clearInterval(sampler);

    // ---- the checks --------------------------------------------------------------------------------
    let lostUpdates = 0;
    for (const w of watchers) {
      for (const c of changersIn[w.room]!) {
        const want = final.get(c.userId) ?? OFFLINE;
        const got = w.seen.get(c.userId) ?? OFFLINE;
        if (!same(want, got)) {
          lostUpdates++;
          fail(`${w.user.userId} last saw ${c.userId} as ${JSON.stringify(got)}, final ${JSON.stringify(want)}`);
        }
      }
    }
    let serverDisagrees = 0;
    await inBatches(changers.length, 16, async (i) => {
      const c = changers[i]!;
      const r = await http.call('GET', presencePath(c.userId), undefined, c.token);
      const j = r.json as { presence: string; status_msg?: string };
      const want = final.get(c.userId) ?? OFFLINE;
      if (r.status !== 200 || !same(want, { presence: j.presence, status_msg: j.status_msg ?? null })) {
        serverDisagrees++;
        fail(`GET ${c.userId}: ${r.status} ${JSON.stringify(r.json)}, last set ${JSON.stringify(want)}`);
      }
    });

    // Memory once the watchers are gone (the server forgets closed long-polls).
    for (const w of watchers) w.conn.close();
    for (const c of changerConns) c.close();
    http.close();
    await sleep(500);
    const after = await server.ask<ServerAnswer>({ gc: true });
    const mib = (x: number) => x / 2 ** 20;
    return {
      options: o,
      elapsedMs: performance.now() - started,
      puts,
      syncs,
      deliveryMs: { p50: percentile(deliveries, 50), p99: percentile(deliveries, 99), max: percentile(deliveries, 100), samples: deliveries.length },
      lostUpdates,
      serverDisagrees,
      failures,
      heapMiB: { baseline: mib(baseline.heapUsed), peak: mib(peakHeap), after: mib(after.heapUsed) },
      rssMiB: { baseline: mib(baseline.rss), after: mib(after.rss) },
    };
  } finally {
    for (const w of watchers) w.conn.close();
    for (const c of changerConns) c.close();
    http.close();
    await server.stop();
  }
}

/** Whether the heap came back near its baseline: within 10 % or 8 MiB, whichever is larger. */
export function heapReturned(r: SoakReport): boolean {
  return r.heapMiB.after - r.heapMiB.baseline <= Math.max(8, r.heapMiB.baseline * 0.1);
}

export function soakPassed(r: SoakReport): boolean {
  return r.lostUpdates === 0 && r.serverDisagrees === 0 && r.puts.failed === 0 && r.syncs.failed === 0 && heapReturned(r);
}
