// The processes of `bench`, `npm run bench` and the soak talk over Node's IPC channel: the parent forks
// a child (a server under test, or a client holding thousands of watchers), waits for its first
// message, then asks questions ({id, ...}) that the child answers ({id, ...}). Bounded waits everywhere.
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file to fork for one of the client and server processes of this folder: beside this module, in
 * the form it runs in (dist/ or .bench-build/ JavaScript; the TypeScript source under tsx).
 */
export function benchEntry(name: 'server-process' | 'watcher-process'): string {
  return fileURLToPath(new URL(`./${name}${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
}

export interface ChildOptions {
  /** Extra node flags, e.g. --expose-gc or --cpu-prof. */
  nodeFlags?: string[];
  /** How long the child may take to send its first message. */
  startTimeoutMs?: number;
}

export class Child<Hello = unknown> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Error | undefined;

  private constructor(
    private readonly proc: ChildProcess,
    readonly hello: Hello,
  ) {
    proc.on('message', (m: { id?: number; error?: string }) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m);
    });
    proc.on('exit', (code, signal) => {
      this.exited = new Error(`child process exited (${signal ?? code})`);
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    });
  }

  static start<Hello>(file: string, args: string[], options: ChildOptions = {}): Promise<Child<Hello>> {
    const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
    const proc = fork(file, args, { execArgv: [...loader, ...(options.nodeFlags ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill();
        reject(new Error(`${file}: no answer within ${options.startTimeoutMs ?? 30_000} ms of starting`));
      }, options.startTimeoutMs ?? 30_000);
      proc.once('message', (hello: Hello) => {
        clearTimeout(timer);
        resolve(new Child(proc, hello));
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${file} exited (${code}) before it was ready`));
      });
    });
  }

  /** Sends a question and resolves with the answer (rejects if the child fails or exceeds `timeoutMs`). */
  ask<A>(question: Record<string, unknown>, timeoutMs = 120_000): Promise<A> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<A>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${JSON.stringify(question).slice(0, 80)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as A)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.send({ ...question, id });
    });
  }

  /** Ends the child: closing the IPC channel makes it exit; SIGKILL if it is still there after 5 s. */
  stop(): Promise<void> {
    if (this.exited || this.proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
      this.proc.once('exit', () => (clearTimeout(timer), resolve()));
      this.proc.disconnect();
    });
  }
}

/** In the child: sends `hello`, then answers each question with `handle`'s result (or its error). */
export function answerQuestions(hello: unknown, handle: (q: Record<string, unknown>) => unknown): void {
  process.on('message', (q: Record<string, unknown> & { id: number }) => {
    Promise.resolve()
      .then(() => handle(q))
      .then(
        (a) => process.send!({ ...(a as object), id: q.id }),
        (e: unknown) => process.send!({ id: q.id, error: e instanceof Error ? e.message : String(e) }),
      );
  });
  // The parent going away ends the child (no orphaned servers or clients).
  process.on('disconnect', () => process.exit(0));
  process.send!(hello);
}
