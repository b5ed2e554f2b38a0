// What a run covers: the clauses of the target's own spec text and those of another text that a case of
// the target's text names, level by level, and why the rest is left out.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import { planRun } from '../../runner/plan/plan.js';
import { runCoverage } from '../../runner/plan/run-coverage.js';
import type { Clause } from '../../runner/load/load-clauses.js';
import { projectRoot } from '../../project/paths.js';

const suite = parseSuiteText(
  `title: T
area: status
cases:
  - id: shared
    title: A rule of both texts holds
    level: MUST
    clauses: [v1-shared]
    spec_versions: [v1.19, r0]
    steps: [ { wait: 1 } ]
  - id: v1-only
    title: A rule of v1.19 alone holds
    level: MUST
    clauses: [v1-only]
    spec_versions: [v1.19]
    steps: [ { wait: 1 } ]
  - id: r0-rule
    title: A rule of r0 holds
    level: MUST
    clauses: [r0-rule]
    requires: [free_for_chat]
    spec_versions: [r0]
    steps: [ { wait: 1 } ]
`,
  'suites/s.yaml',
);
const clauses: Clause[] = [
  { id: 'v1-shared', level: 'MUST', scope: 'server', spec: 'v1.19', at: 'c:1:1' },
  { id: 'v1-only', level: 'MUST', scope: 'server', spec: 'v1.19', at: 'c:2:1' },
  { id: 'v1-unnamed', level: 'MUST', scope: 'server', spec: 'v1.19', at: 'c:3:1' },
  { id: 'r0-rule', level: 'MUST', scope: 'server', spec: 'r0', at: 'c:4:1' },
  { id: 'early-rule', level: 'MUST', scope: 'server', spec: 'early', at: 'c:5:1' },
];
const coverageOf = (profile: string) => {
  const target = parseTargetProfile(profile);
  return runCoverage(planRun([suite], target, {}, new Map()).cases, clauses, target).MUST!;
};

describe('run coverage', () => {
  it("counts the target's own clauses and the other texts' clauses its cases name", () => {
    const v1 = coverageOf('name: t\nregistration: { method: dummy }\n');
    expect(v1.clauses_tested).to.equal(2);
    expect(v1.clauses_not_tested).to.deep.equal([{ id: 'v1-unnamed', why: 'no case in this run names it' }]);
    expect(v1.cases_not_run).to.deep.equal({ spec_version: 1 });
  });

  it('says why a clause of the text goes untested when its case needs a capability', () => {
    const r0 = coverageOf('name: t\nspec_version: r0\nregistration: { method: dummy }\n');
    // v1-shared is named by a case of r0's; v1-only and v1-unnamed are not r0's rules.
    expect(r0.clauses_tested).to.equal(1);
    expect(r0.clauses_not_tested).to.deep.equal([{ id: 'r0-rule', why: 'capability not claimed: free_for_chat' }]);
    const withCapability = coverageOf('name: t\nspec_version: r0\nregistration: { method: dummy }\ncapabilities: [free_for_chat]\n');
    expect(withCapability.clauses_tested).to.equal(2);
    expect(withCapability.clauses_not_tested).to.deep.equal([]);
  });

  it('coverage --target prints what a run against a profile would test', async function () {
    this.timeout(30_000);
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), 'coverage', '--target', 'test/fixtures/targets/no-capabilities.yaml'],
        { cwd: projectRoot },
        (err, out) => (err ? reject(err) : resolve(out)),
      );
    });
    expect(stdout).to.match(
      /^A run against test\/fixtures\/targets\/no-capabilities\.yaml \(release v1\.19, the v1 API\) would test:\n {2}MUST: \d+ cases run, \d+ not \(.*capability not claimed \d+/,
    );
    expect(stdout).to.match(/untested MUST clause v1-put-rate-limit-429: capability not claimed: rate_limit/);
    expect(stdout).to.match(/Partial at MUST: \d+ MUST cases not run, \d+ MUST clauses untested\n$/);
  });
});
