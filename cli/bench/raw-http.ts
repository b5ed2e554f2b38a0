// An HTTP/1.1 client connection on a raw keep-alive socket, for load clients that hold thousands of
// connections: Node's http client costs tens of microseconds per response, and with thousands of
// responses arriving at once that client-side cost, not the server, would dominate the measured
// latency. One request at a time per connection; responses with Content-Length or chunked bodies.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RawResponse {
  status: number;
  body: string;
  /** performance.now() when the first byte of the response arrived. */
  arrivedAt: number;
}

interface Pending {
  resolve: (r: RawResponse) => void;
  reject: (e: Error) => void;
  arrivedAt: number;
}

export class RawHttpConnection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private closed = false;
  readonly connected: Promise<void>;
  private readonly hostHeader: string;

  constructor(port: number, host = '127.0.0.1') {
    this.hostHeader = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.socket = connect(port, host);
    this.socket.setNoDelay(true);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Sends one request; `headers` are extra header lines. */
  request(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
    if (this.pending) return Promise.reject(new Error('a request is already in flight on this connection'));
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, arrivedAt: 0 };
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      if (body !== undefined) head += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
      this.socket.write(`${head}\r\n${body ?? ''}`);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private fail(err: Error): void {
    this.closed = true;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  private onData(chunk: Buffer): void {
    if (this.pending && this.pending.arrivedAt === 0) this.pending.arrivedAt = performance.now();
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (!this.pending) return;
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.buffer.subarray(0, headEnd).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: string;
    let consumed: number;
    if (length) {
      const n = Number(length[1]);
      if (this.buffer.length < headEnd + 4 + n) return;
      body = this.buffer.subarray(headEnd + 4, headEnd + 4 + n).toString('utf8');
      consumed = headEnd + 4 + n;
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const decoded = decodeChunked(this.buffer, headEnd + 4);
      if (!decoded) return;
      ({ body, consumed } = decoded);
    } else {
      body = '';
      consumed = headEnd + 4;
    }
    this.buffer = this.buffer.subarray(consumed);
    const p = this.pending;
    this.pending = undefined;
    p.resolve({ status, body, arrivedAt: p.arrivedAt });
  }
}

/** A complete chunked body starting at `from`, or undefined while more bytes are needed. */
function decodeChunked(buf: Buffer, from: number): { body: string; consumed: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) {
      // The last chunk, optional trailers, and the empty line.
      const end = buf.indexOf('\r\n\r\n', lineEnd);
      if (end < 0) return undefined;
      return { body: Buffer.concat(parts).toString('utf8'), consumed: end + 4 };
    }
    if (buf.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Opens `n` connections, `batch` at a time (a listen backlog of 511 overflows when 10,000 arrive at once). */
export async function openConnections(port: number, n: number, host = '127.0.0.1', batch = 500): Promise<RawHttpConnection[]> {
  const out: RawHttpConnection[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from({ length: Math.min(batch, n - i) }, () => new RawHttpConnection(port, host));
    await Promise.all(group.map((c) => c.connected));
    out.push(...group);
  }
  return out;
}
