import { expect } from 'chai';
import { join } from 'node:path';
import { parseSuiteText, loadSuites } from '../../runner/load/load-suite.js';
import { ConfigError } from '../../project/errors.js';
import { projectRoot } from '../../project/paths.js';

const head = 'title: T\narea: status\ncases:\n';
function suite(cases: string): string {
  return head + cases;
}
const okCase = (id: string, extra = '') => `  - id: ${id}
    title: Something holds
    level: MUST
    clauses: [c1]
    actors: [alice]
${extra}    steps:
      - request: { as: alice, method: GET, path: "/x/{alice.user_id}" }
        expect: { status: 200 }
`;

function problems(text: string): string {
  try {
    parseSuiteText(text, 'suites/t.yaml');
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the suite to be refused');
}

describe('suite loading', () => {
  it('loads a valid suite with full ids and positions', () => {
    const s = parseSuiteText(suite(okCase('a') + okCase('b')), 'suites/t.yaml');
    expect(s.cases.map((c) => c.fullId)).to.deep.equal(['t#a', 't#b']);
    expect(s.cases[1]!.at).to.equal('suites/t.yaml:12:5');
    expect(s.cases[0]!.steps[0]!.kind).to.equal('request');
  });

  it('keeps the position of every matcher', () => {
    const s = parseSuiteText(
      suite(`  - id: a
    title: Something holds
    level: MUST
    clauses: [c1]
    steps:
      - request: { method: GET, path: /x }
        expect:
          body:
            - { path: presence, equals: online }
`),
      'suites/t.yaml',
    );
    const step = s.cases[0]!.steps[0]!;
    expect(step.kind === 'request' && step.expect!.body![0]!.at).to.equal('suites/t.yaml:12:15');
  });

  it('refuses schema violations with file:line:col', () => {
    expect(problems(suite(okCase('a').replace('level: MUST', 'level: MAYBE')))).to.match(/^suites\/t\.yaml:6:5: suite \/cases\/0\/level: got "MAYBE"/);
  });

  it('refuses a step with two kinds', () => {
    expect(
      problems(
        suite(
          okCase('a') +
            `      - wait: 1s
        request: { method: GET, path: /y }
`,
        ),
      ),
    ).to.include('want exactly one of request, sync_until, wait');
  });

  it('explains what a duration looks like', () => {
    const text = suite(okCase('a').replace('    steps:\n', '    steps:\n      - wait: "2 s!"\n'));
    expect(problems(text)).to.include('wait: got "2 s!", want a duration: milliseconds, "500ms", "2s" or an expression like "idle_timeout + 2s"');
  });

  it('refuses duplicate ids', () => {
    expect(problems(suite(okCase('a') + okCase('a')))).to.match(/suites\/t\.yaml:12:5: duplicate case id "a" \(first at suites\/t\.yaml:4:5\)/);
  });

  it('refuses unknown actors, templates and uncaptured names', () => {
    const text = suite(`  - id: a
    title: Something holds
    level: MUST
    clauses: [c1]
    actors: [alice]
    rooms: [{ name: r, creator: carol }]
    steps:
      - request: { as: bob, method: GET, path: "/x/{dave.user_id}/{captured.t}" }
`);
    const msg = problems(text);
    expect(msg).to.include('unknown actor "carol"');
    expect(msg).to.include('unknown actor "bob"');
    expect(msg).to.include('unknown template {dave.user_id}');
    expect(msg).to.include('unknown template {captured.t} (captured by no earlier step)');
  });

  it('refuses bad durations and regular expressions at their position', () => {
    const text = suite(`  - id: a
    title: Something holds
    level: MUST
    clauses: [c1]
    steps:
      - wait: "idle_timout + 1s"
      - request: { method: GET, path: /x }
        expect:
          body: [ { path: a, matches: "(" } ]
`);
    const msg = problems(text);
    expect(msg).to.match(/suites\/t\.yaml:9:9: duration "idle_timout \+ 1s": unknown timer "idle_timout"/);
    expect(msg).to.include('invalid regular expression');
  });

  it('accepts captured values in later durations only', () => {
    const base = `  - id: a
    title: Something holds
    level: SHOULD
    clauses: [c1]
    steps:
`;
    expect(problems(suite(base + '      - wait: "{captured.retry}"\n'))).to.include('captured by no earlier step');
    const ok = suite(
      base +
        `      - request: { method: GET, path: /x }
        capture: { retry: body.retry_after_ms }
      - wait: "{captured.retry} + 100ms"
`,
    );
    expect(parseSuiteText(ok, 'suites/t.yaml').cases[0]!.steps).to.have.length(2);
  });

  it('loads a folder and refuses the same full id in two files', async () => {
    const suites = await loadSuites([join(projectRoot, 'test/fixtures/suites/e2e')]);
    expect(suites.flatMap((s) => s.cases).length).to.be.greaterThan(0);
    const err = await loadSuites([join(projectRoot, 'test/fixtures/suites/e2e'), join(projectRoot, 'test/fixtures/suites/e2e/basic.yaml')]).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).to.match(/case basic#\S+ is also defined at/);
  });
});
