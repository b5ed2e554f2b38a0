// `bench --homeserver URL`: the presence figures of a running server, measured with the method of
// `npm run bench` (docs/benchmarks.md) but against a server this tool did not start: users and rooms
// made as a run makes them (from the target profile), watchers on raw keep-alive sockets in a client
// process of their own, warm-up rounds, then counted rounds. With compareMock, the mock and the floor
// run beside it as fresh processes of their own, in the same rounds and with the same client, so that
// the server's figures read as ratios to the floor (absolute times hold on one machine only).
// Every loop is bounded in count and time; a signal ends the measuring early, keeping what was measured.
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchProvisioner, TargetProfile } from '../../runner/index.js';
import { Child, benchEntry } from './child-process.js';
import { fanOutFigures, hostPort, pairedFanOutRatios, ROOM_SIZE, runFanOut, type FanOutFigures, type FanOutTarget, type Population } from './fan-out.js';
import type { LoadAnswer, LoadQuestion } from './load-loop.js';
import { presencePath } from './matrix-paths.js';
import type { ServerHello } from './server-process.js';
import { median, pairedMedian } from './stats.js';
import { measureTimerDelivery, type TimerFigures } from './timer-delivery.js';

export interface BenchSettings {
  watchers: number[];
  /** Counted fan-out rounds per watcher count. */
  rounds: number;
  /** At most this many warm-up rounds per watcher count (fewer when 10,000 woken polls come sooner). */
  warmUpRounds: number;
  /** After arming, the pause for the long-polls to be parked on a server that cannot say (ms; default 500 + 2 per watcher). */
  settleMs?: number;
  throughput: boolean;
  connections: number;
  throughputSeconds: number;
  throughputRounds: number;
  timers: boolean;
  compareMock: boolean;
}

export const DEFAULT_SETTINGS: BenchSettings = {
  watchers: [10, 100, 1000],
  rounds: 10,
  warmUpRounds: 20,
  throughput: true,
  connections: 32,
  throughputSeconds: 2,
  throughputRounds: 3,
  timers: false,
  compareMock: false,
};

/** One target's fan-out figures without the per-round detail. */
export type FanOutSummary = Omit<FanOutFigures, 'perRound'>;

export interface FanOutResult {
  watchers: number;
  server: FanOutSummary;
  mock?: FanOutSummary;
  floor?: FanOutSummary;
  /** Median over paired rounds of server/floor and mock/floor, p50 and p99. */
  serverToFloor?: { p50: number; p99: number };
  mockToFloor?: { p50: number; p99: number };
}

export interface ThroughputFigures {
  /** 2xx answers per second, median over the rounds. */
  perSecond: number;
  rounds: number[];
  ok: number;
  rateLimited: number;
  otherStatus: number;
  failedConnections: number;
  /** The load client's CPU time over the wall time (1 = one core busy: the client is the bottleneck). */
  clientCpuShare: number;
}

export interface ThroughputResult {
  method: 'GET' | 'PUT';
  server: ThroughputFigures;
  mock?: ThroughputFigures;
  floor?: ThroughputFigures;
  serverToFloor?: number;
  mockToFloor?: number;
}

export interface BenchReport {
  tool: string;
  started: string;
  finished: string;
  /** Ended early (Ctrl-C): the figures are those measured so far. */
  interrupted: boolean;
  machine: { cpu: string; cores: number; memGiB: number; node: string; loadStart: number[]; loadEnd: number[] };
  homeserver: string;
  profile: { name: string; source: string; spec_version: string; release: string };
  /** The PUT rate limit the profile declares (per user), or null: none declared. */
  rateLimit: { per_second: number; burst: number } | null;
  settings: BenchSettings;
  fanOut: FanOutResult[];
  throughput: ThroughputResult[];
  timers?: TimerFigures[];
  /** Why a part was not measured (a failure, or the interruption). */
  notes: string[];
  /** What stopped the measuring before its end, other than Ctrl-C. */
  error?: string;
}

export interface BenchContext {
  provisioner: BenchProvisioner;
  /** The mock's profile, to make the compared mock's users the same way. */
  mockProvisioner?: (url: string) => BenchProvisioner;
  profile: TargetProfile;
  signal?: AbortSignal;
  progress?: (text: string) => void;
  tool: string;
}

const PUT_BODY = JSON.stringify({ presence: 'online', status_msg: 'benchmark' });

function latencyRatios(a: FanOutFigures, b: FanOutFigures): { p50: number; p99: number } {
  const { p50, p99 } = pairedFanOutRatios(a, b);
  return { p50, p99 };
}

function summary(f: FanOutFigures): FanOutSummary {
  const { perRound: _perRound, ...rest } = f;
  return rest;
}

