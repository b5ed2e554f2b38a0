// Reports are written whole or not at all: into a temporary file beside the target, then renamed over
// it (a rename within one folder is atomic), so a run killed while writing never leaves a half-written
// report where a complete one is expected. The temporary files being written are known, so that a
// second signal, which ends the process at once, can remove them (removeUnfinishedWrites).
import { unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const unfinished = new Set<string>();
let serial = 0;

/** Writes `data` to `file` through a temporary file in the same folder, renamed into place when complete. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${serial++}.tmp`);
  unfinished.add(temporary);
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  } finally {
    unfinished.delete(temporary);
  }
}

/** Removes the temporary files of writes still under way: for a process about to exit at once. */
export function removeUnfinishedWrites(): void {
  for (const temporary of unfinished) {
    try {
      unlinkSync(temporary);
    } catch {
      // Not created yet, or already renamed: nothing left behind.
    }
  }
  unfinished.clear();
}
