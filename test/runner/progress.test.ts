// What a running case tells listeners it is doing (RunListener.onCaseProgress): provisioning, each wait
// with its length, each sync_until with what it waits for and its deadline, between its start and end.
import { expect } from 'chai';
import { runSuites } from '../../runner/index.js';
import { parseSuiteText } from '../../runner/load/load-suite.js';
import { parseTargetProfile } from '../../runner/load/load-target.js';
import type { CaseProgress, RunListener } from '../../project/report.js';
import { describeWait } from '../../runner/execute/steps/sync-until.js';
import type { SyncUntilStep } from '../../runner/load/suite-types.js';
import { startFakeHomeserver, type FakeHomeserver } from './fake-homeserver.js';

const PROFILE = parseTargetProfile(`name: fake
registration: { method: dummy }
timers: { request_timeout: 300, sync_poll_timeout: 20, delivery_deadline: 150 }
`);

const SUITE = parseSuiteText(
  `title: Progress
area: progress
cases:
  - id: c
    title: A behaviour holds over time
    level: MUST
    clauses: [x]
    actors: [alice, bob]
    steps:
      - wait: 30ms
      - sync_until:
          as: bob
          sender: "{alice.user_id}"
          match: [ { path: content.presence, equals: unavailable }, { path: content.status_msg, equals: away } ]
          deadline: 60ms
      - sync_until: { as: bob, sender: "{alice.user_id}", absent: true, deadline: 40ms, match: [ { path: content.presence, equals: online } ] }
`,
  'test/progress.yaml',
);

describe('case progress events', () => {
  let fake: FakeHomeserver;
  before(async () => {
    fake = await startFakeHomeserver();
  });
  after(() => fake.close());

  it('say what each case is doing and for how long at most, between its start and its end', async () => {
    const events: string[] = [];
    const progress: CaseProgress[] = [];
    const listener: RunListener = {
      onCaseStart: (c) => events.push(`start ${c.id}`),
      onCaseProgress: (p) => {
        events.push(`progress ${p.id}`);
        progress.push(p);
      },
      onCaseEnd: (r) => events.push(`end ${r.id}`),
    };
    const before = Date.now();
    const report = await runSuites({ suites: [SUITE], target: PROFILE, homeserver: fake.url, expectations: false, listeners: [listener] });
    expect(report.cases[0]!.outcome).to.equal('fail'); // the fake never sends alice's unavailable
    expect(progress.map((p) => [p.activity, p.limit_ms])).to.deep.equal([
      ['provisioning users and rooms', undefined],
      ['waiting 30ms', 30],
      ['waiting for unavailable, status_msg="away" from alice (seen by bob)', 60],
    ]);
    expect(events[0]).to.equal('start progress#c');
    expect(events.at(-1)).to.equal('end progress#c');
    for (const p of progress) {
      expect(p.id).to.equal('progress#c');
      expect(p.started_at).to.be.within(before, Date.now());
    }
    // Date.now() counts whole milliseconds, so a 30 ms timer can read as 29 ms.
    expect(progress[2]!.started_at).to.be.at.least(progress[1]!.started_at + 29);
  });

  it('words an absence and a count as what the step makes sure of', () => {
    const steps = SUITE.cases[0]!.steps.filter((s): s is SyncUntilStep => s.kind === 'sync_until');
    expect(describeWait(steps[1]!)).to.equal('making sure no online from alice reaches bob');
    expect(describeWait({ ...steps[0]!, count: 2 })).to.equal('counting unavailable, status_msg="away" from alice (seen by bob), want 2');
  });
});
