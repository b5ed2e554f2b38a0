// Personalities held to real servers: each personality of the mock that imitates a server which was
// run for real (test/suites/real-servers.ts) must give every case the verdict the real run gave it.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runProofWorker } from './proof-worker.js';
import { REAL_SERVER_RUNS, reportsDir } from './real-servers.js';
import { outcomeClass } from '../../reporters/compare-reports.js';
import type { PersonalityOutcomes } from './personality-worker.js';
import type { Report } from '../../project/report.js';

const LIMIT_MS = 120_000;

describe('suites: the saved runs of real servers (fixtures/reports/)', () => {
  const files = readdirSync(reportsDir).filter((f) => f.endsWith('.json'));

  it('holds every report a personality is held to', () => {
    for (const { report } of REAL_SERVER_RUNS) expect(files).to.include(basename(report));
  });

  for (const file of files) {
    it(`${file}: a whole --strict run of a real server, passing with its expectations, with no credential in it`, () => {
      const text = readFileSync(join(reportsDir, file), 'utf8');
      const real = JSON.parse(text) as Report;
      expect(real.target.embedded_mock).to.equal(false);
      expect(real.options.strict).to.equal(true);
      expect(real.cases.length).to.equal(real.planned);
      expect(real.exit_code).to.equal(0);
      // The runner shortens every token and password to a prefix and "[redacted]".
      // (Bodies are kept as JSON text, so the keys may stand escaped.)
      expect(text.match(/"(access_token|password)\\?":\s*\\?"(?!…|[^"\\]{0,4}…\[redacted\])[^"\\]*/g) ?? []).to.deep.equal([]);
    });
  }
});

describe('suites: personalities held to real servers', function () {
  this.timeout(LIMIT_MS + 10_000);
  let outcomes: PersonalityOutcomes;

  before(async () => {
    outcomes = await runProofWorker<PersonalityOutcomes>('personality-worker.ts', 'personality run', LIMIT_MS);
  });

  for (const { personality, report: file } of REAL_SERVER_RUNS) {
    describe(`${personality} against ${file.split('/').pop()}`, () => {
      const real = JSON.parse(readFileSync(file, 'utf8')) as Report;

      it('gives every case the verdict the real server got', () => {
        const mine = outcomes[personality]!;
        const differ = real.cases
          // What an outcome says about the server, whatever expectations file each run had (xfail is a failure).
          .filter((c) => outcomeClass(mine[c.id]?.outcome ?? null) !== outcomeClass(c.outcome))
          .map(
            (c) => `${c.id}: real ${c.outcome}, ${personality} ${mine[c.id]?.outcome ?? 'missing'}${mine[c.id]?.message ? ` (${mine[c.id]!.message})` : ''}`,
          );
        expect(differ).to.deep.equal([]);
        expect(Object.keys(mine).sort()).to.deep.equal(real.cases.map((c) => c.id).sort());
      });
    });
  }
});
