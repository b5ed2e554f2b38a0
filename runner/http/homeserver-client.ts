// The HTTP side of one case: sends requests to the target, retries 429s when the case allows it, and
// keeps the transcript that the report shows for cases that did not pass. Every credential that passes
// through (tokens, passwords, nonces, MACs) is learned by the run's Redactor before the exchange is
// recorded, and the transcript holds only redacted text (project/redact.ts).
import { realClock, type Clock } from '../../project/clock.js';
import { sendWithRetry, type HttpResponse } from './http-client.js';
import type { Exchange } from '../../project/report.js';
import { Redactor } from '../../project/redact.js';

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
    private readonly redactor: Redactor = new Redactor(),
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
    const redactor = this.redactor;
    redactor.learnFromText(request.url);
    for (const value of Object.values(headers)) redactor.learnFromText(value);
    redactor.learnFromText(body);
    // Redacted before clipping: a clipped JSON body is no longer JSON, but its keys still are.
    const exchange: Exchange = {
      step,
      request: {
        method,
        url: redactor.text(request.url),
        headers: redactor.value(headers),
        ...(body === undefined ? {} : { body: clip(redactor.text(body)) }),
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
      redactor.learnFrom(response.json);
      exchange.response = { status: response.status, headers: redactor.value(response.headers), body: clip(redactor.text(response.text)) };
      return response;
    } catch (err) {
      exchange.error = redactor.text((err as Error).message);
      throw err;
    } finally {
      exchange.duration_ms = this.clock.now() - started;
    }
  }
}
