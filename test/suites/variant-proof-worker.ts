// The variant proof, run in a child process by variant-proof.test.ts (like the fault proof, so that a
// hanging mock cannot hang mocha). Prints one JSON object (VariantProofResult) on stdout.
//
// 1. per variant of the mock's catalogue and per dialect (the mocks of mock.yaml, mock-r0.yaml and
//    mock-early.yaml): the whole suite against the embedded mock with that variant alone, under the
//    profile a server behaving so would have (the dialect's profile with the variant's `target`
//    changes), --strict, four runs at a time;
// 2. per personality (fixtures/targets/*-like.yaml): the whole suite with its profile and its
//    expectations file, --strict.
// A case that did not pass in the parallel run is run once more alone, as in the fault proof: the
// parallel runs load a small machine, and only a failure that repeats counts.
import { join } from 'node:path';
import { runSuites, type CaseResult, type TargetProfile } from '../../runner/index.js';
import { loadTargetProfile } from '../../runner/load/load-target.js';
import { failureLevel } from '../../runner/judge/verdicts.js';
import { VARIANTS, VARIANT_NAMES, type VariantSpec } from '../../mock-server/variants.js';
import { targetsDir } from '../../project/paths.js';
import { DIALECT_PROFILES } from './suite-catalogue.js';
import { appliesTo } from './variant-dialects.js';

export interface VariantCaseOutcome {
  id: string;
  clauses: string[];
  outcome: string;
  /** The level its failure weighs (runner/judge/verdicts.ts failureLevel), when it did not pass. */
  failure_level?: string;
  message?: string;
  rerun_alone?: boolean;
}

export interface VariantProofResult {
  /** Per "variant@profile". */
  variants: Record<string, { takes: string[]; not_passed: VariantCaseOutcome[] }>;
  personalities: Record<string, { exit_code: number; not_as_expected: VariantCaseOutcome[] }>;
  duration_ms: number;
}

export const PERSONALITIES = ['dendrite-like', 'conduwuit-like', 'tuwunel-like'];
const CONCURRENCY = 4;

function notPassed(cases: CaseResult[], accept: (c: CaseResult) => boolean): VariantCaseOutcome[] {
  return cases
    .filter((c) => !accept(c))
    .map((c) => ({
      id: c.id,
      clauses: c.clauses,
      outcome: c.outcome,
      ...(failureLevel(c) ? { failure_level: failureLevel(c) } : {}),
      ...(c.message ? { message: c.message.slice(0, 400) } : {}),
    }));
}

/** The mock's profile as a server with this variant would state it. */
export function profileFor(base: TargetProfile, variant: string): TargetProfile {
  const target = (VARIANTS[variant as keyof typeof VARIANTS] as VariantSpec).target;
  return {
    ...base,
    timers: { ...base.timers, ...(target?.timers ?? {}) },
    capabilities: base.capabilities.filter((c) => !(target?.without ?? []).includes(c)),
  };
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(size, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const passedOrSkipped = (c: CaseResult) => c.outcome === 'pass' || c.outcome === 'skip';
// A case that did not judge (a premise broken, a relied-on request failed) is as expected unless the
// expectations file still records a failure for it: then that entry is stale.
const asExpected = (c: CaseResult) =>
  ['pass', 'skip', 'xfail'].includes(c.outcome) || ((c.outcome === 'inconclusive' || c.outcome === 'blocked') && c.expectation === undefined);

async function main(): Promise<void> {
  const started = Date.now();
  const bases = await Promise.all(DIALECT_PROFILES.map(async (name) => ({ name, profile: await loadTargetProfile(join(targetsDir, `${name}.yaml`)) })));
  const result: VariantProofResult = { variants: {}, personalities: {}, duration_ms: 0 };
  const runs = bases.flatMap((base) => VARIANT_NAMES.filter((v) => appliesTo(v, base.profile)).map((variant) => ({ variant, base })));
  await inPool(runs, CONCURRENCY, async ({ variant, base }) => {
    const target = profileFor(base.profile, variant);
    const report = await runSuites({ target, variants: [variant], strict: true, expectations: false });
    let failing = notPassed(report.cases, passedOrSkipped);
    if (failing.length > 0) {
      const again = await runSuites({ target, variants: [variant], strict: true, expectations: false, ids: failing.map((c) => c.id), jobs: failing.length });
      failing = notPassed(
        again.cases.filter((c) => failing.some((f) => f.id === c.id)),
        passedOrSkipped,
      ).map((c) => ({ ...c, rerun_alone: true }));
    }
    result.variants[`${variant}@${base.name}`] = { takes: [...((VARIANTS[variant as keyof typeof VARIANTS] as VariantSpec).takes ?? [])], not_passed: failing };
  });
  for (const name of PERSONALITIES) {
    const file = join(targetsDir, `${name}.yaml`);
    let report = await runSuites({ target: file, strict: true });
    let off = notPassed(report.cases, asExpected);
    if (off.length > 0 && !off.some((c) => c.outcome === 'xpass')) {
      report = await runSuites({ target: file, strict: true, ids: off.map((c) => c.id), jobs: off.length });
      off = notPassed(
        report.cases.filter((c) => off.some((f) => f.id === c.id)),
        asExpected,
      ).map((c) => ({ ...c, rerun_alone: true }));
    }
    result.personalities[name] = { exit_code: off.length === 0 ? 0 : report.exit_code, not_as_expected: off };
  }
  result.duration_ms = Date.now() - started;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`variant proof failed to run: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
