// `run --homeserver` stays alive while every running case only waits: nothing but the runner's own
// timers is pending then (no socket open), and the run must still finish with its verdict.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../project/paths.js';
import { startMockServer, type RunningMockServer } from '../../mock-server/index.js';

const SUITE = `title: Waiting
area: waiting
cases:
  - id: only-waits
    title: A case that waits with nothing else pending still ends
    level: MUST
    clauses: [v1-client-set-get]
    actors: [alice]
    steps:
      - wait: 1500ms
      - request: { as: alice, method: GET, path: "/_matrix/client/v3/presence/{alice.user_id}/status" }
        expect: { status: 200 }
`;

describe('run against a homeserver while cases only wait', function () {
  this.timeout(60_000);
  let mock: RunningMockServer;
  before(async () => {
    mock = await startMockServer({ config: { rate_limit: { enabled: false } } });
  });
  after(() => mock.close());

  it('finishes with the verdict instead of exiting mid-run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-waits-'));
    await writeFile(join(dir, 'waiting.yaml'), SUITE);
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), 'run', join(dir, 'waiting.yaml'), '--homeserver', mock.url, '--no-expectations'],
        { cwd: projectRoot, timeout: 50_000 },
        (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout }),
      );
    });
    expect(result.code, result.stdout).to.equal(0);
    expect(result.stdout).to.match(/^1 cases: 1 pass in /m);
  });
});
