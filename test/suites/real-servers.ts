// The real servers the suite has been run against, each with the saved report of that run and the
// personality of the mock that imitates it. A personality exists to give verdicts on a server that
// cannot run beside the tests, so it is held to the real run: where they disagree, the personality is
// wrong (docs/mock.md, "Variants and personalities"; docs/dendrite.md).
import { join } from 'node:path';
import { fixturesDir } from '../../project/paths.js';

export interface RealServerRun {
  /** The personality (fixtures/targets/<name>.yaml) that imitates the server. */
  personality: string;
  /** The saved JSON report of the real run (fixtures/reports/), as `run --report-json` wrote it. */
  report: string;
}

/** The saved reports of real runs, as `npm run dendrite -- --report-json FILE` (or synapse) writes them. */
export const reportsDir = join(fixturesDir, 'reports');

export const REAL_SERVER_RUNS: readonly RealServerRun[] = [{ personality: 'dendrite-like', report: join(reportsDir, 'dendrite-v0.13.8.json') }];