/** A fresh mock (rate limit off, as in `npm run bench`) and floor, each in a process of its own. */
async function startCompared(): Promise<{ mock: Child<ServerHello>; floor: Child<ServerHello> }> {
  const mock = await Child.start<ServerHello>(benchEntry('server-process'), ['mock', JSON.stringify({ rate_limit: { enabled: false } })]);
  const floor = await Child.start<ServerHello>(benchEntry('server-process'), ['floor']).catch(async (err: unknown) => {
    await mock.stop();
    throw err;
  });
  return { mock, floor };
}

function populateWith(p: BenchProvisioner): (n: number, tag: string) => Promise<Population> {
  return async (n, tag) => {
    const pop = await p.population(tag, n, ROOM_SIZE);
    return {
      sender: { userId: pop.sender.user_id, token: pop.sender.access_token },
      watchers: pop.members.map((m) => ({ token: m.access_token, since: pop.since })),
    };
  };
}

/** The users a throughput round writes and reads: one per connection, each set online first. */
async function throughputRequests(
  p: BenchProvisioner | undefined,
  url: string,
  connections: number,
  tag: string,
  method: 'GET' | 'PUT',
): Promise<LoadQuestion['requests']> {
  if (!p)
    return Array.from({ length: connections }, (_, i) => ({
      path: presencePath(`@tp${i}:floor`),
      token: 'floor',
      ...(method === 'PUT' ? { body: PUT_BODY } : {}),
    }));
  const users = await p.users(tag, connections);
  for (const u of users) {
    const r = await fetch(`${url}${presencePath(u.user_id, p.dialect.api)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${u.access_token}`, 'Content-Type': 'application/json' },
      body: PUT_BODY,
      signal: AbortSignal.timeout(30_000),
    });
    await r.arrayBuffer();
  }
  return users.map((u) => ({ path: presencePath(u.user_id, p.dialect.api), token: u.access_token, ...(method === 'PUT' ? { body: PUT_BODY } : {}) }));
}

function throughputFigures(answers: LoadAnswer[]): ThroughputFigures {
  const sum = (f: (a: LoadAnswer) => number) => answers.reduce((x, a) => x + f(a), 0);
  return {
    perSecond: median(answers.map((a) => a.perSecond)),
    rounds: answers.map((a) => a.perSecond),
    ok: sum((a) => a.ok),
    rateLimited: sum((a) => a.rateLimited),
    otherStatus: sum((a) => a.otherStatus),
    failedConnections: sum((a) => a.failedConnections),
    clientCpuShare: sum((a) => a.clientCpuMs) / (sum((a) => a.seconds) * 1000),
  };
}

