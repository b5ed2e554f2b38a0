// `report merge`: the reports of the shards of one run (`run --shard i/n`) joined into the report the
// unsharded run would have written. The verdict is recomputed by the run's own rules (verdicts.ts:
// summarize, gatingFailures), so a merged report exits as an unsharded run would; the coverage per level
// is the whole run's that every shard states (whole_run_coverage), as the plan alone decides it. Shards must be of the
// same target, selection and strictness, complete (every i of n once) and disjoint; anything else is
// refused, since a verdict over a partial or mixed set would mislead. A shard that was itself partial
// (interrupted, or out of time) makes the merged report partial: it says so and names the missing
// cases, and exits 1 unless the partial verdict is accepted (--allow-partial).
import { withRootCauses } from '../../project/root-causes.js';
import { ConfigError } from '../../project/errors.js';
import type { CaseResult, LevelCoverage, NotRunReason, PartialRun, Report, RunCoverage } from '../../project/report.js';
import { exitCodeOf, gatingFailures, missingCases, summarize } from './verdicts.js';
import { LEVELS, NO_CASE } from '../plan/run-coverage.js';

export interface NamedReport {
  /** The file it came from, for messages. */
  file: string;
  report: Report;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What every shard must share: a report of another target or selection is another run. */
function runIdentity(r: Report): Record<string, unknown> {
  const { grep, tags, levels, strict } = r.options;
  return {
    runner_contract: r.runner_contract,
    tool: r.tool.name,
    target: {
      name: r.target.name,
      spec_version: r.target.spec_version,
      release: r.target.release,
      embedded_mock: r.target.embedded_mock,
      faults: [...r.target.faults].sort(),
    },
    selection: { grep, tags, levels, strict },
  };
}

function describeDifference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const key = Object.keys(a).find((k) => !sameJson(a[k], b[k]))!;
  return `${key} ${JSON.stringify(a[key])} vs ${JSON.stringify(b[key])}`;
}

