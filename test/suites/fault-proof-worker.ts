// The fault proof, run in a child process by fault-proof.test.ts so that a mock that hangs cannot hang
// mocha (the embedded mock shares this process's event loop; a busy loop there would block any
// in-process timeout). Prints one JSON object (FaultProofResult) on stdout.
//
// 1. baseline: every suite against the embedded mock with no faults, --strict.
// 2. then, per fault named by some case's `catches` and known to the mock: the cases claiming it, against a
//    mock with only that fault switched on. One mock per fault, faults and cases in parallel.
import { runSuites, type CaseResult } from '../../runner/index.js';
import { FAULT_NAMES } from '../../mock-server/faults.js';
import { casesByFault, loadAllCases } from './suite-catalogue.js';

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
  baseline: { exit_code: number; duration_ms: number; cases: CaseOutcome[] };
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
  await Promise.all(Array.from({ length: Math.min(size, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

async function main(): Promise<void> {
  const started = Date.now();
  const byFault = casesByFault(await loadAllCases());
  const known = new Set<string>(FAULT_NAMES);
  const result: FaultProofResult = { baseline: { exit_code: -1, duration_ms: 0, cases: [] }, faults: {}, missing: {}, duration_ms: 0 };
  for (const [fault, ids] of byFault) if (!known.has(fault)) result.missing[fault] = ids;

  const runFault = async (fault: string): Promise<void> => {
    const ids = byFault.get(fault)!;
    const report = await runSuites({ faults: [fault], ids, jobs: JOBS, expectations: false });
    result.faults[fault] = { duration_ms: report.duration_ms, cases: outcomes(report.cases, ids) };
  };
  const runBaseline = async (): Promise<void> => {
    const report = await runSuites({ strict: true, jobs: JOBS, expectations: false });
    result.baseline = { exit_code: report.exit_code, duration_ms: report.duration_ms, cases: outcomes(report.cases) };
  };
  // The baseline runs alone: its cases are timing-sensitive (the mock's granularity is 400 ms) and
  // must not share the event loop with a dozen faulty mocks. The fault runs only need to fail.
  await runBaseline();
  await inPool([...byFault.keys()].filter((f) => known.has(f)).sort(), FAULT_CONCURRENCY, runFault);
  // Sixteen faulty mocks at once load a small machine enough that a timer-bound case can miss the
  // moment its fault shows (a state change lands late). A case that escaped is run once more, alone;
  // it proves the fault only if it then fails, and the result says so (rerun_alone).
  for (const [fault, { cases }] of Object.entries(result.faults)) {
    const escaped = cases.filter((c) => !(c.failed_checks > 0 && (c.outcome === 'fail' || c.outcome === 'error')));
    if (escaped.length === 0) continue;
    const ids = escaped.map((c) => c.id);
    const report = await runSuites({ faults: [fault], ids, jobs: ids.length, expectations: false });
    const again = new Map(outcomes(report.cases, ids).map((c) => [c.id, { ...c, rerun_alone: true }]));
    result.faults[fault]!.cases = cases.map((c) => again.get(c.id) ?? c);
  }
  result.duration_ms = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fault proof failed to run: ${(err as Error).message}\n`);
  process.exit(2);
});
