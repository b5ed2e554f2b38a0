// Root causes: cases grouped by the first thing that went wrong in them, whatever ids, places and
// durations the messages carry.
import { expect } from 'chai';
import type { CaseResult, Check } from '../../project/report.js';
import { generalize, rootCauses, withoutIds } from '../../project/root-causes.js';

function check(fields: Partial<Check>): Check {
  return {
    path: 'status',
    expected: '200',
    actual: 404,
    passed: false,
    message: 'suites/a.yaml:1:2: status: got 404, want 200',
    level: 'MUST',
    at: 'suites/a.yaml:1:2',
    ...fields,
  };
}

function result(id: string, fields: Partial<CaseResult>): CaseResult {
  return {
    id,
    title: id,
    file: 'suites/a.yaml',
    area: 'a',
    level: 'MUST',
    clauses: [],
    tags: [],
    outcome: 'fail',
    duration_ms: 1,
    checks: [],
    failed_at: [],
    at: 'suites/a.yaml:1:1',
    ...fields,
  };
}

const OWN_GET = 'GET {api}/presence/{me}/status';

describe('root causes', () => {
  it('takes places, user and room ids out of a text, and durations out of its key', () => {
    const text = 'suites/x.yaml:12:7: no m.presence event from @mpc-abc-1-alice:localhost:8448 in !r00m:localhost within 1.5s';
    expect(withoutIds(text)).to.equal('no m.presence event from @user in !room within 1.5s');
    expect(generalize(text)).to.equal('no m.presence event from @user in !room within #s');
  });

  it('groups the same refusal of the same request in many cases, failed or blocked, as one cause', () => {
    const { causes, causeOf } = rootCauses([
      result('s#direct', { checks: [check({ request: OWN_GET })] }),
      result('s#relying', {
        outcome: 'blocked',
        checks: [check({ request: OWN_GET, role: 'setup', at: 'suites/b.yaml:9:9', message: 'suites/b.yaml:9:9: status: got 404, want 200' })],
      }),
      result('s#other-status', { checks: [check({ request: OWN_GET, actual: 500, message: 'suites/a.yaml:3:3: status: got 500, want 200' })] }),
      result('s#passed', { outcome: 'pass' }),
      result('s#premise', { outcome: 'inconclusive', checks: [check({ role: 'premise' })] }),
    ]);
    expect(causes.map((c) => [c.id, c.summary, c.cases.map((x) => `${x.id}:${x.outcome}`)])).to.deep.equal([
      ['c1', `${OWN_GET}: status: got 404, want 200`, ['s#direct:fail', 's#relying:blocked']],
      ['c2', `${OWN_GET}: status: got 500, want 200`, ['s#other-status:fail']],
    ]);
    expect([...causeOf.keys()]).to.deep.equal(['s#direct', 's#relying', 's#other-status']);
  });

  it('groups a value that is missing as one cause, whatever each case wanted it to be', () => {
    const dropped = (id: string, want: string) =>
      result(id, {
        checks: [
          check({
            request: OWN_GET,
            path: 'status_msg',
            expected: JSON.stringify(want),
            actual: undefined,
            message: `suites/a.yaml:2:2: status_msg: got nothing, want "${want}"`,
          }),
        ],
      });
    const { causes } = rootCauses([dropped('s#a', 'here'), dropped('s#b', 'away')]);
    expect(causes.map((c) => [c.summary, c.cases.length])).to.deep.equal([[`${OWN_GET}: status_msg: got nothing`, 2]]);
  });

  it('reads a server that died mid-run as one cause, and a request of another user as another', () => {
    const died = Array.from({ length: 30 }, (_, i) =>
      result(`s#c${i}`, {
        outcome: 'error',
        message: `suites/a.yaml:${i}:3: PUT /presence/@mpc-x-${i}-alice:localhost/status: connect ECONNREFUSED 127.0.0.1:8008 after ${i}ms`,
      }),
    );
    const { causes } = rootCauses(died);
    expect(causes).to.have.length(1);
    expect(causes[0]!.cases).to.have.length(30);
    const two = rootCauses([
      result('s#a', { checks: [check({ request: OWN_GET })] }),
      result('s#b', { checks: [check({ request: 'GET {api}/presence/{user}/status' })] }),
    ]);
    expect(two.causes).to.have.length(2);
  });

  it('ranks causes by how many cases they hold, and takes the strongest level of their cases', () => {
    const { causes } = rootCauses([
      result('s#one', { level: 'SHOULD', checks: [check({ request: 'PUT x' })] }),
      result('s#two', { level: 'MAY', checks: [check({ request: OWN_GET })] }),
      result('s#three', { level: 'MUST', checks: [check({ request: OWN_GET })] }),
    ]);
    expect(causes.map((c) => [c.id, c.level, c.cases.length])).to.deep.equal([
      ['c1', 'MUST', 2],
      ['c2', 'SHOULD', 1],
    ]);
  });
});
