// `coverage`: the server clauses of the clause catalogue that no case names.
import type { Command } from 'commander';
import { displayPath, suitesDir } from '../project/paths.js';
import { loadClauses } from '../runner/load/load-clauses.js';
import { loadSuites } from '../runner/load/load-suite.js';
import { clauseCoverage } from '../runner/suite-tools/coverage.js';
import { DEFAULT_CLAUSES } from './check.js';
import { action, EXIT } from './command.js';

export function registerCoverageCommand(program: Command): void {
  program
    .command('coverage')
    .description('list the server clauses of the clause catalogue that no case names')
    .argument('[suites...]', 'suite files or folders (default: the suites/ folder)')
    .option('--clauses <file>', 'clause catalogue', displayPath(DEFAULT_CLAUSES))
    .option('--json', 'print JSON instead of text')
    .option('--strict', 'exit 1 when a server clause is uncovered')
    .action(action('', async (paths: string[], opts: { clauses: string; json?: boolean; strict?: boolean }) => {
      const clauses = await loadClauses(opts.clauses);
      const suites = await loadSuites(paths.length > 0 ? paths : [suitesDir]);
      const { server, uncovered } = clauseCoverage(clauses, suites);
      if (opts.json) {
        console.log(JSON.stringify({ clauses: clauses.length, server: server.length, covered: server.length - uncovered.length, uncovered: uncovered.map((c) => ({ id: c.id, level: c.level, at: c.at })) }, null, 2));
      } else {
        for (const c of uncovered) console.log(`${c.at}: ${c.id}${c.level ? ` (${c.level})` : ''}: no case names it`);
        console.log(`${server.length - uncovered.length}/${server.length} server clauses covered (${clauses.length} clauses in ${displayPath(opts.clauses)})`);
      }
      return opts.strict && uncovered.length > 0 ? EXIT.failed : EXIT.ok;
    }));
}
