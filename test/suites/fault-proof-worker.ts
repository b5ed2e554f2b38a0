// The fault proof, run in a child process by fault-proof.test.ts so that a mock that hangs cannot hang
// mocha (the embedded mock shares this process's event loop; a busy loop there would block any
// in-process timeout). Prints one JSON object (FaultProofResult) on stdout.
//
// For each dialect's mock (fixtures/targets/mock.yaml, mock-r0.yaml, mock-early.yaml):
// 1. baseline: every suite against the embedded mock with no faults, --strict;
// 2. then, per fault named by some case's `catches` and known to the mock: the cases claiming it that
//    apply to that dialect, against a mock with only that fault switched on. One mock per fault,
//    faults and cases in parallel.
import { outsideRelease } from '../../runner/plan/plan.js';
import { join } from 'node:path';
import { runSuites, type CaseResult, type TargetProfile } from '../../runner/index.js';
import { loadTargetProfile } from '../../runner/load/load-target.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import { targetsDir } from '../../project/paths.js';
import type { SuiteCase } from '../../runner/load/suite-types.js';
import { DIALECT_PROFILES, loadAllCases } from './suite-catalogue.js';

export interface CaseOutcome {
  id: string;
  /** The case's level (INFO cases record, they cannot fail). */
  level: string;
  outcome: string;
  /** How many of its checks failed (a MUST, SHOULD or MAY check; INFO checks never fail). */
  failed_checks: number;
  message?: string;
  /** Set when the case escaped its fault in the parallel run and was run again alone. */
  rerun_alone?: boolean;
}

export interface FaultProofResult {
  /** Per dialect profile. */
  baseline: Record<string, { exit_code: number; duration_ms: number; cases: CaseOutcome[] }>;
  /** Per "fault@profile". */
  faults: Record<string, { duration_ms: number; cases: CaseOutcome[] }>;
  /** Faults named in catches that the mock does not implement (yet). */
  missing: Record<string, string[]>;
  duration_ms: number;
}

const JOBS = 64;
const FAULT_CONCURRENCY = 16;

/** The selected cases only (a run reports the others as skipped "not selected by id"). */
function outcomes(cases: CaseResult[], ids?: string[]): CaseOutcome[] {
  return cases
    .filter((c) => !ids || ids.includes(c.id))
    .map((c) => ({
      id: c.id,
      level: c.level,
      outcome: c.outcome,
      failed_checks: c.checks.filter((k) => !k.passed && k.level !== 'INFO').length,
      ...(c.message ? { message: c.message.slice(0, 400) } : {}),
    }));
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(size, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** The case runs against the profile: it holds in its release, and the profile claims what it requires. */
function appliesTo(c: SuiteCase, profile: TargetProfile): boolean {
  return outsideRelease(c, profile.release) === undefined && c.requires.every((cap) => profile.capabilities.includes(cap));
}

async function main(): Promise<void> {
  const started = Date.now();
  const cases = await loadAllCases();
  const known = new Set<string>(FAULT_NAMES);
  const result: FaultProofResult = { baseline: {}, faults: {}, missing: {}, duration_ms: 0 };
  for (const c of cases) for (const f of c.catches) if (!known.has(f)) result.missing[f] = [...(result.missing[f] ?? []), c.fullId];
  const profiles = await Promise.all(DIALECT_PROFILES.map((name) => loadTargetProfile(join(targetsDir, `${name}.yaml`))));

  // The baselines run alone: their cases are timing-sensitive (the mock's granularity is 400 ms) and
  // must not share the event loop with a dozen faulty mocks. The fault runs only need to fail.
  for (const [i, profile] of profiles.entries()) {
    const report = await runSuites({ target: profile, strict: true, jobs: JOBS, expectations: false });
    result.baseline[DIALECT_PROFILES[i]!] = {
      exit_code: report.exit_code,
      duration_ms: report.duration_ms,
      cases: outcomes(report.cases.filter((c) => c.outcome !== 'skip')),
    };
  }
  const runs: { key: string; fault: string; profile: TargetProfile; ids: string[] }[] = [];
  for (const [i, profile] of profiles.entries()) {
    for (const fault of [...known].sort()) {
      const ids = cases.filter((c) => c.catches.includes(fault) && appliesTo(c, profile)).map((c) => c.fullId);
      if (ids.length > 0) runs.push({ key: `${fault}@${DIALECT_PROFILES[i]}`, fault, profile, ids });
    }
  }
  await inPool(runs, FAULT_CONCURRENCY, async ({ key, fault, profile, ids }) => {
    const report = await runSuites({ target: profile, faults: [fault], ids, jobs: JOBS, expectations: false });
    result.faults[key] = {
      duration_ms: report.duration_ms,
      cases: outcomes(
        report.cases.filter((c) => c.outcome !== 'skip' || !c.message?.startsWith('not selected')),
        ids,
      ),
    };
  });
  // Sixteen faulty mocks at once load a small machine enough that a timer-bound case can miss the
  // moment its fault shows (a state change lands late). A case that escaped is run once more, alone;
  // it proves the fault only if it then fails, and the result says so (rerun_alone).
  for (const { key, fault, profile } of runs) {
    const { cases: outcomesOfRun } = result.faults[key]!;
    const escaped = outcomesOfRun.filter((c) => !(c.failed_checks > 0 && (c.outcome === 'fail' || c.outcome === 'error')));
    if (escaped.length === 0) continue;
    const ids = escaped.map((c) => c.id);
    const report = await runSuites({ target: profile, faults: [fault], ids, jobs: ids.length, expectations: false });
    const again = new Map(outcomes(report.cases, ids).map((c) => [c.id, { ...c, rerun_alone: true }]));
    result.faults[key]!.cases = outcomesOfRun.map((c) => again.get(c.id) ?? c);
  }
  result.duration_ms = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fault proof failed to run: ${(err as Error).message}\n`);
  process.exit(2);
});
