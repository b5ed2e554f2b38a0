// Throughput with Debian's wrk (a C load generator: on a 2-core machine a load generator in Node would
// take the CPU the server needs). `npm run bench` says how to install it when it is missing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requestsPerSec: number;
  requests: number;
  non2xx: number;
  socketErrors: number;
}

export interface WrkOptions {
  url: string;
  seconds: number;
  threads: number;
  connections: number;
  headers?: Record<string, string>;
  /** PUT this JSON body instead of a GET (through a Lua script, as `wrk -s put.lua`). */
  putBody?: string;
}

export function wrkVersion(): string | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return undefined;
  return /wrk\s+(\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown version';
}

let scriptDir: string | undefined;

function putScript(body: string): string {
  scriptDir ??= mkdtempSync(join(tmpdir(), 'mpc-bench-'));
  const file = join(scriptDir, `put-${Buffer.from(body).toString('hex').slice(0, 16)}.lua`);
  // Lua long brackets keep the JSON verbatim.
  writeFileSync(file, `wrk.method = "PUT"\nwrk.body = [[${body}]]\nwrk.headers["Content-Type"] = "application/json"\n`);
  return file;
}

export function wrkCommand(o: WrkOptions): string[] {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`];
  for (const [k, v] of Object.entries(o.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (o.putBody !== undefined) args.push('-s', putScript(o.putBody));
  args.push(o.url);
  return args;
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', wrkCommand(o), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 30) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      if (code !== 0 || !rps) return reject(new Error(`wrk exited ${code}: ${out.trim().slice(0, 300)}`));
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        requestsPerSec: Number(rps[1]),
        requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
        non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
        socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
      });
    });
  });
}
