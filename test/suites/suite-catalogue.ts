// What the suite tests read: the clause catalogue (suites/clauses.yaml), every suite case, the mock's
// fault catalogue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadSuites } from '../../runner/load/load-suite.js';
import { suitesDir } from '../../project/paths.js';
import type { SuiteCase } from '../../runner/load/suite-types.js';

export interface Clause {
  id: string;
  source: { spec: string; section: string; document?: string };
  text: string;
  level: 'MUST' | 'SHOULD' | 'MAY' | 'INFO';
  scope: 'server' | 'client' | 'out-of-scope';
  note?: string;
}

export const clausesFile = join(suitesDir, 'clauses.yaml');

/** The catalogue as parsed YAML (validated by the tests, not here). */
export function readClauseCatalogue(): { title: string; clauses: Clause[] } {
  return parse(readFileSync(clausesFile, 'utf8')) as { title: string; clauses: Clause[] };
}

export async function loadAllCases(): Promise<SuiteCase[]> {
  return (await loadSuites([suitesDir])).flatMap((s) => s.cases);
}
