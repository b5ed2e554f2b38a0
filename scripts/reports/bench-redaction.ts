// What redaction costs a run: the whole suite against the in-process mock, once passing and once with a
// fault (so every failing case keeps a redacted transcript), with the time spent inside the Redactor
// measured around each of its public methods.
//
//   npx tsx scripts/reports/bench-redaction.ts
import { performance } from 'node:perf_hooks';
import { Redactor } from '../../project/redact.js';
import { runSuites } from '../../runner/index.js';

const METHODS = ['text', 'value', 'learnFrom', 'learnFromText', 'fork', 'addSecret'] as const;

let depth = 0;
let spent = 0;
let calls = 0;
for (const name of METHODS) {
  const original = Redactor.prototype[name] as (...args: unknown[]) => unknown;
  // Only the outermost call is timed: value() calls text(), learnFrom() calls addSecret().
  (Redactor.prototype as unknown as Record<string, unknown>)[name] = function timed(this: Redactor, ...args: unknown[]) {
    if (depth > 0) return original.apply(this, args);
    depth += 1;
    calls += 1;
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      spent += performance.now() - started;
      depth -= 1;
    }
  };
}

for (const faults of [[], ['status-msg-dropped']]) {
  spent = 0;
  calls = 0;
  const started = performance.now();
  const report = await runSuites({ mockIsolation: 'in-process', expectations: false, faults });
  const wall = performance.now() - started;
  const transcripts = report.cases.reduce((n, c) => n + (c.transcript?.length ?? 0), 0);
  console.log(`${faults.length ? `fault ${faults.join(',')}` : 'no fault'}: ${report.cases.length} cases (${report.summary.fail} fail, ${transcripts} exchanges kept), run ${wall.toFixed(0)} ms, in the Redactor ${spent.toFixed(1)} ms (${calls} calls, ${((100 * spent) / wall).toFixed(1)}% of the run)`);
}
