// A server under test in its own process (forked by the benchmark and the soak): the mock or the floor
// on 127.0.0.1. Once listening it says {url}; then it answers how many long-polls are waiting (so that
// a round starts only when every watcher is parked), its heap (after a full GC when asked and started
// with --expose-gc), and its CPU time.
//
// Arguments: mock|floor [MOCK_CONFIG_JSON]
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { startMockServer } from '../../mock-server/index.js';
import { answerQuestions } from './child-process.js';
import { createFloorServer } from './floor-server.js';

export interface ServerHello {
  url: string;
}

export interface ServerAnswer {
  waiting: number;
  heapUsed: number;
  rss: number;
  cpuMs: number;
  /** Answer to {takeWakes: true}: per PUT since {timeWakes: true}, milliseconds from the end of its
   * body to the end of that turn of the event loop, in which the server answers it and every long-poll
   * it wakes (both servers write them synchronously): the server's own share of a fan-out, without the
   * client's. */
  wakesMs?: number[];
}

/** Times every PUT from the end of its body to the end of the event-loop turn that handles it
 * (microtasks included), while switched on: a second 'request' listener costs every request (Node's
 * emit copies its listener array), so it is there only around a fan-out's change. */
class WakeTimer {
  private readonly wakes: number[] = [];
  private readonly onRequest = (req: IncomingMessage): void => {
    if (req.method !== 'PUT') return;
    req.prependListener('end', () => {
      const t0 = performance.now();
      setImmediate(() => this.wakes.push(performance.now() - t0));
    });
  };

  constructor(private readonly server: Server) {}

  start(): void {
    this.wakes.length = 0;
    this.server.on('request', this.onRequest);
  }

  /** Stops timing and hands over what was timed. */
  take(): number[] {
    this.server.off('request', this.onRequest);
    return this.wakes.splice(0);
  }
}

// Watchers sit idle between rounds for longer than the mock's 5 s keep-alive timeout.
const KEEP_ALIVE_MS = 600_000;

function post(session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
}

/** Profile samples every 100 µs (V8's default is 1 ms): one fan-out round lasts tens of milliseconds. */
const SAMPLING_INTERVAL_US = 100;

async function main(): Promise<void> {
  const [kind, configJson] = process.argv.slice(2);
  let url: string;
  let waiting: () => number;
  let server: Server;
  if (kind === 'mock') {
    const mock = await startMockServer({ config: JSON.parse(configJson ?? '{}') as object });
    mock.server.keepAliveTimeout = KEEP_ALIVE_MS;
    url = mock.url;
    server = mock.server;
    waiting = () => mock.homeserver.notifier.waiting();
  } else if (kind === 'floor') {
    const floor = createFloorServer();
    floor.server.keepAliveTimeout = KEEP_ALIVE_MS;
    floor.server.requestTimeout = 0;
    await new Promise<void>((r) => floor.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(floor.server.address() as AddressInfo).port}`;
    waiting = floor.held;
    server = floor.server;
  } else {
    throw new Error(`server-process: unknown kind ${JSON.stringify(kind)} (mock or floor)`);
  }
  const wakeTimer = new WakeTimer(server);
  const hello: ServerHello = { url };
  const profiler = new Session();
  answerQuestions(hello, async (q): Promise<ServerAnswer | Record<string, never>> => {
    // {profile: 'start'} / {profile: FILE}: a CPU profile of what happens in between (the measured
    // rounds only, not the set-up), written to FILE (Chrome DevTools' .cpuprofile format).
    if (q.profile === 'start') {
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
      await post(profiler, 'Profiler.start');
      return {};
    }
    if (typeof q.profile === 'string') {
      const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: unknown };
      profiler.disconnect();
      writeFileSync(q.profile, JSON.stringify(profile));
      return {};
    }
    if (q.timeWakes === true) {
      wakeTimer.start();
      return {};
    }
    // {gc: true}: collect first, so heapUsed is what is live (needs --expose-gc).
    if (q.gc === true) (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    const answer: ServerAnswer = { waiting: waiting(), heapUsed: m.heapUsed, rss: m.rss, cpuMs: (c.user + c.system) / 1000 };
    if (q.takeWakes === true) answer.wakesMs = wakeTimer.take();
    return answer;
  });
}

await main();
