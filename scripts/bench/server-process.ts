// A server under test in its own process (forked by the benchmark and the soak): the mock or the floor
// on 127.0.0.1. Once listening it says {url}; then it answers how many long-polls are waiting (so that
// a round starts only when every watcher is parked), its heap (after a full GC when asked and started
// with --expose-gc), and its CPU time.
//
// Arguments: mock|floor [MOCK_CONFIG_JSON]
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
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
}

// Watchers sit idle between rounds for longer than the mock's 5 s keep-alive timeout.
const KEEP_ALIVE_MS = 600_000;

function post(session: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result))));
}

async function main(): Promise<void> {
  const [kind, configJson] = process.argv.slice(2);
  let url: string;
  let waiting: () => number;
  if (kind === 'mock') {
    const mock = await startMockServer({ config: JSON.parse(configJson ?? '{}') as object });
    mock.server.keepAliveTimeout = KEEP_ALIVE_MS;
    url = mock.url;
    waiting = () => mock.homeserver.notifier.waiting();
  } else if (kind === 'floor') {
    const floor = createFloorServer();
    floor.server.keepAliveTimeout = KEEP_ALIVE_MS;
    floor.server.requestTimeout = 0;
    await new Promise<void>((r) => floor.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(floor.server.address() as AddressInfo).port}`;
    waiting = floor.held;
  } else {
    throw new Error(`server-process: unknown kind ${JSON.stringify(kind)} (mock or floor)`);
  }
  const hello: ServerHello = { url };
  const profiler = new Session();
  answerQuestions(hello, async (q): Promise<ServerAnswer | Record<string, never>> => {
    // {profile: 'start'} / {profile: FILE}: a CPU profile of what happens in between (the measured
    // rounds only, not the set-up), written to FILE (Chrome DevTools' .cpuprofile format).
    if (q.profile === 'start') {
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.start');
      return {};
    }
    if (typeof q.profile === 'string') {
      const { profile } = (await post(profiler, 'Profiler.stop')) as { profile: unknown };
      profiler.disconnect();
      writeFileSync(q.profile, JSON.stringify(profile));
      return {};
    }
    // {gc: true}: collect first, so heapUsed is what is live (needs --expose-gc).
    if (q.gc === true) (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    return { waiting: waiting(), heapUsed: m.heapUsed, rss: m.rss, cpuMs: (c.user + c.system) / 1000 };
  });
}

await main();
