// Runs each personality of REAL_SERVER_RUNS against the embedded mock (--strict, like the real run), in
// a child process of personality.test.ts so that a hanging mock cannot hang mocha. Prints one JSON
// object: per personality, each case's outcome.
import { join } from 'node:path';
import { runSuites } from '../../runner/index.js';
import type { Outcome } from '../../project/report.js';
import { targetsDir } from '../../project/paths.js';
import { REAL_SERVER_RUNS } from './real-servers.js';

export type PersonalityOutcomes = Record<string, Record<string, { outcome: Outcome; message?: string }>>;

async function main(): Promise<void> {
  const result: PersonalityOutcomes = {};
  for (const { personality } of REAL_SERVER_RUNS) {
    const report = await runSuites({ target: join(targetsDir, `${personality}.yaml`), strict: true });
    result[personality] = Object.fromEntries(
      report.cases.map((c) => [
        c.id,
        {
          outcome: c.outcome,
          ...(c.message ? { message: c.message.slice(0, 300) } : {}),
        },
      ]),
    );
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`personality run failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
