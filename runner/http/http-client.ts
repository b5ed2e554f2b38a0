// One HTTP exchange with a homeserver, bounded in time and size. Everything that can go wrong on the
// wire (refused, reset, hang, garbage) becomes a TransportError with a plain message, which the case
// reports as an `error` verdict, never as a `fail` (INTERPRETING.md).
import { formatDuration } from '../../project/format-duration.js';
import http from 'node:http';
import https from 'node:https';
import { realClock, type Clock } from '../../project/clock.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON; `jsonError` says why not otherwise. */
  json?: unknown;
  jsonError?: string;
  durationMs: number;
}

export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'refused' | 'reset' | 'aborted' | 'protocol' | 'other',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * Connections are kept alive between requests, as real clients do: a run makes thousands of short
 * requests, and a new TCP connection for each was most of a run's work against the embedded mock.
 * There is no limit per host, so a long-poll never waits for a free connection.
 */
const httpKeepAlive = new http.Agent({ keepAlive: true });
const httpsKeepAlive = new https.Agent({ keepAlive: true });

/** Bodies larger than this are cut off: a presence response is small, a runaway one is a defect. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

function describeSocketError(err: NodeJS.ErrnoException, url: string): TransportError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new TransportError('refused', `connection refused by ${new URL(url).host}`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new TransportError('reset', `connection closed by the server before a complete response`);
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return new TransportError('protocol', `the server's answer is not valid HTTP (${err.code})`);
    case 'ENOTFOUND':
      return new TransportError('refused', `cannot resolve host ${new URL(url).hostname}`);
    default:
      return new TransportError('other', `${err.code ?? 'network error'}: ${err.message}`);
  }
}

export function sendRequest(req: HttpRequest, timeoutMs: number, signal?: AbortSignal, clock: Clock = realClock): Promise<HttpResponse> {
  const started = clock.now();
  // The exchange is work the clock waits for (a virtual clock does not move while it is under way).
  clock.hold?.();
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      clock.release?.();
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      clock.release?.();
      reject(new TransportError('other', `invalid URL ${req.url}`));
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    let request: http.ClientRequest;
    const timer = clock.setTimeout(() => {
      finish(() => reject(new TransportError('timeout', `no complete response within ${formatDuration(timeoutMs)} (${req.method} ${url.pathname})`)));
      request.destroy();
    }, timeoutMs);
    const onAbort = () => {
      finish(() => reject(new TransportError('aborted', 'the request was cut short by the case deadline')));
      request.destroy();
    };
    const send = (agent: http.Agent | false): void => {
      request = lib.request(url, { method: req.method, headers, agent });
      request.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed while it was idle fails at once with ECONNRESET
        // before the server saw anything of the request: send it again on a connection of its own.
        if (!settled && agent !== false && request.reusedSocket && err.code === 'ECONNRESET') send(false);
        else finish(() => reject(describeSocketError(err, req.url)));
      });
      request.on('response', (response) => receive(response, request));
      if (req.body !== undefined) request.write(req.body);
      request.end();
    };
    const receive = (response: http.IncomingMessage, from: http.ClientRequest): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish(() => reject(new TransportError('protocol', `response body exceeds ${MAX_BODY_BYTES} bytes`)));
          from.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (err: NodeJS.ErrnoException) => finish(() => reject(describeSocketError(err, req.url))));
      response.on('aborted', () => finish(() => reject(new TransportError('reset', 'connection closed in the middle of the response body'))));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        const result: HttpResponse = { status: response.statusCode ?? 0, headers: flat, text, durationMs: clock.now() - started };
        if (text.length === 0) result.jsonError = 'the body is empty';
        else {
          try {
            result.json = JSON.parse(text) as unknown;
          } catch (err) {
            result.jsonError = `the body is not JSON (${(err as Error).message}): ${JSON.stringify(text.slice(0, 80))}`;
          }
        }
        finish(() => resolve(result));
      });
    };
    if (signal?.aborted) {
      finish(() => reject(new TransportError('aborted', 'the request was cut short by the case deadline')));
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    send(url.protocol === 'https:' ? httpsKeepAlive : httpKeepAlive);
  });
}

/** Sleeps, waking early (with a rejection) if the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new TransportError('aborted', 'the wait was cut short by the case deadline'));
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(timer);
      reject(new TransportError('aborted', 'the wait was cut short by the case deadline'));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The delay a 429 asks for: `retry_after_ms` in the body (Client-Server API, "Rate limiting") or the
 * Retry-After header in seconds (RFC 9110 10.2.3); 1 s when the server gives neither; never less than
 * MIN_RETRY_DELAY_MS.
 */
export function retryDelayMs(response: HttpResponse): number {
  const body = response.json as { retry_after_ms?: unknown } | undefined;
  if (body && typeof body.retry_after_ms === 'number' && body.retry_after_ms >= 0) return Math.max(MIN_RETRY_DELAY_MS, body.retry_after_ms);
  const raw = response.headers['retry-after']?.trim();
  const header = raw ? Number(raw) : NaN;
  if (Number.isFinite(header) && header >= 0) return Math.max(MIN_RETRY_DELAY_MS, header * 1000);
  return 1000;
}

/** A server that asks for no wait at all must not turn retries into a busy loop against itself. */
export const MIN_RETRY_DELAY_MS = 100;
/** Retries of one request; a server still refusing after that is answered with its 429. */
export const MAX_RETRIES = 20;

export interface RetryOptions {
  timeoutMs: number;
  /** Absolute time (on `clock`) after which no retry starts. */
  deadline: number;
  clock?: Clock;
  retry429: boolean;
  signal?: AbortSignal;
  onRetry?: (response: HttpResponse, delayMs: number) => void;
}

/** Sends, retrying 429 answers after the advertised delay while that fits before the deadline. */
export async function sendWithRetry(req: HttpRequest, options: RetryOptions): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt += 1) {
    const clock = options.clock ?? realClock;
    const response = await sendRequest(req, options.timeoutMs, options.signal, clock);
    if (response.status !== 429 || !options.retry429 || attempt >= MAX_RETRIES) return response;
    const delay = retryDelayMs(response);
    if (clock.now() + delay >= options.deadline) return response;
    options.onRetry?.(response, delay);
    await sleep(delay, options.signal, clock);
  }
}
