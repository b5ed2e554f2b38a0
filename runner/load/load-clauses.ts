// The clause catalogue (suites/clauses.yaml): the spec's normative statements by id, which cases name
// in `clauses:`. The runner's tools read ids, levels and scopes; a run's report carries the source and
// the text too, so that its clause matrix renders from the saved report alone.
import { readYamlFile } from '../../project/yaml-source.js';
import { ConfigError } from '../../project/errors.js';
import type { ClauseInfo, Level } from '../../project/report.js';
import { isRelease, type ReleaseRange } from '../../project/releases.js';
import { isSpecVersion, type SpecVersion } from '../../project/spec-versions.js';

export interface Clause {
  id: string;
  level?: string;
  /** server (a case must check it), client, or out-of-scope. Missing means server. */
  scope: string;
  at: string;
  /** The spec text, the section, and the statement in the project's words. */
  spec?: SpecVersion;
  section?: string;
  text?: string;
  /** The releases whose text has the statement (open ends: every release of its text). */
  releases?: ReleaseRange;
}

export async function loadClauses(file: string): Promise<Clause[]> {
  const source = await readYamlFile(file);
  const list = (source.data as { clauses?: unknown } | null)?.clauses;
  if (!Array.isArray(list)) throw new ConfigError(`${source.file}:1:1: want a top-level "clauses" list`);
  return list.map((raw, i) => {
    const c = raw as {
      id?: unknown;
      level?: unknown;
      scope?: unknown;
      text?: unknown;
      since?: unknown;
      until?: unknown;
      source?: { spec?: unknown; section?: unknown };
    };
    if (typeof c.id !== 'string') throw new ConfigError(`${source.where(`/clauses/${i}`)}: clause without an id`);
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const spec = text(c.source?.spec);
    const release = (value: unknown) => (typeof value === 'string' && isRelease(value) ? value : undefined);
    const range: ReleaseRange = { since: release(c.since), until: release(c.until) };
    const optional = {
      spec: spec !== undefined && isSpecVersion(spec) ? spec : undefined,
      section: text(c.source?.section),
      text: text(c.text),
      releases: range.since || range.until ? Object.fromEntries(Object.entries(range).filter(([, v]) => v)) : undefined,
    };
    return {
      id: c.id,
      level: text(c.level),
      scope: text(c.scope) ?? 'server',
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      at: source.where(`/clauses/${i}/id`),
    };
  });
}

/** The catalogue as a report carries it (schemas/report.schema.json, `clauses`). */
export function clauseInfo(clauses: Clause[]): ClauseInfo[] {
  return clauses.map((c) => ({
    id: c.id,
    level: (c.level ?? 'INFO') as Level,
    scope: c.scope,
    spec: c.spec ?? 'v1.19',
    ...c.releases,
    section: c.section ?? '',
    text: c.text ?? '',
  }));
}
