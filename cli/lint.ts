// `lint` (alias `check`, its name before): lints suite files like code (schema, duplicate ids, vague
// titles, unknown clauses and faults).
import type { Command } from 'commander';
import { join } from 'node:path';
import { displayPath, suitesDir } from '../project/paths.js';
import { lintSuites, loadClauses } from '../runner/index.js';
import { FAULT_NAMES } from '../mock-server/index.js';
import { action, EXIT } from './command.js';

export const DEFAULT_CLAUSES = join(suitesDir, 'clauses.yaml');

export function registerLintCommand(program: Command): void {
  program
    .command('lint')
    .alias('check')
    .description('lint suite files: schema, duplicate ids, titles with "should" or vague ones, unknown clauses and faults')
    .argument('[suites...]', 'suite files or folders (default: the suites/ folder)')
    .option('--clauses <file>', 'clause catalogue', displayPath(DEFAULT_CLAUSES))
    .action(
      action('', async (paths: string[], opts: { clauses: string }) => {
        const clauses = await loadClauses(opts.clauses);
        const result = await lintSuites(paths.length > 0 ? paths : [suitesDir], {
          clauseIds: new Set(clauses.map((c) => c.id)),
          faultNames: new Set<string>(FAULT_NAMES),
        });
        for (const p of result.problems) console.log(p.message);
        console.log(
          `${result.files} suite files, ${result.cases} cases: ${result.problems.length === 0 ? 'no problems' : `${result.problems.length} problem(s)`}`,
        );
        return result.problems.length === 0 ? EXIT.ok : EXIT.failed;
      }),
    );
}
