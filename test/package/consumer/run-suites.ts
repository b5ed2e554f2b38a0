// Runs the conformance suites from a script: against HOMESERVER_URL when it is set (with the target
// profile in TARGET_PROFILE), else against the embedded mock; GREP narrows the cases.
import { ConsoleReporter, JUnitReporter } from 'matrix-presence-conformance/reporters';
import { runSuites, type CaseResult, type RunListener } from 'matrix-presence-conformance/runner';

const failed: CaseResult[] = [];
const collectFailures: RunListener = {
  onCaseEnd(result) {
    if (result.outcome === 'fail' || result.outcome === 'error' || result.outcome === 'timeout') failed.push(result);
  },
};

const report = await runSuites({
  homeserver: process.env.HOMESERVER_URL,
  target: process.env.TARGET_PROFILE,
  grep: process.env.GREP,
  listeners: [new ConsoleReporter({ verbose: false }), new JUnitReporter('presence.xml'), collectFailures],
});
for (const result of failed) console.log(`${result.id}: ${result.message ?? result.outcome} (${result.at})`);
process.exitCode = report.exit_code;
