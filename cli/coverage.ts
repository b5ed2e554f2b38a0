// `coverage`: which server clauses of the clause catalogue the suites check, per spec text, and which
// no case names. With --target: what a run against that profile would test, level by level, and why the
// cases and clauses it leaves out are left out (capability not claimed, another spec text, static users).
import type { Command } from 'commander';
import { displayPath, suitesDir } from '../project/paths.js';
import type { RunCoverage } from '../project/report.js';
import {
  clauseCoverage,
  coverageBySpec,
  loadClauses,
  loadExpectations,
  loadSuites,
  loadTargetProfile,
  planRun,
  runCoverage,
  type Clause,
} from '../runner/index.js';
import { coverageLines, partialNote } from '../reporters/index.js';
import { DEFAULT_CLAUSES } from './lint.js';
import { action, EXIT } from './command.js';
import { ConfigError } from '../project/errors.js';
import { familyOf, NEXT_RELEASE, RELEASE_NAMES, releaseNamed } from '../project/releases.js';
import type { SpecVersion } from '../project/spec-versions.js';

const API_NAMES: Record<SpecVersion, string> = { 'v1.19': 'v1 API', r0: 'r0 API', early: 'early API' };

interface CoverageOptions {
  clauses: string;
  target?: string;
  expectations?: string;
  json?: boolean;
  strict?: boolean;
  specVersion?: string;
}

export function registerCoverageCommand(program: Command): void {
  program
    .command('coverage')
    .description('list the server clauses no case names, per spec text; with --target, what a run against that profile would test')
    .argument('[suites...]', 'suite files or folders (default: the suites/ folder)')
    .option('--clauses <file>', 'clause catalogue', displayPath(DEFAULT_CLAUSES))
    .option('--target <file>', 'a target profile: show what a run against it tests and leaves out, level by level')
    .option('--expectations <file>', 'with --target: the expectations file whose skips count as not run')
    .option(
      '--spec-version <release>',
      `with --target: judge the profile as this release instead of its own (${RELEASE_NAMES[1]} ... ${NEXT_RELEASE}, early, r0, next)`,
    )
    .option('--json', 'print JSON instead of text')
    .option('--strict', 'exit 1 when a server clause is uncovered (with --target: when a MUST clause of its spec text goes untested)')
    .action(
      action('', async (paths: string[], opts: CoverageOptions) => {
        const clauses = await loadClauses(opts.clauses);
        const suites = await loadSuites(paths.length > 0 ? paths : [suitesDir]);
        if (opts.target) return targetCoverage(opts, clauses, suites);
        const { server, uncovered } = clauseCoverage(clauses, suites);
        const bySpec = coverageBySpec(server, uncovered);
        if (opts.json) {
          console.log(
            JSON.stringify(
              {
                clauses: clauses.length,
                server: server.length,
                covered: server.length - uncovered.length,
                by_spec: bySpec,
                uncovered: uncovered.map((c) => ({ id: c.id, level: c.level, spec: c.spec, at: c.at })),
              },
              null,
              2,
            ),
          );
        } else {
          for (const c of uncovered) console.log(`${c.at}: ${c.id}${c.level ? ` (${c.level})` : ''}: no case names it`);
          for (const s of bySpec)
            console.log(
              `${s.spec}: ${s.covered}/${s.server} server clauses covered (${Object.entries(s.by_level)
                .map(([l, n]) => `${l} ${n.covered}/${n.server}`)
                .join(', ')})`,
            );
          console.log(
            `${server.length - uncovered.length}/${server.length} server clauses covered (${clauses.length} clauses in ${displayPath(opts.clauses)})`,
          );
        }
        return opts.strict && uncovered.length > 0 ? EXIT.failed : EXIT.ok;
      }),
    );
}

async function targetCoverage(opts: CoverageOptions, clauses: Clause[], suites: Awaited<ReturnType<typeof loadSuites>>): Promise<number> {
  const loaded = await loadTargetProfile(opts.target!);
  const release = opts.specVersion === undefined ? loaded.release : releaseNamed(opts.specVersion);
  if (release === undefined) throw new ConfigError(`--spec-version: ${opts.specVersion} is not a release; one of ${RELEASE_NAMES.join(', ')}`);
  const profile = { ...loaded, release, spec_version: familyOf(release) };
  const expectations = opts.expectations ? await loadExpectations(opts.expectations) : new Map();
  const plan = planRun(suites, profile, {}, expectations);
  const coverage: RunCoverage = runCoverage(plan.cases, clauses, profile);
  const mustUntested = coverage.MUST?.clauses_not_tested.length ?? 0;
  if (opts.json) {
    console.log(JSON.stringify({ target: displayPath(opts.target!), spec_version: profile.spec_version, release: profile.release, coverage }, null, 2));
  } else {
    console.log(`A run against ${displayPath(opts.target!)} (release ${profile.release}, the ${API_NAMES[profile.spec_version]}) would test:`);
    for (const line of coverageLines({ coverage }, true)) console.log(`  ${line}`);
    for (const w of plan.warnings) console.log(`  warning: ${w}`);
    console.log(partialNote({ coverage }) ? `Partial at MUST: ${partialNote({ coverage })}` : 'Every MUST case and clause of its spec text would run.');
  }
  return opts.strict && mustUntested > 0 ? EXIT.failed : EXIT.ok;
}
