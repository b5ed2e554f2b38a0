import { expect } from 'chai';
import { Writable } from 'node:stream';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleReporter, GitHubAnnotationsReporter, JsonReporter, toAnnotations, toHtml, toJUnitXml } from '../../reporters/index.js';
import type { CaseResult, Report } from '../../project/report.js';
import { loadSchemaRegistry } from '../../project/schemas.js';

function result(id: string, area: string, outcome: CaseResult['outcome'], extra: Partial<CaseResult> = {}): CaseResult {
  return { id, title: `Title of ${id} <&>`, file: 'suites/s.yaml', area, level: 'MUST', clauses: ['c'], tags: [], outcome, duration_ms: 12, checks: [], failed_at: [], at: 'suites/s.yaml:3:5', ...extra };
}

const failed = result('s#b', 'status', 'fail', {
  message: 'suites/s.yaml:41:9: content.presence: got "online", want "unavailable"',
  checks: [{ path: 'content.presence', expected: '"unavailable"', actual: 'online', passed: false, level: 'MUST', at: 'suites/s.yaml:41:9', message: 'suites/s.yaml:41:9: content.presence: got "online", want "unavailable"' }],
  failed_at: ['suites/s.yaml:41:9'],
  transcript: [{ step: 'GET /x', request: { method: 'GET', url: 'http://h/x', headers: {} }, response: { status: 200, headers: {}, body: '{"presence":"online"}' }, duration_ms: 3 }],
});

const report: Report = {
  runner_contract: 'v1',
  tool: { name: 'matrix-presence-conformance', version: '0.1.0' },
  target: { name: 'mock', url: 'http://127.0.0.1:1', spec_version: 'v1.19', embedded_mock: true, faults: [], profile: 'fixtures/targets/mock.yaml' },
  options: { jobs: 8, strict: false },
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:01.500Z',
  planned: 5,
  duration_ms: 1500,
  summary: { total: 5, pass: 1, fail: 1, error: 1, skip: 1, xfail: 1, xpass: 0, timeout: 0 },
  exit_code: 1,
  gating_failures: ['s#b', 'e#c'],
  warnings: ['expectation for x#y matches no case'],
  cases: [
    result('s#a', 'status', 'pass'),
    failed,
    result('e#c', 'errors', 'error', { message: 'suites/e.yaml:9:9: no complete response within 5000ms (GET /x)' }),
    result('e#d', 'errors', 'skip', { message: 'the target does not claim capability free_for_chat' }),
    result('e#e', 'errors', 'xfail', { expectation: { expect: 'xfail', reason: 'known bug', issue: 'https://example.org/1' } }),
  ],
};

function capture(colour: boolean, verbose = true): string {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { text += chunk.toString(); done(); } });
  const reporter = new ConsoleReporter({ stream, colour, verbose });
  reporter.onRunEnd(report);
  return text;
}

