// The clause catalogue (suites/clauses.yaml): the spec's normative statements by id, which cases name
// in `clauses:`. Only the fields the runner's tools need are read here.
import { readYamlFile } from '../../project/yaml-source.js';
import { ConfigError } from '../../project/errors.js';

export interface Clause {
  id: string;
  level?: string;
  /** server (a case must check it), client, or out-of-scope. Missing means server. */
  scope: string;
  /** The spec text it comes from: v1.19, r0 or early. */
  spec?: string;
  at: string;
}

export async function loadClauses(file: string): Promise<Clause[]> {
  const source = await readYamlFile(file);
  const list = (source.data as { clauses?: unknown } | null)?.clauses;
  if (!Array.isArray(list)) throw new ConfigError(`${source.file}:1:1: want a top-level "clauses" list`);
  return list.map((raw, i) => {
    const c = raw as { id?: unknown; level?: unknown; scope?: unknown; source?: { spec?: unknown } };
    if (typeof c.id !== 'string') throw new ConfigError(`${source.where(`/clauses/${i}`)}: clause without an id`);
    const spec = typeof c.source?.spec === 'string' ? c.source.spec : undefined;
    return { id: c.id, level: typeof c.level === 'string' ? c.level : undefined, scope: typeof c.scope === 'string' ? c.scope : 'server', ...(spec ? { spec } : {}), at: source.where(`/clauses/${i}/id`) };
  });
}
