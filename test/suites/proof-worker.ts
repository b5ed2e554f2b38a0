// Runs a proof's worker (fault-proof-worker.ts, variant-proof-worker.ts) in a child process with a hard
// time limit, so that a mock that blocks its event loop fails the proof instead of hanging mocha, and
// reads the JSON result the worker prints.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../project/paths.js';

const run = promisify(execFile);

/** `worker` is a file name in test/suites; `proof` names the proof in error messages. */
export async function runProofWorker<Result>(worker: string, proof: string, limitMs: number): Promise<Result> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(projectRoot, 'test', 'suites', worker)], {
    cwd: projectRoot,
    timeout: limitMs,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { killed?: boolean; stderr?: string; message: string }) => {
    throw new Error(
      err.killed ? `the ${proof} did not finish within ${limitMs / 1000}s (a hanging mock?)` : `the ${proof} failed: ${err.stderr || err.message}`,
    );
  });
  return JSON.parse(stdout) as Result;
}
