// The HTTP side of one case: sends requests to the target, retries 429s when the case allows it, and
// keeps the transcript that the report shows for cases that did not pass.
import { realClock, type Clock } from '../../project/clock.js';
import { sendWithRetry, type HttpResponse } from './http-client.js';
import type { Exchange } from '../../project/report.js';

export interface CallOptions {
  token?: string;
  /** Send the token as ?access_token= (deprecated by the spec, still a capability). */
  tokenInQuery?: boolean;
  query?: Record<string, string | number | boolean>;
  json?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Overrides the per-request timeout (a /sync long-poll needs its poll time on top). */
  timeoutMs?: number;
  /** false inside rate-limit cases and bursts, where the 429 is what is being tested. */
  retry429?: boolean;
}

const TRANSCRIPT_BODY_LIMIT = 4000;

function clip(text: string): string {
  return text.length > TRANSCRIPT_BODY_LIMIT ? `${text.slice(0, TRANSCRIPT_BODY_LIMIT)}... (${text.length} chars)` : text;
}

/** Tokens belong to throwaway users, but reports travel: show only their first characters. */
function redact(value: string): string {
  return value.replace(/(Bearer\s+|access_token=)([^&\s]{6})[^&\s]*/g, '$1$2…');
}

export class HomeserverClient {
  readonly transcript: Exchange[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly requestTimeout: number,
    private readonly deadline: number,
    private readonly signal: AbortSignal,
    private readonly retry429ByDefault: boolean,
    /** The early API: every request carries the token in its query string. */
    private readonly tokenInQueryByDefault = false,
    private readonly clock: Clock = realClock,
  ) {}

  async call(step: string, method: string, path: string, options: CallOptions = {}): Promise<HttpResponse> {
    const url = new URL(this.baseUrl.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.append(k, String(v));
    const tokenInQuery = options.tokenInQuery ?? this.tokenInQueryByDefault;
    if (options.token !== undefined && tokenInQuery) url.searchParams.append('access_token', options.token);
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
    if (options.token !== undefined && !tokenInQuery) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const request = { method, url: url.toString(), headers, body };
    const exchange: Exchange = {
      step,
      request: {
        method,
        url: redact(request.url),
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, redact(v)])),
        ...(body === undefined ? {} : { body: clip(body) }),
      },
      duration_ms: 0,
    };
    this.transcript.push(exchange);
    const started = this.clock.now();
    try {
      const response = await sendWithRetry(request, {
        timeoutMs: options.timeoutMs ?? this.requestTimeout,
        deadline: this.deadline,
        retry429: options.retry429 ?? this.retry429ByDefault,
        signal: this.signal,
        clock: this.clock,
        onRetry: (_response, delay) => {
          exchange.error = `429 retried after ${delay}ms`;
        },
      });
      exchange.response = { status: response.status, headers: response.headers, body: clip(response.text) };
      return response;
    } catch (err) {
      exchange.error = (err as Error).message;
      throw err;
    } finally {
      exchange.duration_ms = this.clock.now() - started;
    }
  }
}