describe('reporters', () => {
  it('console: groups by area, shows got/want with places, reasons, warnings and a summary line', () => {
    const out = capture(false);
    expect(out).to.include('status (1/2 pass)\n  ✓ pass    MUST   s#a: Title of s#a <&> (12ms)\n  ✗ fail    MUST   s#b');
    expect(out).to.include('      suites/s.yaml:41:9: content.presence: got "online", want "unavailable"');
    expect(out).to.include('      suites/e.yaml:9:9: no complete response within 5000ms (GET /x)');
    expect(out).to.include('      the target does not claim capability free_for_chat');
    expect(out).to.include('      known bug (https://example.org/1)');
    expect(out).to.include('warning: expectation for x#y matches no case');
    expect(out.trim().split('\n').at(-1)).to.equal('5 cases: 1 pass, 1 fail, 1 error, 1 skip, 1 xfail in 1.5s — FAILED (2 gating: s#b, e#c)');
    expect(out).to.not.include('\x1b[');
  });

  it('console: colours only when asked (a TTY), and --quiet lists only what did not pass', () => {
    expect(capture(true)).to.include('\x1b[31m');
    const quiet = capture(false, false);
    expect(quiet).to.not.include('s#a:');
    expect(quiet).to.include('s#b:');
  });

  it('JUnit: one testsuite per area, failure/error/skipped elements, escaped text', () => {
    const xml = toJUnitXml(report);
    expect(xml).to.match(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="matrix-presence-conformance against mock" tests="5" failures="1" errors="1" skipped="2" time="1\.500">/);
    expect(xml).to.include('<testsuite name="status" tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).to.include('name="s#a Title of s#a &lt;&amp;&gt;"');
    expect(xml).to.include('<failure type="MUST fail" message="suites/s.yaml:41:9: content.presence: got &quot;online&quot;, want &quot;unavailable&quot;">');
    expect(xml).to.include('GET http://h/x\n  -&gt; 200 {&quot;presence&quot;:&quot;online&quot;}');
    expect(xml).to.include('<error type="error" message="suites/e.yaml:9:9: no complete response within 5000ms (GET /x)">');
    expect(xml).to.include('<skipped message="expected failure: known bug"/>');
    expect(xml.match(/<testcase /g)).to.have.length(5);
  });

  it('HTML: one self-contained page with escaped text and the failure details open', () => {
    const html = toHtml(report);
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.not.match(/<script|https?:\/\/(?!h\/x|127\.0\.0\.1|example\.org)/);
    expect(html).to.include('Title of s#a &lt;&amp;&gt;');
    expect(html).to.include('<h2>status</h2>');
    expect(html).to.include('<details open><summary>details</summary><pre>suites/s.yaml:41:9: content.presence: got &quot;online&quot;, want &quot;unavailable&quot;</pre>');
    expect(html).to.include('FAILED: s#b, e#c');
  });

  it('JSON: writes the canonical report, valid against schemas/report.schema.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpc-json-'));
    await new JsonReporter(join(dir, 'r.json')).onRunEnd(report);
    const written = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as unknown;
    expect(written).to.deep.equal(JSON.parse(JSON.stringify(report)));
    expect(loadSchemaRegistry().validate('report', written)).to.deep.equal([]);
    const broken = { ...report, cases: [{ ...failed, outcome: 'maybe' }] };
    expect(loadSchemaRegistry().validate('report', broken)).to.not.deep.equal([]);
  });
});

describe('GitHub annotations reporter', () => {
  it('marks each failed check of a gating case as an error at its suite line, and an error case at the case', () => {
    expect(toAnnotations(report)).to.deep.equal([
      '::error file=suites/s.yaml,line=41,col=9,title=MUST s#b (fail)::content.presence: got "online", want "unavailable"',
      '::error file=suites/s.yaml,line=3,col=5,title=MUST e#c (error)::suites/e.yaml:9:9: no complete response within 5000ms (GET /x)',
    ]);
  });

  it('makes a failure that does not gate the run a warning, and escapes what workflow commands need', () => {
    const should = result('p#s', 'profile', 'fail', {
      level: 'SHOULD',
      checks: [{ path: 'content.displayname', expected: '"A, B"', actual: undefined, passed: false, level: 'SHOULD', at: 'suites/p.yaml:7:3', message: 'suites/p.yaml:7:3: line one\nline two 100%' }],
    });
    const lines = toAnnotations({ ...report, cases: [should], gating_failures: [] });
    expect(lines).to.deep.equal(['::warning file=suites/p.yaml,line=7,col=3,title=SHOULD p#s (fail)::line one%0Aline two 100%25']);
  });

  it('prints nothing when every case passed', () => {
    let out = '';
    new GitHubAnnotationsReporter((t) => { out += t; }).onRunEnd({ ...report, cases: [result('s#a', 'status', 'pass')], gating_failures: [] });
    expect(out).to.equal('');
  });
});
