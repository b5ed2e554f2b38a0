// The expectations file: known failures (xfail) and skips of one target, keyed by full case id, kept
// outside the suites so that a server's known gaps never need a fork of the suites.
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { readYamlFile } from '../../project/yaml-source.js';
import { assertFormat } from './format-schemas.js';
import type { CaseResult, ExpectationRef } from '../../project/report.js';

export type Expectations = Map<string, ExpectationRef>;

export async function loadExpectations(file: string): Promise<Expectations> {
  const source = await readYamlFile(file);
  assertFormat('expectations', source);
  const cases = (source.data as { cases: Record<string, ExpectationRef> }).cases;
  return new Map(Object.entries(cases));
}

/**
 * An expectations file that makes the given results the expected ones: cases that failed, errored or
 * timed out become xfail; skips made by an earlier expectation stay skips; everything else is dropped.
 */
export function expectationsFromResults(results: CaseResult[], previous: Expectations = new Map()): { cases: Record<string, ExpectationRef> } {
  const cases: Record<string, ExpectationRef> = {};
  for (const r of [...results].sort((a, b) => a.id.localeCompare(b.id))) {
    const before = previous.get(r.id);
    if (r.outcome === 'fail' || r.outcome === 'error' || r.outcome === 'timeout' || r.outcome === 'xfail') {
      // A known failure keeps what was written of it (reason, issue, evidence).
      cases[r.id] = before?.expect === 'xfail' ? before : { expect: 'xfail', reason: `${r.outcome}: ${(r.message ?? '').split('\n')[0]!.slice(0, 200)}` };
    } else if (r.outcome === 'skip' && before?.expect === 'skip') {
      cases[r.id] = before;
    }
  }
  return { cases };
}

export async function writeExpectations(file: string, data: { cases: Record<string, ExpectationRef> }): Promise<void> {
  const header = '# Written by `matrix-presence-conformance run --update-expectations`; edit reasons and add issue URLs.\n';
  await writeFile(file, header + stringify({ description: `Expectations written ${new Date().toISOString()}`, ...data }, { lineWidth: 0 }));
}
