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

/**
 * The mock of each release the suites are proven against (fixtures/targets/<name>.yaml): v1.19,
 * r0.0.0 (mock-r0), r0.6.1, the next version and early.
 */
export const DIALECT_PROFILES = ['mock', 'mock-r0', 'mock-r0.6.1', 'mock-next', 'mock-early'];

/** The API family of each of those profiles' releases. */
export const SPEC_VERSION_OF: Record<string, 'v1.19' | 'r0' | 'early'> = {
  mock: 'v1.19',
  'mock-r0': 'r0',
  'mock-r0.6.1': 'r0',
  'mock-next': 'v1.19',
  'mock-early': 'early',
};
