// A tiny programmable homeserver on loopback for the runner's tests: registration (with the
// user-interactive auth round trip), rooms, /sync with queued presence events, and per-route overrides
// so a test can make any endpoint misbehave.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => boolean | void;

export interface FakeHomeserver {
  url: string;
  seen: SeenRequest[];
  /**
   * Presence events handed out by the next incremental /sync (one with `since`) of any user, then
   * cleared; an initial sync carries none, as the texts allow.
   */
  presenceQueue: unknown[];
  override(handler: Handler): void;
  close(): Promise<void>;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
  return true;
}

export async function startFakeHomeserver(options: { offerDummy?: boolean; sharedSecret?: string } = {}): Promise<FakeHomeserver> {
  const seen: SeenRequest[] = [];
  const overrides: Handler[] = [];
  let users = 0;
  let batch = 0;
  const fake: FakeHomeserver = {
    url: '',
    seen,
    presenceQueue: [],
    override: (h) => overrides.push(h),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: SeenRequest = {
        method: req.method ?? '',
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(r);
      for (const h of overrides) if (h(r, res)) return;
      const body = r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
      if (r.path === '/_matrix/client/versions') return json(res, 200, { versions: ['v1.19'] });
      if (r.path === '/_matrix/client/v3/register' && r.method === 'POST') {
        const auth = body.auth as { type?: string; session?: string } | undefined;
        if (!auth)
          return json(res, 401, { session: 'sess1', flows: [{ stages: [options.offerDummy === false ? 'm.login.recaptcha' : 'm.login.dummy'] }], params: {} });
        if (auth.type !== 'm.login.dummy' || auth.session !== 'sess1') return json(res, 400, { errcode: 'M_BAD_JSON' });
        users += 1;
        return json(res, 200, { user_id: `@${String(body.username)}:fake`, access_token: `tok-${users}`, device_id: 'D' });
      }
      if (r.path === '/_synapse/admin/v1/register') {
        if (r.method === 'GET') return json(res, 200, { nonce: 'n1' });
        const mac = createHmac('sha1', options.sharedSecret ?? '')
          .update(`n1\0${String(body.username)}\0${String(body.password)}\0notadmin`)
          .digest('hex');
        if (mac !== body.mac) return json(res, 403, { errcode: 'M_FORBIDDEN', error: 'HMAC incorrect' });
        users += 1;
        return json(res, 200, { user_id: `@${String(body.username)}:fake`, access_token: `tok-${users}` });
      }
      if (r.path === '/_matrix/client/v3/createRoom') return json(res, 200, { room_id: '!room:fake' });
      if (r.path.startsWith('/_matrix/client/v3/join/')) return json(res, 200, { room_id: '!room:fake' });
      if (r.path === '/_matrix/client/v3/sync') {
        batch += 1;
        const events = r.query.get('since') === null ? [] : fake.presenceQueue.splice(0);
        return json(res, 200, { next_batch: `b${batch}`, presence: { events } });
      }
      if (r.path.startsWith('/_matrix/client/v3/presence/')) {
        if (r.method === 'PUT') return json(res, 200, {});
        return json(res, 200, { presence: 'online', last_active_ago: 10 });
      }
      return json(res, 404, { errcode: 'M_UNRECOGNIZED' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
