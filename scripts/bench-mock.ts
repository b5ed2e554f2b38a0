// Benchmark of the reference mock (`npx tsx scripts/bench-mock.ts`):
// 1. GET and PUT presence throughput as a ratio to a bare node:http server answering the same JSON,
//    measured side by side in interleaved rounds (target: at least 0.5);
// 2. the time for one presence change to reach 1,000 long-polling /sync watchers (target: p99 under
//    250 ms).
// The servers run in a child process (this script with --serve) so that the load generator does not
// share their event loop; both servers share that process, and only one is loaded at a time.
// Loopback only, bounded counts and time. Rate limiting is off for the throughput part.
import { spawn } from 'node:child_process';
import { createServer, Agent, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startMockServer } from '../mock-server/index.js';

const ROUNDS = 5;
const ROUND_MS = 700;
const CONCURRENCY = 32;
const WATCHERS = 1000;
const CHANGES = 5;
const v3 = '/_matrix/client/v3';

interface Served {
  mock: string;
  bare: string;
}

// ---- the child: two servers -------------------------------------------------------------------------

async function serve(): Promise<void> {
  const mock = await startMockServer({ config: { rate_limit: { enabled: false } } });
  // The bare server answers what the mock answers for GET (an online user) and PUT ({}), nothing else.
  const getBody = JSON.stringify({ presence: 'online', last_active_ago: 0, currently_active: true });
  const bare = createServer((req, res) => {
    // The server process's CPU time, so the client can normalise throughput by server CPU (see below).
    const cpu = req.url === '/__cpu' ? JSON.stringify(process.cpuUsage()) : undefined;
    const body = cpu ?? (req.method === 'GET' ? getBody : '{}');
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const served: Served = { mock: mock.url, bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}` };
  process.stdout.write(`${JSON.stringify(served)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

// ---- the client -------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** One request; `arrivedAt` is when the response head arrived (before the client parses the body). */
function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: unknown; arrivedAt: number }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const req = request(`${base}${path}`, { method, agent, headers }, (res: IncomingMessage) => {
      const arrivedAt = performance.now();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, arrivedAt });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function register(base: string, name: string): Promise<{ userId: string; token: string }> {
  const r = await call(base, 'POST', `${v3}/register`, { username: name, password: 'pw', auth: { type: 'm.login.dummy' } });
  const j = r.json as { user_id: string; access_token: string };
  if (r.status !== 200) throw new Error(`register ${name}: ${r.status} ${JSON.stringify(r.json)}`);
  return { userId: j.user_id, token: j.access_token };
}

async function serverCpuMs(served: Served): Promise<number> {
  const r = await call(served.bare, 'GET', '/__cpu');
  const { user, system } = r.json as { user: number; system: number };
  return (user + system) / 1000;
}

interface Round {
  /** Requests per wall-clock second. */
  perSecond: number;
  /** Requests per second of server CPU: what the server could serve if the load generator (which
   * shares this machine's cores) were not the bottleneck. */
  perCpuSecond: number;
}

/** One round: CONCURRENCY workers for ROUND_MS. */
async function throughput(served: Served, send: (i: number) => Promise<{ status: number }>): Promise<Round> {
  const cpuBefore = await serverCpuMs(served);
  const end = performance.now() + ROUND_MS;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (performance.now() < end) {
        const r = await send(w);
        if (r.status !== 200) throw new Error(`unexpected status ${r.status}`);
        done++;
      }
    }),
  );
  const wall = (performance.now() - start) / 1000;
  const cpu = ((await serverCpuMs(served)) - cpuBefore) / 1000;
  return { perSecond: done / wall, perCpuSecond: done / cpu };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function throughputPart(served: Served): Promise<boolean> {
  const users = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => register(served.mock, `tp${i}`)));
  const path = (u: { userId: string }) => `${v3}/presence/${encodeURIComponent(u.userId)}/status`;
  const body = { presence: 'online', status_msg: 'benchmark' };
  for (const u of users) await call(served.mock, 'PUT', path(u), body, u.token);
  const kinds = {
    GET: {
      mock: (w: number) => call(served.mock, 'GET', path(users[w]!), undefined, users[w]!.token),
      bare: (w: number) => call(served.bare, 'GET', path(users[w]!), undefined, users[w]!.token),
    },
    PUT: {
      mock: (w: number) => call(served.mock, 'PUT', path(users[w]!), body, users[w]!.token),
      bare: (w: number) => call(served.bare, 'PUT', path(users[w]!), body, users[w]!.token),
    },
  };
  // Warm-up, then interleaved rounds: bare and mock alternate so drift hits both alike.
  for (const k of Object.values(kinds)) {
    await throughput(served, k.bare);
    await throughput(served, k.mock);
  }
  let ok = true;
  for (const [name, k] of Object.entries(kinds)) {
    const bare: Round[] = [];
    const mock: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(await throughput(served, k.bare));
      mock.push(await throughput(served, k.mock));
    }
    const wall = [median(mock.map((x) => x.perSecond)), median(bare.map((x) => x.perSecond))] as const;
    const cpu = [median(mock.map((x) => x.perCpuSecond)), median(bare.map((x) => x.perCpuSecond))] as const;
    // The target is checked on the CPU-normalised ratio: on a small machine the wall-clock ratio
    // drifts towards 1 because the load generator saturates first.
    const ratio = cpu[0] / cpu[1];
    ok &&= ratio >= 0.5;
    console.log(`${name} presence: mock ${wall[0].toFixed(0)} req/s, bare node:http ${wall[1].toFixed(0)} req/s (wall ratio ${(wall[0] / wall[1]).toFixed(2)}); ` +
      `per server CPU-second mock ${cpu[0].toFixed(0)}, bare ${cpu[1].toFixed(0)}: ratio ${ratio.toFixed(2)} (target >= 0.5) ${ratio >= 0.5 ? 'OK' : 'BELOW TARGET'}`);
  }
  return ok;
}

