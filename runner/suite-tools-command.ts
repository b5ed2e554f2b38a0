// `check` (lint the suites) and `coverage` (clauses no case names): the suite author's tools.
import type { Command } from 'commander';
import { join } from 'node:path';
import { lintSuites } from './lint-suites.js';
import { loadClauses } from './load-clauses.js';
import { loadSuites } from './load-suite.js';
import { ConfigError } from './config-error.js';
import { suitesDir } from './project-paths.js';
import { displayPath } from './yaml-source.js';

const DEFAULT_CLAUSES = join(suitesDir, 'clauses.yaml');

async function faultNames(): Promise<Set<string>> {
  const { FAULT_NAMES } = await import('../mock-server/faults.js');
  return new Set<string>(FAULT_NAMES);
}

async function guarded(fn: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    code = 2;
  }
  process.exitCode = code;
}

export function registerSuiteToolCommands(program: Command): void {
  program
    .command('check')
    .description('lint suite files: schema, duplicate ids, titles with "should" or vague ones, unknown clauses and faults')
    .argument('[suites...]', 'suite files or folders (default: the suites/ folder)')
    .option('--clauses <file>', 'clause catalogue', displayPath(DEFAULT_CLAUSES))
    .action((paths: string[], opts: { clauses: string }) => guarded(async () => {
      const clauses = await loadClauses(opts.clauses);
      const result = await lintSuites(paths.length > 0 ? paths : [suitesDir], { clauseIds: new Set(clauses.map((c) => c.id)), faultNames: await faultNames() });
      for (const p of result.problems) console.log(p.message);
      console.log(`${result.files} suite files, ${result.cases} cases: ${result.problems.length === 0 ? 'no problems' : `${result.problems.length} problem(s)`}`);
      return result.problems.length === 0 ? 0 : 1;
    }));

  program
    .command('coverage')
    .description('list the server clauses of the clause catalogue that no case names')
    .argument('[suites...]', 'suite files or folders (default: the suites/ folder)')
    .option('--clauses <file>', 'clause catalogue', displayPath(DEFAULT_CLAUSES))
    .option('--json', 'print JSON instead of text')
    .option('--strict', 'exit 1 when a server clause is uncovered')
    .action((paths: string[], opts: { clauses: string; json?: boolean; strict?: boolean }) => guarded(async () => {
      const clauses = await loadClauses(opts.clauses);
      const suites = await loadSuites(paths.length > 0 ? paths : [suitesDir]);
      const named = new Map<string, string[]>();
      for (const c of suites.flatMap((s) => s.cases)) for (const id of c.clauses) named.set(id, [...(named.get(id) ?? []), c.fullId]);
      const server = clauses.filter((c) => c.scope === 'server');
      const uncovered = server.filter((c) => !named.has(c.id));
      if (opts.json) {
        console.log(JSON.stringify({ clauses: clauses.length, server: server.length, covered: server.length - uncovered.length, uncovered: uncovered.map((c) => ({ id: c.id, level: c.level, at: c.at })) }, null, 2));
      } else {
        for (const c of uncovered) console.log(`${c.at}: ${c.id}${c.level ? ` (${c.level})` : ''}: no case names it`);
        console.log(`${server.length - uncovered.length}/${server.length} server clauses covered (${clauses.length} clauses in ${displayPath(opts.clauses)})`);
      }
      return opts.strict && uncovered.length > 0 ? 1 : 0;
    }));
}
