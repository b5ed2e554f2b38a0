// `lint`: lints suite files like code (STYLE.md 3). Each rule has a name and fixture tests
// (test/runner/lint-suites.test.ts). Problems are "file:line:col: [rule] message".
import { discoverSuiteFiles, loadSuiteFile } from '../load/load-suite.js';
import { ConfigError } from '../../project/errors.js';
import type { Suite } from '../load/suite-types.js';

export interface LintProblem {
  rule: 'schema' | 'duplicate-id' | 'title-should' | 'title-vague' | 'unknown-clause' | 'unknown-fault';
  message: string;
}

export interface LintOptions {
  /** Known clause ids; undefined skips the unknown-clause rule. */
  clauseIds?: Set<string>;
  /** Known mock fault names; undefined skips the unknown-fault rule. */
  faultNames?: Set<string>;
}

/**
 * A title states the behaviour as a fact ("PUT of another user's presence is refused"). These say
 * nothing checkable: they announce a test, or call the behaviour "correct" without saying what it is.
 */
const VAGUE_PATTERNS: [RegExp, string][] = [
  [/^(test|tests|testing|check|checks|verify|verifies|ensure|ensures|make sure)\b/i, 'starts by announcing a test; state the behaviour'],
  [/\b(correctly|properly|as expected|works?|working|handled?|handles)\b/i, 'says "correct"/"works" without saying what happens'],
  [/\b(todo|tbd|fixme|xxx)\b/i, 'is a placeholder'],
];

export function titleProblems(title: string): { rule: LintProblem['rule']; why: string }[] {
  const out: { rule: LintProblem['rule']; why: string }[] = [];
  if (/\bshould\b/i.test(title)) out.push({ rule: 'title-should', why: 'says "should"; state what is (the level says how strong it is)' });
  for (const [pattern, why] of VAGUE_PATTERNS) if (pattern.test(title)) out.push({ rule: 'title-vague', why });
  if (title.trim().split(/\s+/).length < 4) out.push({ rule: 'title-vague', why: 'is shorter than four words' });
  return out;
}

function lintSuite(suite: Suite, options: LintOptions): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const c of suite.cases) {
    for (const p of titleProblems(c.title)) problems.push({ rule: p.rule, message: `${c.at}: [${p.rule}] ${c.fullId}: title "${c.title}" ${p.why}` });
    if (options.clauseIds) {
      for (const id of c.clauses.filter((cl) => !options.clauseIds!.has(cl))) {
        problems.push({ rule: 'unknown-clause', message: `${c.at}: [unknown-clause] ${c.fullId}: clause "${id}" is not in the clause catalogue` });
      }
    }
    if (options.faultNames) {
      for (const f of c.catches.filter((name) => !options.faultNames!.has(name))) {
        problems.push({ rule: 'unknown-fault', message: `${c.at}: [unknown-fault] ${c.fullId}: catches "${f}", which is not a mock fault` });
      }
    }
  }
  return problems;
}

/** Lints every suite file under the paths; a file that does not load is reported and the rest still linted. */
export async function lintSuites(paths: string[], options: LintOptions): Promise<{ files: number; cases: number; problems: LintProblem[] }> {
  const files = (await Promise.all(paths.map(discoverSuiteFiles))).flat();
  const problems: LintProblem[] = [];
  const owners = new Map<string, string>();
  let cases = 0;
  for (const file of files) {
    let suite: Suite;
    try {
      suite = await loadSuiteFile(file);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const line of err.message.split('\n')) {
        problems.push({
          rule: /duplicate case id/.test(line) ? 'duplicate-id' : 'schema',
          message: line.replace(/^(\S+:\d+:\d+): /, '$1: [schema] ').replace('[schema] duplicate', '[duplicate-id] duplicate'),
        });
      }
      continue;
    }
    cases += suite.cases.length;
    for (const c of suite.cases) {
      const other = owners.get(c.fullId);
      if (other) problems.push({ rule: 'duplicate-id', message: `${c.at}: [duplicate-id] ${c.fullId} is also defined at ${other}` });
      else owners.set(c.fullId, c.at);
    }
    problems.push(...lintSuite(suite, options));
  }
  return { files: files.length, cases, problems };
}
