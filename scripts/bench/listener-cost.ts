// The servers' own code per request, hot: the mock's request listener and the floor's, each driven in a
// loop by in-memory stand-ins for the request and the response (no sockets, no HTTP parser, no writev),
// so what is timed is the code that differs between the two, without the noise of a shared machine.
// It shows where a change to the mock's request path helps before the throughput rounds can; it is
// not the throughput figure (a server in service runs this code cold between system calls, which costs
// it a few times more: docs/benchmarks.md).
//
// Arguments: none. Says ListenerFigures as its hello.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createMockApp } from '../../mock-server/app.js';
import { presencePath } from '../clients/matrix-http.js';
import { answerQuestions } from '../../cli/bench/child-process.js';
import { createFloorServer } from '../../cli/bench/floor-server.js';
import { PUT_BODY } from './throughput.js';

export interface ListenerFigures {
  /** Nanoseconds per request, the best of several batches taken in turn with the other server. */
  getMockNs: number;
  getFloorNs: number;
  putMockNs: number;
  putFloorNs: number;
}

/** As much of IncomingMessage as the two listeners use: the body arrives through 'data' and 'end'. */
class FakeRequest {
  private readonly handlers = new Map<string, (arg?: unknown) => void>();
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
  ) {}

  on(event: string, fn: (arg?: unknown) => void): this {
    this.handlers.set(event, fn);
    return this;
  }

  once(event: string, fn: (arg?: unknown) => void): this {
    return this.on(event, fn);
  }

  resume(): this {
    return this;
  }

  send(body: Buffer): void {
    this.handlers.get('data')?.(body);
    this.handlers.get('end')?.();
  }
}

/** As much of ServerResponse as the two listeners use. */
class FakeResponse {
  headersSent = false;
  destroyed = false;
  writableEnded = false;
  status = 0;
  text = '';

  writeHead(status: number): this {
    this.status = status;
    this.headersSent = true;
    return this;
  }

  end(text: string): this {
    this.text = text;
    this.writableEnded = true;
    return this;
  }

  once(): this {
    return this;
  }
}

const USER = '@tp:localhost';
const TOKEN = 'listener_cost_token';
const URL_PATH = presencePath(USER);
const BODY = Buffer.from(PUT_BODY);
const HEADERS = { host: '127.0.0.1', authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(BODY.length) };

function request(listener: RequestListener, method: 'GET' | 'PUT'): FakeResponse {
  const req = new FakeRequest(method, URL_PATH, HEADERS);
  const res = new FakeResponse();
  listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  if (method === 'PUT') req.send(BODY);
  return res;
}

/** Nanoseconds per request of each listener: the best of `batches` batches of `perBatch` requests, the
 * listeners taking turns batch by batch (so that a busy moment of the machine hits both). */
function cost(listeners: RequestListener[], method: 'GET' | 'PUT', batches = 12, perBatch = 100_000): number[] {
  for (const listener of listeners) {
    const first = request(listener, method);
    if (first.status !== 200) throw new Error(`listener-cost: ${method} answered ${first.status} ${first.text}`);
  }
  const best = listeners.map(() => Infinity);
  for (let b = 0; b < batches; b++) {
    listeners.forEach((listener, i) => {
      const t0 = process.hrtime.bigint();
      for (let n = 0; n < perBatch; n++) request(listener, method);
      best[i] = Math.min(best[i]!, Number(process.hrtime.bigint() - t0) / perBatch);
    });
  }
  return best;
}

const mock = createMockApp({ rate_limit: { enabled: false } });
mock.homeserver.accounts.addStatic('tp', TOKEN, 'LISTENERCOST');
const floor = createFloorServer().server.listeners('request')[0] as RequestListener;
const [putMockNs, putFloorNs] = cost([mock, floor], 'PUT') as [number, number];
const [getMockNs, getFloorNs] = cost([mock, floor], 'GET') as [number, number];
const figures: ListenerFigures = { getMockNs, getFloorNs, putMockNs, putFloorNs };
mock.homeserver.stop();
answerQuestions(figures, () => ({}));
