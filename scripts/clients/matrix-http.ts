// The few Client-Server API calls that benchmarks and the soak need to set up users and rooms, over
// Node's http client with keep-alive (set-up is not measured).
import { Agent, request } from 'node:http';
import { CLIENT_V3, presencePath, syncPath } from '../../cli/bench/matrix-paths.js';

export { CLIENT_V3, presencePath, syncPath };

export interface HttpResult {
  status: number;
  json: unknown;
}

export interface MatrixUser {
  userId: string;
  token: string;
}

export class MatrixHttp {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly base: string) {}

  call(method: string, path: string, body?: unknown, token?: string): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = {};
      if (data !== undefined) headers['Content-Type'] = 'application/json';
      if (token) headers.Authorization = `Bearer ${token}`;
      const req = request(`${this.base}${path}`, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      });
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  /** `call`, throwing unless the status is 200. */
  async ok(method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
    const r = await this.call(method, path, body, token);
    if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json as Record<string, unknown>;
  }

  /** Registers with m.login.dummy (open registration: the mock, or Synapse from `npm run synapse`). */
  async register(username: string): Promise<MatrixUser> {
    const j = await this.ok('POST', `${CLIENT_V3}/register`, { username, password: 'bench-pw', auth: { type: 'm.login.dummy' } });
    return { userId: j.user_id as string, token: j.access_token as string };
  }

  /** Registers `n` users named `${prefix}${i}`, `concurrency` at a time. */
  async registerMany(prefix: string, n: number, concurrency = 32): Promise<MatrixUser[]> {
    return inBatches(n, concurrency, (i) => this.register(`${prefix}${i}`));
  }

  async createRoom(creator: MatrixUser): Promise<string> {
    const j = await this.ok('POST', `${CLIENT_V3}/createRoom`, { preset: 'public_chat' }, creator.token);
    return j.room_id as string;
  }

  async join(roomId: string, user: MatrixUser): Promise<void> {
    await this.ok('POST', `${CLIENT_V3}/rooms/${encodeURIComponent(roomId)}/join`, {}, user.token);
  }

  /** A sync that never changes the user's own presence; returns the parsed body. */
  async sync(user: MatrixUser, since: string | undefined, timeout = 0): Promise<Record<string, unknown>> {
    return this.ok('GET', syncPath(since, timeout), undefined, user.token);
  }

  putPresence(user: MatrixUser, presence: string, statusMsg?: string): Promise<HttpResult> {
    const body: Record<string, string> = { presence };
    if (statusMsg !== undefined) body.status_msg = statusMsg;
    return this.call('PUT', presencePath(user.userId), body, user.token);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i < n with at most `concurrency` at once; results in order. */
export async function inBatches<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}
