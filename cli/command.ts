// What every command shares: how its work ends. A command's work returns its exit code; a problem with
// the user's input (ConfigError: a bad file, option or target) is one line on stderr and exit 2, and so
// is anything unexpected, marked as an internal error: no command prints a stack trace. The CLI is the
// only place that knows about argv, stdout and exit codes.

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../project/errors.js';
import { displayPath } from '../project/paths.js';

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes of every command (runner contract v1). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Runs a command's work and turns how it ended into an exit code; never throws. `prefix` starts each
 * error line ("validate: "), so a message in a pipeline log says which command wrote it.
 */
export async function exitCodeOf(work: () => Promise<number>, prefix = '', out: CommandOutput = processOutput): Promise<number> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConfigError) out.stderr(`${prefix}${err.message}\n`);
    else out.stderr(`${prefix}internal error: ${(err as Error).message ?? String(err)}\n`);
    return EXIT.usage;
  }
}

/** A commander action that sets the process's exit code from the work's result. */
export function action<A extends unknown[]>(prefix: string, work: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    process.exitCode = await exitCodeOf(() => work(...args), prefix);
  };
}

/** Output files are checked before the work, so a typo in a path does not cost a whole run. */
export function checkOutputPath(option: string, file: string | undefined): void {
  if (file === undefined) return;
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${option} ${file}: folder ${displayPath(dir)} does not exist`);
}