function checkShards(inputs: NamedReport[]): void {
  const sharded = inputs.filter((i) => i.report.options.shard !== undefined);
  if (sharded.length === 0) return;
  if (sharded.length !== inputs.length) {
    const plain = inputs.find((i) => i.report.options.shard === undefined)!;
    throw new ConfigError(
      `${plain.file}: not a shard report, but ${sharded[0]!.file} is (shard ${sharded[0]!.report.options.shard}); merge the shards of one run`,
    );
  }
  const parsed = inputs.map((i) => ({
    file: i.file,
    index: Number(i.report.options.shard!.split('/')[0]),
    total: Number(i.report.options.shard!.split('/')[1]),
  }));
  const total = parsed[0]!.total;
  const other = parsed.find((p) => p.total !== total);
  if (other) throw new ConfigError(`${other.file}: shard ${other.index}/${other.total}, but ${parsed[0]!.file} is one of ${total} shards`);
  const seen = new Map<number, string>();
  for (const p of parsed) {
    const before = seen.get(p.index);
    if (before) throw new ConfigError(`${p.file}: shard ${p.index}/${total} is also ${before}`);
    seen.set(p.index, p.file);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new ConfigError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} missing: a verdict needs every shard of the run`,
    );
}

/** "suites/x.yaml:41:9" -> [file, line]: the order of cases in older reports that carry no position. */
function sourceOrder(a: CaseResult, b: CaseResult): number {
  const line = (r: CaseResult) => Number(/:(\d+):\d+$/.exec(r.at)?.[1] ?? 0);
  return a.file.localeCompare(b.file) || line(a) - line(b);
}

/**
 * The shards' coverage joined, for shard reports that do not state the whole run's (older ones): cases
 * run and not run add up (shards are disjoint); a clause is untested when every shard left it untested,
 * with the reasons of the shards that had a case for it (in shard order), or "no case in this run names
 * it" when none had. An approximation: a shard's clauses depend on the cases it holds.
 */
export function mergeCoverage(coverages: (RunCoverage | undefined)[]): RunCoverage | undefined {
  const present = coverages.filter((c): c is RunCoverage => c !== undefined);
  if (present.length === 0) return undefined;
  const merged: RunCoverage = {};
  for (const level of LEVELS) {
    const entries = present.map((c) => c[level]).filter((e): e is LevelCoverage => e !== undefined);
    if (entries.length === 0) continue;
    const notRun: Partial<Record<NotRunReason, number>> = {};
    for (const e of entries) for (const [kind, n] of Object.entries(e.cases_not_run) as [NotRunReason, number][]) notRun[kind] = (notRun[kind] ?? 0) + n;
    const clauses = Math.max(...entries.map((e) => e.clauses_tested + e.clauses_not_tested.length));
    const untested = entries[0]!.clauses_not_tested.map((u) => u.id).filter((id) => entries.every((e) => e.clauses_not_tested.some((u) => u.id === id)));
    const clausesNotTested = untested.map((id) => {
      const reasons = [...new Set(entries.flatMap((e) => e.clauses_not_tested.find((u) => u.id === id)!.why.split('; ')).filter((w) => w !== NO_CASE))];
      return { id, why: reasons.length > 0 ? reasons.join('; ') : NO_CASE };
    });
    merged[level] = {
      cases_run: entries.reduce((n, e) => n + e.cases_run, 0),
      cases_not_run: notRun,
      clauses_tested: clauses - clausesNotTested.length,
      clauses_not_tested: clausesNotTested,
    };
  }
  return merged;
}

/** The whole run's coverage the shards state (runner contract v1 reports since `whole_run_coverage`), when they all agree. */
function wholeRunCoverage(inputs: NamedReport[]): RunCoverage | undefined {
  const stated = inputs.map((i) => i.report.whole_run_coverage);
  if (stated.some((c) => c === undefined)) return undefined;
  const first = stated[0]!;
  const other = inputs.find((i) => !sameJson(i.report.whole_run_coverage, first));
  if (other) throw new ConfigError(`${other.file}: states another coverage of the whole run than ${inputs[0]!.file}: not shards of one plan`);
  return first;
}

/**
 * The merged report's partial marker, when a shard was partial: interrupted when any shard was, the
 * cases missing from all shards, and the shards that were partial. Accepted when asked to (`accept`)
 * or when every partial shard was accepted itself.
 */
function mergedPartial(inputs: NamedReport[], cases: CaseResult[], accept: boolean): PartialRun | undefined {
  const partial = inputs.filter((i) => i.report.partial !== undefined);
  if (partial.length === 0) return undefined;
  const interrupted = partial.find((i) => i.report.partial!.reason === 'interrupted');
  const signal = interrupted?.report.partial!.signal;
  const maxTime = partial.find((i) => i.report.partial!.max_time_ms !== undefined)?.report.partial!.max_time_ms;
  return {
    reason: interrupted ? 'interrupted' : 'max_time',
    ...(signal ? { signal } : {}),
    ...(maxTime !== undefined ? { max_time_ms: maxTime } : {}),
    accepted: accept || partial.every((i) => i.report.partial!.accepted),
    missing: missingCases(cases),
    shards: partial.map((i) => i.report.options.shard ?? i.file),
  };
}

export interface MergeOptions {
  /** Accept a merged verdict that misses the cases partial shards did not finish (--allow-partial). */
  allowPartial?: boolean;
}

export function mergeReports(inputs: NamedReport[], mergeOptions: MergeOptions = {}): Report {
  if (inputs.length === 0) throw new ConfigError('report merge: name at least one report');
  const first = inputs[0]!;
  const identity = runIdentity(first.report);
  for (const input of inputs.slice(1)) {
    const other = runIdentity(input.report);
    if (!sameJson(identity, other))
      throw new ConfigError(`${input.file}: not a shard of the same run as ${first.file}: ${describeDifference(identity, other)}`);
  }
  checkShards(inputs);
  const owner = new Map<string, string>();
  for (const input of inputs) {
    for (const c of input.report.cases) {
      const before = owner.get(c.id);
      if (before) throw new ConfigError(`${input.file}: case ${c.id} is also in ${before}; shards of one run never share a case`);
      owner.set(c.id, input.file);
    }
  }
  const all = inputs.flatMap((i) => i.report.cases);
  const cases = all.every((c) => c.position !== undefined) ? [...all].sort((a, b) => a.position! - b.position!) : [...all].sort(sourceOrder);
  const started = Math.min(...inputs.map((i) => Date.parse(i.report.started_at)));
  const finished = Math.max(...inputs.map((i) => Date.parse(i.report.finished_at)));
  const strict = first.report.options.strict;
  const gating = gatingFailures(cases, strict);
  const options = { ...first.report.options };
  delete options.shard;
  const clauses = inputs.find((i) => i.report.clauses)?.report.clauses;
  const coverage = wholeRunCoverage(inputs) ?? mergeCoverage(inputs.map((i) => i.report.coverage));
  const partial = mergedPartial(inputs, cases, mergeOptions.allowPartial ?? false);
  // Causes group cases across shards: the shards' own are recomputed over the whole run.
  return withRootCauses({
    runner_contract: first.report.runner_contract,
    tool: first.report.tool,
    target: first.report.target,
    options,
    started_at: new Date(started).toISOString(),
    planned: inputs.reduce((n, i) => n + i.report.planned, 0),
    finished_at: new Date(finished).toISOString(),
    duration_ms: finished - started,
    summary: summarize(cases),
    exit_code: exitCodeOf(gating, partial),
    gating_failures: gating,
    ...(partial ? { partial } : {}),
    // Every shard plans the whole run, so each repeats the run-wide warnings: keep each once.
    warnings: [...new Set(inputs.flatMap((i) => i.report.warnings))],
    ...(coverage ? { coverage } : {}),
    cases,
    ...(clauses ? { clauses } : {}),
    merged_from: inputs.map(({ report: r }) => ({
      ...(r.options.shard ? { shard: r.options.shard } : {}),
      url: r.target.url,
      started_at: r.started_at,
      duration_ms: r.duration_ms,
      exit_code: r.exit_code,
    })),
  });
}
