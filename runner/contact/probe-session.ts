// The requests of one probing session (`profile init`, and the run's first contact): every call is
// bounded by a per-request timeout and by the session's overall deadline, a server that stops answering
// is given up on after two silent requests, and each exchange can be shown as one evidence line
// ("GET /_matrix/client/versions → 200 {...}") with tokens shortened.
import { HomeserverClient, type CallOptions } from '../http/homeserver-client.js';
import { TransportError, type HttpResponse } from '../http/http-client.js';
import type { Exchange } from '../../project/report.js';
import { dialectFor, type Dialect } from '../dialect/dialects.js';
import { runWallClock } from '../../project/clock.js';

/** The probes speak the release the server advertises; the current Client-Server API until that is known. */
export const PROBE_DIALECT = dialectFor('v1.19');

/** The answer to one probe request: the response, or why there was none. */
export type ProbeAnswer = { response: HttpResponse; error?: undefined } | { response?: undefined; error: TransportError };

const EVIDENCE_BODY_LIMIT = 160;

/** After this many requests in a row without an answer, the server is taken to have stopped answering. */
const SILENT_REQUESTS_TO_GIVE_UP = 2;

export class ProbeSession {
  readonly client: HomeserverClient;
  private readonly controller = new AbortController();
  private silentInARow = 0;
  private stopped?: TransportError;

  constructor(
    readonly baseUrl: string,
    /** Absolute time (Date.now()) after which no request starts. */
    readonly deadline: number,
    readonly requestTimeoutMs = 5_000,
    /** The API the probes speak: its prefix, and where a token goes unless a call says otherwise. */
    readonly dialect: Dialect = PROBE_DIALECT,
  ) {
    this.client = new HomeserverClient(baseUrl, requestTimeoutMs, deadline, this.controller.signal, false, dialect.tokenInQuery, runWallClock); // timers that keep the process alive: a probe waiting out a 429 is still at work
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /** One request; never throws. 429s are retried only when `retry429` is set (and the wait fits). */
  async call(label: string, method: string, path: string, options: CallOptions = {}): Promise<ProbeAnswer> {
    if (this.stopped) return { error: this.stopped };
    const remaining = this.remainingMs();
    if (remaining <= 0) return { error: new TransportError('aborted', "the probe's time budget is spent") };
    const timeoutMs = Math.min(options.timeoutMs ?? this.requestTimeoutMs, remaining);
    try {
      const response = await this.client.call(label, method, path, { retry429: false, ...options, timeoutMs });
      this.silentInARow = 0;
      return { response };
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      if (err.kind === 'timeout' || err.kind === 'refused' || err.kind === 'reset') this.silentInARow += 1;
      if (this.silentInARow >= SILENT_REQUESTS_TO_GIVE_UP) {
        this.stopped = new TransportError(err.kind, `the server stopped answering (${err.message})`);
      }
      return { error: err };
    }
  }

  /** The evidence lines of the exchanges made since `mark` (an index into the transcript), credentials redacted. */
  evidenceSince(mark: number): string[] {
    return this.client.redactedTranscript(mark).map(evidenceLine);
  }

  get mark(): number {
    return this.client.exchangeCount;
  }

  /** Stops anything still in flight (a timer measurement cut short). */
  abort(): void {
    this.controller.abort();
  }
}

/** "PUT /_matrix/client/v3/presence/@a:hs/status {"presence":"online"} → 200 {}" */
export function evidenceLine(exchange: Exchange): string {
  const url = new URL(exchange.request.url);
  const path = decodeURIComponent(url.pathname) + url.search;
  const sent = exchange.request.body === undefined ? '' : ` ${clip(exchange.request.body)}`;
  if (!exchange.response) return `${exchange.request.method} ${path}${sent} → no answer: ${exchange.error ?? 'unknown'}`;
  const body = exchange.response.body.trim();
  const retried = exchange.error ? ` (${exchange.error})` : '';
  return `${exchange.request.method} ${path}${sent} → ${exchange.response.status}${body ? ` ${clip(body)}` : ''}${retried}`;
}

/** A body as evidence: one line, at most a few words long, secrets shortened. */
export function clip(text: string): string {
  // Throwaway users' secrets still stay out of what is printed.
  const flat = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/("(?:password|mac|access_token|shared_secret)"\s*:\s*")[^"]*"/g, '$1…"');
  return flat.length > EVIDENCE_BODY_LIMIT ? `${flat.slice(0, EVIDENCE_BODY_LIMIT)}…` : flat;
}

/** "answered 403 M_FORBIDDEN "Registration is disabled"", or "got no answer (why)". */
export function answered(answer: ProbeAnswer): string {
  return answer.error ? `got ${describeAnswer(answer)}` : `answered ${describeAnswer(answer)}`;
}

/** The standard error body's errcode and error, for messages: `403 M_FORBIDDEN "Registration is disabled"`. */
export function describeAnswer(answer: ProbeAnswer): string {
  if (answer.error) return `no answer (${answer.error.message})`;
  const r = answer.response;
  const body = r.json as { errcode?: unknown; error?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.errcode === 'string') {
    return `${r.status} ${body.errcode}${typeof body.error === 'string' ? ` "${body.error}"` : ''}`;
  }
  if (r.json === undefined) return `${r.status} with a body that is not JSON`;
  return String(r.status);
}
