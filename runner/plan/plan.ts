// Planning: which cases of the loaded suites run, which are skipped and why, and which belong to this
// shard. Pure functions of the suites, the target and the options, so a plan is reproducible.
import { createHash } from 'node:crypto';
import type { Level, Suite, SuiteCase } from '../load/suite-types.js';
import type { TargetProfile } from '../load/load-target.js';
import type { Expectations } from '../load/expectations.js';
import type { ExpectationRef } from '../../project/report.js';
import { describeRange, familyOf, inRange, type Release } from '../../project/releases.js';

export interface Selection {
  /** Matched against "<full id> <title>", like mocha's --grep. */
  grep?: RegExp;
  /** Any of these tags (a case's area counts as a tag). */
  tags?: string[];
  levels?: Level[];
  /** Exact full ids (the programmatic API's way of choosing cases). */
  ids?: string[];
  shard?: { index: number; total: number };
}

/** Why a planned case is not run: the user's selection, the target, or its expectations file. */
export type SkipKind = 'selection' | 'spec_version' | 'capability' | 'registration' | 'expectation';

export interface PlannedCase {
  case: SuiteCase;
  /** Set when the case is not run: the reason. */
  skip?: string;
  skipKind?: SkipKind;
  expectation?: ExpectationRef;
}

export interface Plan {
  cases: PlannedCase[];
  warnings: string[];
}

/** Shard membership by a hash of the full id: stable when other cases are added or removed. */
export function inShard(fullId: string, shard: { index: number; total: number }): boolean {
  const hash = createHash('sha1').update(fullId).digest().readUInt32BE(0);
  return hash % shard.total === shard.index - 1;
}

export function parseShard(text: string): { index: number; total: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const total = Number(m[2]);
  return index >= 1 && total >= 1 && index <= total ? { index, total } : undefined;
}

interface Skip {
  reason: string;
  kind: SkipKind;
}

function selectionSkip(c: SuiteCase, sel: Selection): Skip | undefined {
  const reason = selectionReason(c, sel);
  return reason === undefined ? undefined : { reason, kind: 'selection' };
}

function selectionReason(c: SuiteCase, sel: Selection): string | undefined {
  if (sel.ids && !sel.ids.includes(c.fullId)) return 'not selected by id';
  if (sel.grep && !sel.grep.test(`${c.fullId} ${c.title}`)) return `not selected by --grep ${sel.grep.source}`;
  if (sel.tags && !sel.tags.some((t) => c.tags.includes(t) || c.area === t)) return `not selected by --tag ${sel.tags.join(',')}`;
  if (sel.levels && !sel.levels.includes(c.level)) return `not selected by --level ${sel.levels.join(',')}`;
  return undefined;
}

/**
 * Why a case does not hold in a release: written for other APIs (spec_versions), or outside its
 * releases (since / until); undefined when it holds there.
 */
export function outsideRelease(c: Pick<SuiteCase, 'spec_versions' | 'releases'>, release: Release): string | undefined {
  if (c.spec_versions && !c.spec_versions.includes(familyOf(release))) return `applies to spec ${c.spec_versions.join(', ')}; the target implements ${release}`;
  if (c.releases && !inRange(release, c.releases)) return `holds ${describeRange(c.releases)}; the target implements ${release}`;
  return undefined;
}

function targetSkip(c: SuiteCase, target: TargetProfile): Skip | undefined {
  const otherRelease = outsideRelease(c, target.release);
  if (otherRelease) return { reason: otherRelease, kind: 'spec_version' };
  const missing = c.requires.filter((cap) => !target.capabilities.includes(cap));
  if (missing.length > 0) return { reason: `the target does not claim capability ${missing.join(', ')}`, kind: 'capability' };
  if (Object.keys(c.devices).length > 0 && target.registration.method === 'static') {
    return { reason: 'needs a second device of a user, which static users cannot log in', kind: 'registration' };
  }
  return undefined;
}

export function planRun(suites: Suite[], target: TargetProfile, sel: Selection, expectations: Expectations): Plan {
  const warnings: string[] = [];
  // A case is judged at the strength the target's own spec text gives it (level_in).
  const all = suites.flatMap((s) => s.cases).map((c) => (c.level_in?.[target.spec_version] ? { ...c, level: c.level_in[target.spec_version]! } : c));
  const known = new Set(all.map((c) => c.fullId));
  for (const id of expectations.keys()) {
    if (!known.has(id)) warnings.push(`expectation for ${id} matches no case`);
  }
  for (const id of sel.ids ?? []) {
    if (!known.has(id)) warnings.push(`no case has id ${id}`);
  }
  const cases: PlannedCase[] = [];
  for (const c of all) {
    // A case outside this shard belongs to another machine's report: leave it out entirely.
    if (sel.shard && !inShard(c.fullId, sel.shard)) continue;
    const expectation = expectations.get(c.fullId);
    const skip =
      selectionSkip(c, sel) ??
      targetSkip(c, target) ??
      (expectation?.expect === 'skip' ? { reason: `expected skip: ${expectation.reason}`, kind: 'expectation' as const } : undefined);
    cases.push({ case: c, ...(skip ? { skip: skip.reason, skipKind: skip.kind } : {}), ...(expectation ? { expectation } : {}) });
  }
  return { cases, warnings };
}