/**
 * A long-polling watcher on its own keep-alive socket, speaking HTTP/1.1 directly: Node's HTTP client
 * costs tens of microseconds per response, and with 1,000 responses arriving at once that client-side
 * cost, not the mock, would dominate the measured latency. The mock always sends Content-Length.
 */
class RawWatcher {
  private socket: Socket;
  private buffer = Buffer.alloc(0);
  private pending?: { resolve: (r: { arrivedAt: number; body: string }) => void; arrivedAt: number };

  constructor(port: number, readonly token: string) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get(path: string): Promise<{ arrivedAt: number; body: string }> {
    return new Promise((resolve) => {
      this.pending = { resolve, arrivedAt: 0 };
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${this.token}\r\n\r\n`);
    });
  }

  private onData(chunk: Buffer): void {
    if (this.pending && this.pending.arrivedAt === 0) this.pending.arrivedAt = performance.now();
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0 || !this.pending) return;
    const head = this.buffer.subarray(0, headEnd).toString();
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < headEnd + 4 + length) return;
    const body = this.buffer.subarray(headEnd + 4, headEnd + 4 + length).toString();
    this.buffer = this.buffer.subarray(headEnd + 4 + length);
    const { resolve, arrivedAt } = this.pending;
    this.pending = undefined;
    resolve({ arrivedAt, body });
  }

  close(): void {
    this.socket.destroy();
  }
}

async function fanOutPart(served: Served): Promise<boolean> {
  const base = served.mock;
  const sender = await register(base, 'fan_sender');
  const created = await call(base, 'POST', `${v3}/createRoom`, { preset: 'public_chat' }, sender.token);
  const roomId = (created.json as { room_id: string }).room_id;
  const watchers: { userId: string; token: string; since: string }[] = [];
  for (let i = 0; i < WATCHERS; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, WATCHERS - i) }, (_, j) => register(base, `fan_w${i + j}`)));
    for (const w of batch) {
      await call(base, 'POST', `${v3}/rooms/${encodeURIComponent(roomId)}/join`, {}, w.token);
      watchers.push({ ...w, since: '' });
    }
  }
  // Everyone catches up (watchers never change presence: set_presence=offline).
  const syncPath = (w: { since: string }, timeout: number) =>
    `${v3}/sync?set_presence=offline&timeout=${timeout}${w.since ? `&since=${w.since}` : ''}`;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < watchers.length; i += 100) {
      await Promise.all(watchers.slice(i, i + 100).map(async (w) => {
        const r = await call(base, 'GET', syncPath(w, 0), undefined, w.token);
        w.since = (r.json as { next_batch: string }).next_batch;
      }));
    }
  }
  const port = Number(new URL(base).port);
  const raw = watchers.map((w) => ({ since: w.since, conn: new RawWatcher(port, w.token) }));
  const latencies: number[] = [];
  const states = ['online', 'unavailable'];
  for (let change = 0; change < CHANGES; change++) {
    let t0 = 0;
    const arrived = raw.map(async (w) => {
      for (;;) {
        const r = await w.conn.get(syncPath(w, 30_000));
        const j = JSON.parse(r.body) as { next_batch: string; presence: { events: { sender: string }[] } };
        w.since = j.next_batch;
        if (j.presence.events.some((e) => e.sender === sender.userId)) return r.arrivedAt - t0;
        if (t0 === 0) continue; // something unrelated woke it before the change: poll again
      }
    });
    // Give the 1,000 long-polls time to reach the server and start waiting.
    await new Promise((r) => setTimeout(r, 1500));
    t0 = performance.now();
    const put = await call(base, 'PUT', `${v3}/presence/${encodeURIComponent(sender.userId)}/status`, { presence: states[change % 2] }, sender.token);
    if (put.status !== 200) throw new Error(`PUT ${put.status}`);
    latencies.push(...(await Promise.all(arrived)));
  }
  for (const w of raw) w.conn.close();
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(`fan-out to ${WATCHERS} long-polling watchers (${CHANGES} changes, ${latencies.length} deliveries): p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (target p99 < 250 ms) ${p99 < 250 ? 'OK' : 'ABOVE TARGET'}`);
  return p99 < 250;
}

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  // BENCH_CPU_PROF=DIR writes a CPU profile of the server process there (for finding hot spots).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', self, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const served = await new Promise<Served>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line) as Served);
    });
    child.on('exit', (code) => reject(new Error(`server process exited ${code}`)));
  });
  const deadline = setTimeout(() => {
    console.error('benchmark: gave up after 120 s');
    child.kill();
    process.exit(1);
  }, 120_000);
  try {
    console.log(`matrix-presence-conformance mock benchmark (node ${process.version}, loopback, ${CONCURRENCY} connections, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms)`);
    const a = await throughputPart(served);
    const b = await fanOutPart(served);
    process.exitCode = a && b ? 0 : 1;
  } finally {
    clearTimeout(deadline);
    child.stdin.end();
    agent.destroy();
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
