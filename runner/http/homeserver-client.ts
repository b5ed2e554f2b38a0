// The HTTP side of one case: sends requests to the target, retries 429s when the case allows it, and
// keeps the transcript that the report shows for cases that did not pass. Every credential that passes
// through (tokens, passwords, nonces, MACs) is taught to the case's Redactor as it passes; the case's
// result, transcript included, is redacted once when the case ends (execute-case.ts), since most cases
// pass and keep no transcript at all.
import { formatDuration } from '../../project/format-duration.js';
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
  /** What was sent and received, as it was: only ever shown through redactedTranscript(). */
  private readonly transcript: Exchange[] = [];

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

  /**
   * The transcript as a report shows it: every credential redacted (the case's Redactor knows what passed
   * through), then long bodies clipped; redacted first, so that a clip never leaves half a secret.
   */
  redactedTranscript(from = 0): Exchange[] {
    return this.redactor.value(this.transcript.slice(from)).map((e) => ({
      ...e,
      request: { ...e.request, ...(e.request.body === undefined ? {} : { body: clip(e.request.body) }) },
      ...(e.response ? { response: { ...e.response, body: clip(e.response.body) } } : {}),
    }));
  }

  /** How many exchanges the transcript holds (a mark for redactedTranscript(from)). */
  get exchangeCount(): number {
    return this.transcript.length;
  }

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
    const exchange: Exchange = {
      step,
      request: { method, url: request.url, headers: { ...headers }, ...(body === undefined ? {} : { body }) },
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
          exchange.error = `429 retried after ${formatDuration(delay)}`;
        },
      });
      redactor.learnFrom(response.json);
      exchange.response = { status: response.status, headers: response.headers, body: response.text };
      return response;
    } catch (err) {
      exchange.error = (err as Error).message;
      throw err;
    } finally {
      exchange.duration_ms = this.clock.now() - started;
    }
  }
}
