// The floor: a bare node:http server doing only the jobs the benchmark measures, with the mock's JSON
// shapes and headers, so that every figure of the mock is read as a ratio to what Node itself costs on
// this machine for the same answers.
// - PUT presence: reads and parses the JSON body, keeps it in a Map under the path's user, answers {}
//   and, when long-polls are held, answers each of them with one /sync body built once for the change
//   (the least any server must do per watcher: write it);
// - GET presence: the kept state of the path's user (or an online user), serialised;
// - GET /sync with `since`: held until the next PUT or its `timeout`; without `since`: answered at once.
// No auth, no validation, no routing beyond the method and the path's first segments.
import { createServer, type ServerResponse, type Server } from 'node:http';
import { CORS_HEADERS } from '../../mock-server/index.js';

// The same response headers as the mock: the spec recommends the CORS headers on every response
// (Client-Server API, "Web Browser Clients"), so a server answering like the mock writes them too.
const CORS = Object.entries(CORS_HEADERS).flat();
const JSON_HEADERS = (length: number) => [...CORS, 'Content-Type', 'application/json', 'Content-Length', String(length)];
const ONLINE = { presence: 'online', last_active_ago: 0, currently_active: true };

interface Held {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

function syncBody(position: number, events: unknown[]): string {
  return JSON.stringify({
    next_batch: `s${position}`,
    presence: { events },
    account_data: { events: [] },
    to_device: { events: [] },
    device_lists: { changed: [], left: [] },
    device_one_time_keys_count: {},
    rooms: { join: {}, invite: {}, leave: {}, knock: {} },
  });
}

export function createFloorServer(): { server: Server; held(): number } {
  const held = new Set<Held>();
  const states = new Map<string, unknown>();
  const userOf = (url: string) => /\/presence\/([^/]+)\/status/.exec(url)?.[1] ?? '';
  let position = 1;

  const answer = (res: ServerResponse, body: string): void => {
    res.writeHead(200, JSON_HEADERS(Buffer.byteLength(body)));
    res.end(body);
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url.includes('/sync')) {
      req.resume();
      if (!url.includes('since=')) return answer(res, syncBody(position, []));
      const timeout = Number(/[?&]timeout=(\d+)/.exec(url)?.[1] ?? 0);
      const h: Held = {
        res,
        timer: setTimeout(() => {
          held.delete(h);
          answer(res, syncBody(position, []));
        }, timeout),
      };
      held.add(h);
      res.once('close', () => {
        clearTimeout(h.timer);
        held.delete(h);
      });
      return;
    }
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const user = userOf(url);
        const { presence, status_msg } = JSON.parse(Buffer.concat(chunks).toString()) as { presence: string; status_msg?: string };
        states.set(user, { presence, status_msg, last_active_ago: 0, currently_active: presence === 'online' });
        answer(res, '{}');
        if (held.size === 0) return;
        const sender = decodeURIComponent(user);
        const body = syncBody(++position, [{ type: 'm.presence', sender, content: { presence, last_active_ago: 0, currently_active: presence === 'online' } }]);
        for (const h of held) {
          clearTimeout(h.timer);
          answer(h.res, body);
        }
        held.clear();
      });
      return;
    }
    req.resume();
    answer(res, JSON.stringify(states.get(userOf(url)) ?? ONLINE));
  });
  return { server, held: () => held.size };
}
