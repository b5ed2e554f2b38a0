// Starts the reference mock for a run without --homeserver, configured from the target profile exactly
// as `mock --target FILE` would be (mockConfigFromTarget), on 127.0.0.1 and a free port.
//
// The mock runs in a worker thread: if a mock defect ever blocks its event loop (an endless loop), the
// runner's own timers still fire, the cases end as `timeout`, and the worker is terminated, so a run
// always ends in bounded time. The configuration is checked here first, so a bad one is a clear
// configuration error (exit 2) rather than a worker crash.
import { Worker } from 'node:worker_threads';
import type { TargetProfile } from '../load/load-target.js';
import type { Clock } from '../../project/clock.js';
import { ConfigError } from '../../project/errors.js';

export interface EmbeddedMock {
  url: string;
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2_000;

function startWorker(config: unknown): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from source under tsx: the worker has to register tsx itself before loading TypeScript.
    const file = new URL('./embedded-mock-worker.ts', here).href;
    const code = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(file)}))`;
    return new Worker(code, { eval: true, workerData: config });
  }
  return new Worker(new URL('./embedded-mock-worker.js', here), { workerData: config });
}

/**
 * `worker` (the default) isolates the mock as described above; `in-process` starts it in this thread,
 * which saves the worker's start-up (about a second under tsx) where a hard outer time limit exists.
 */
export type MockIsolation = 'worker' | 'in-process';

/** Faults and variants switched on in addition to the profile's `mock` section. */
export interface MockExtras {
  faults?: string[];
  variants?: string[];
}

/** How to run it: in a worker thread or in this one on the wall clock, or in this one on a shared clock. */
export type MockPlacement = { isolation?: MockIsolation; clock?: undefined } | { clock: Clock };

export async function startEmbeddedMock(profile: TargetProfile, extra: MockExtras = {}, placement: MockPlacement = {}): Promise<EmbeddedMock> {
  const mock = await import('../../mock-server/index.js');
  const input = mock.mockConfigFromTarget({
    ...profile,
    mock: {
      ...profile.mock,
      faults: [...new Set([...profile.mock.faults, ...(extra.faults ?? [])])],
      variants: [...new Set([...profile.mock.variants, ...(extra.variants ?? [])])],
    },
  });
  const config = mock.resolveConfig(input, `${profile.source} (embedded mock)`);
  // A shared clock needs the mock in this thread (a virtual clock moves only when both sides are idle).
  if (placement.clock || placement.isolation === 'in-process') {
    const server = await mock.startMockServer({ config, host: '127.0.0.1', port: 0, ...(placement.clock ? { clock: placement.clock } : {}) });
    return { url: server.url, close: () => server.close() };
  }
  const worker = startWorker(config);
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', (err) => reject(new Error(`the embedded mock failed to start: ${err.message}`)));
    worker.once('message', (m: { url?: string; error?: string }) => {
      if (m.url) resolve(m.url);
      else reject(new ConfigError(`the embedded mock failed to start: ${m.error ?? 'no address'}`));
    });
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (m: { closed?: boolean }) => m.closed && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('close');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
