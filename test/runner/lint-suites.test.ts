// One fixture per `lint` rule (test/fixtures/suites/lint/), each of which must trip exactly its rule,
// and a clean one that trips none.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { lintSuites, titleProblems } from '../../runner/suite-tools/lint-suites.js';
import { loadClauses } from '../../runner/load/load-clauses.js';
import { projectRoot } from '../../project/paths.js';

const dir = join(projectRoot, 'test/fixtures/suites/lint');

async function rulesOf(file: string): Promise<string[]> {
  const clauses = await loadClauses(join(dir, 'catalogue.yaml'));
  const result = await lintSuites([join(dir, file)], { clauseIds: new Set(clauses.map((c) => c.id)), faultNames: new Set(['status-msg-dropped']) });
  return result.problems.map((p) => p.rule);
}

describe('lint (suite lint)', () => {
  const expected: Record<string, string[]> = {
    'clean.yaml': [],
    'title-should.yaml': ['title-should'],
    'title-vague.yaml': ['title-vague'],
    'title-short.yaml': ['title-vague', 'title-vague'],
    'unknown-clause.yaml': ['unknown-clause'],
    'unknown-fault.yaml': ['unknown-fault'],
    'unknown-capability.yaml': ['schema'],
    'duplicate-id.yaml': ['duplicate-id'],
  };
  for (const [file, rules] of Object.entries(expected)) {
    it(`${file}: ${rules.length === 0 ? 'no problems' : rules.join(', ')}`, async () => {
      expect(await rulesOf(file)).to.deep.equal(rules);
    });
  }

  it('names the place and the rule', async () => {
    const clauses = await loadClauses(join(dir, 'catalogue.yaml'));
    const result = await lintSuites([join(dir, 'unknown-clause.yaml')], { clauseIds: new Set(clauses.map((c) => c.id)) });
    expect(result.problems[0]!.message).to.match(
      /unknown-clause\.yaml:4:5: \[unknown-clause\] unknown-clause#the-case: clause "v1-no-such-clause" is not in the clause catalogue$/,
    );
  });

  it('accepts factual titles', () => {
    expect(titleProblems("PUT of another user's presence is refused with 403")).to.deep.equal([]);
    expect(titleProblems('Test that presence is returned').map((p) => p.rule)).to.deep.equal(['title-vague']);
  });

  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...args], { cwd: projectRoot }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
      );
    });
  const LINTED = ['test/fixtures/suites/lint/title-should.yaml', '--clauses', 'test/fixtures/suites/lint/catalogue.yaml'];

  it('the lint and coverage commands exit 1 / report uncovered clauses', async function () {
    this.timeout(30_000);
    const lint = await cli(['lint', ...LINTED]);
    expect(lint.code).to.equal(1);
    expect(lint.stdout).to.include('1 suite files, 1 cases: 1 problem(s)');
    expect(lint.stdout).to.include('[title-should]');
    const coverage = await cli(['coverage', 'test/fixtures/suites/lint/clean.yaml', '--clauses', 'test/fixtures/suites/lint/catalogue.yaml', '--strict']);
    expect(coverage.code).to.equal(1);
    expect(coverage.stdout).to.match(/catalogue\.yaml:4:7: v1-uncovered-clause \(SHOULD\): no case names it\n(.*\n)?1\/2 server clauses covered/);
  });

  it('check, the name lint had before, still runs the same command with the same output', async function () {
    this.timeout(30_000);
    const [lint, check] = await Promise.all([cli(['lint', ...LINTED]), cli(['check', ...LINTED])]);
    expect(check).to.deep.equal(lint);
    const help = await cli(['--help']);
    expect(help.stdout).to.match(/^\s+lint\|check \[options\] \[suites\.\.\.\]\s+lint suite files/m);
  });
});