export async function benchHomeserver(settings: BenchSettings, ctx: BenchContext): Promise<BenchReport> {
  const report: BenchReport = {
    tool: ctx.tool,
    started: new Date().toISOString(),
    finished: '',
    interrupted: false,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memGiB: totalmem() / 2 ** 30,
      node: process.version,
      loadStart: loadavg(),
      loadEnd: [],
    },
    homeserver: ctx.provisioner.homeserver,
    profile: { name: ctx.profile.name, source: ctx.profile.source, spec_version: ctx.profile.spec_version, release: ctx.profile.release },
    rateLimit: ctx.profile.rate_limit ? { per_second: ctx.profile.rate_limit.per_second, burst: ctx.profile.rate_limit.burst } : null,
    settings,
    fanOut: [],
    throughput: [],
    notes: [],
  };
  const aborted = () => ctx.signal?.aborted === true;
  const tag = `bench${Date.now().toString(36)}`;
  const server = ctx.provisioner;
  await server.reach();
  const compared = settings.compareMock ? await startCompared() : undefined;
  const mockProvisioner = compared && ctx.mockProvisioner?.(compared.mock.hello.url);
  try {
    for (const n of settings.watchers) {
      if (aborted()) break;
      ctx.progress?.(`fan-out to ${n} watchers: making ${n} users in rooms of ${ROOM_SIZE} ...`);
      const targets: FanOutTarget[] = [
        {
          name: 'server',
          url: server.homeserver,
          populate: populateWith(server),
          api: server.dialect.api,
          settleMs: (k) => settings.settleMs ?? 500 + 2 * k,
        },
      ];
      if (compared && mockProvisioner) {
        targets.push({ name: 'mock', url: compared.mock.hello.url, server: compared.mock, populate: populateWith(mockProvisioner) });
        targets.push({ name: 'floor', url: compared.floor.hello.url, server: compared.floor });
      }
      const runs = await runFanOut(targets, n, settings.rounds, `${tag}_${n}_`, {
        signal: ctx.signal,
        maxWarmUpRounds: settings.warmUpRounds,
        deadlineMs: Math.max(1_000, ctx.profile.timers.delivery_deadline),
        onRound: (r, rounds) => ctx.progress?.(`fan-out to ${n} watchers: ${r < 0 ? `warm-up round, ${-r - 1} to go` : `round ${r + 1} of ${rounds}`}`),
      });
      const figures = (name: string) => fanOutFigures(n, [runs.get(name)!]);
      const s = figures('server');
      const result: FanOutResult = { watchers: n, server: summary(s) };
      if (compared) {
        const m = figures('mock');
        const f = figures('floor');
        Object.assign(result, { mock: summary(m), floor: summary(f), serverToFloor: latencyRatios(s, f), mockToFloor: latencyRatios(m, f) });
      }
      // Rounds cut short by the interruption are not counted; a size with none is left out.
      if (s.rounds > 0) report.fanOut.push(result);
    }

    if (settings.throughput && !aborted()) {
      const client = await Child.start(benchEntry('watcher-process'), hostPort(server.homeserver));
      const others = compared
        ? await Promise.all([compared.mock, compared.floor].map((c) => Child.start(benchEntry('watcher-process'), hostPort(c.hello.url))))
        : [];
      try {
        for (const method of ['GET', 'PUT'] as const) {
          if (aborted()) break;
          ctx.progress?.(`throughput: ${method} presence, ${settings.connections} connections ...`);
          const targets = [
            { name: 'server', client, requests: await throughputRequests(server, server.homeserver, settings.connections, `${tag}_${method}_s`, method) },
          ];
          if (compared && mockProvisioner) {
            targets.push({
              name: 'mock',
              client: others[0]!,
              requests: await throughputRequests(mockProvisioner, compared.mock.hello.url, settings.connections, `${tag}_${method}_m`, method),
            });
            targets.push({
              name: 'floor',
              client: others[1]!,
              requests: await throughputRequests(undefined, compared.floor.hello.url, settings.connections, '', method),
            });
          }
          const answers = new Map<string, LoadAnswer[]>(targets.map((t) => [t.name, []]));
          const load = (t: (typeof targets)[number], seconds: number) =>
            t.client.ask<LoadAnswer>({ cmd: 'load', method, requests: t.requests, seconds, maxPerConnection: 1_000_000 }, seconds * 1000 + 60_000);
          for (const t of targets) await load(t, 1); // warm-up
          for (let r = 0; r < settings.throughputRounds && !aborted(); r++) {
            for (const t of r % 2 === 0 ? targets : [...targets].reverse()) answers.get(t.name)!.push(await load(t, settings.throughputSeconds));
            ctx.progress?.(`throughput: ${method} presence, round ${r + 1} of ${settings.throughputRounds}`);
          }
          if (answers.get('server')!.length === 0) break;
          const fig = (name: string) => throughputFigures(answers.get(name)!);
          const result: ThroughputResult = { method, server: fig('server') };
          if (compared) {
            const [m, f] = [fig('mock'), fig('floor')];
            Object.assign(result, {
              mock: m,
              floor: f,
              serverToFloor: pairedMedian(result.server.rounds, f.rounds),
              mockToFloor: pairedMedian(m.rounds, f.rounds),
            });
          }
          report.throughput.push(result);
        }
      } finally {
        for (const c of [client, ...others]) await c.stop();
      }
    }

    if (settings.timers && !aborted()) {
      const t = ctx.profile.timers;
      ctx.progress?.(`timers: idle ${t.idle_timeout} ms, offline ${t.sync_online_timeout} ms after the last sync ...`);
      const pop = await server.population(`${tag}_timers_`, 1, ROOM_SIZE);
      report.timers = await measureTimerDelivery({
        base: server.homeserver,
        api: server.dialect.api,
        subject: pop.sender,
        watcher: pop.members[0]!,
        since: pop.since,
        idleTimeoutMs: t.idle_timeout,
        syncOnlineTimeoutMs: t.sync_online_timeout,
        deliveryDeadlineMs: t.delivery_deadline,
        signal: ctx.signal,
        progress: ctx.progress,
      });
    }
  } catch (err) {
    // What was measured before stays in the report; an interruption shows as such, not as an error.
    if (!aborted()) report.error = err instanceof Error ? err.message : String(err);
  } finally {
    if (compared) {
      await compared.mock.stop();
      await compared.floor.stop();
    }
    report.interrupted = aborted();
    if (report.interrupted) report.notes.push('interrupted: the figures are those measured before Ctrl-C');
    report.finished = new Date().toISOString();
    report.machine.loadEnd = loadavg();
  }
  return report;
}
