// `coverage`: which clauses of the catalogue (suites/clauses.yaml) the suites check, and which no case
// names. Only `scope: server` clauses need a case; client-side and out-of-scope ones are listed apart.
import type { SpecVersion } from '../../project/spec-versions.js';
import type { Clause } from '../load/load-clauses.js';
import type { Suite } from '../load/suite-types.js';

export interface Coverage {
  clauses: Clause[];
  server: Clause[];
  /** Server clauses no case names. */
  uncovered: Clause[];
  /** Full ids of the cases that name each clause. */
  casesByClause: Map<string, string[]>;
}

export function clauseCoverage(clauses: Clause[], suites: Suite[]): Coverage {
  const casesByClause = new Map<string, string[]>();
  for (const c of suites.flatMap((s) => s.cases)) {
    for (const id of c.clauses) casesByClause.set(id, [...(casesByClause.get(id) ?? []), c.fullId]);
  }
  const server = clauses.filter((c) => c.scope === 'server');
  return { clauses, server, uncovered: server.filter((c) => !casesByClause.has(c.id)), casesByClause };
}

export interface SpecCoverage {
  spec: SpecVersion;
  server: number;
  covered: number;
  by_level: Record<string, { server: number; covered: number }>;
}

/** The server clauses and how many a case names, per spec text and level, in catalogue order. */
export function coverageBySpec(server: Clause[], uncovered: Clause[]): SpecCoverage[] {
  const missing = new Set(uncovered.map((c) => c.id));
  const bySpec = new Map<SpecVersion, SpecCoverage>();
  for (const c of server) {
    const spec = c.spec ?? 'v1.19';
    const entry: SpecCoverage = bySpec.get(spec) ?? { spec, server: 0, covered: 0, by_level: {} };
    const level = (entry.by_level[c.level ?? 'INFO'] ??= { server: 0, covered: 0 });
    entry.server += 1;
    level.server += 1;
    if (!missing.has(c.id)) {
      entry.covered += 1;
      level.covered += 1;
    }
    bySpec.set(spec, entry);
  }
  return [...bySpec.values()];
}
