// Throughput for `bench`: a bounded number of keep-alive connections, each sending one request after
// the other for a bounded time and count, in the client process (raw sockets, as the watchers). A 429 is
// respected, not hammered: the connection waits the retry_after_ms the answer gives (1 s when it gives
// none, never past the round's end) and the 429s are counted and reported. Throughput counts 2xx only.
import { performance } from 'node:perf_hooks';
import { openConnections } from './raw-http.js';

export interface LoadQuestion {
  cmd: 'load';
  method: 'GET' | 'PUT';
  /** One per connection: the path, the token, and the body of a PUT. */
  requests: { path: string; token: string; body?: string }[];
  seconds: number;
  /** Requests per connection at most: a bound in count as well as in time. */
  maxPerConnection: number;
}

export interface LoadAnswer {
  ok: number;
  rateLimited: number;
  /** Answers other than 2xx and 429. */
  otherStatus: number;
  /** Connections that closed or failed before the round's end. */
  failedConnections: number;
  /** Wall time of the round, seconds. */
  seconds: number;
  /** 2xx answers per second. */
  perSecond: number;
  /** Time spent waiting out 429s, summed over the connections, ms. */
  retryWaitMs: number;
  clientCpuMs: number;
}

const DEFAULT_RETRY_MS = 1_000;

export async function runLoad(port: number, host: string, q: LoadQuestion): Promise<LoadAnswer> {
  const conns = await openConnections(port, q.requests.length, host);
  const answer: LoadAnswer = { ok: 0, rateLimited: 0, otherStatus: 0, failedConnections: 0, seconds: 0, perSecond: 0, retryWaitMs: 0, clientCpuMs: 0 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + q.seconds * 1000;
  await Promise.all(
    conns.map(async (conn, i) => {
      const r = q.requests[i]!;
      const headers = { Authorization: `Bearer ${r.token}` };
      for (let n = 0; n < q.maxPerConnection && performance.now() < end; n++) {
        let res;
        try {
          res = await conn.request(q.method, r.path, headers, r.body);
        } catch {
          answer.failedConnections++;
          return;
        }
        if (res.status >= 200 && res.status < 300) answer.ok++;
        else if (res.status === 429) {
          answer.rateLimited++;
          const advised = Number(/"retry_after_ms":\s*(\d+)/.exec(res.body)?.[1] ?? DEFAULT_RETRY_MS);
          const wait = Math.max(0, Math.min(advised, end - performance.now()));
          answer.retryWaitMs += wait;
          await new Promise((resolve) => setTimeout(resolve, wait));
        } else answer.otherStatus++;
      }
    }),
  );
  answer.seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  answer.clientCpuMs = (cpu.user + cpu.system) / 1000;
  answer.perSecond = answer.ok / answer.seconds;
  for (const c of conns) c.close();
  return answer;
}
