import { expect } from 'chai';
import { Writable } from 'node:stream';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleReporter, GitHubAnnotationsReporter, JsonReporter, toAnnotations, toHtml, toJUnitXml } from '../../reporters/index.js';
import type { CaseResult, Report } from '../../project/report.js';
import { loadSchemaRegistry } from '../../project/schemas.js';

function result(id: string, area: string, outcome: CaseResult['outcome'], extra: Partial<CaseResult> = {}): CaseResult {
  return {
    id,
    title: `Title of ${id} <&>`,
    file: 'suites/s.yaml',
    area,
    level: 'MUST',
    clauses: ['c'],
    tags: [],
    outcome,
    duration_ms: 12,
    checks: [],
    failed_at: [],
    at: 'suites/s.yaml:3:5',
    ...extra,
  };
}

const failed = result('s#b', 'status', 'fail', {
  message: 'suites/s.yaml:41:9: content.presence: got "online", want "unavailable"',
  checks: [
    {
      path: 'content.presence',
      expected: '"unavailable"',
      actual: 'online',
      passed: false,
      level: 'MUST',
      at: 'suites/s.yaml:41:9',
      message: 'suites/s.yaml:41:9: content.presence: got "online", want "unavailable"',
    },
  ],
  failed_at: ['suites/s.yaml:41:9'],
  transcript: [
    {
      step: 'GET /x',
      request: { method: 'GET', url: 'http://h/x', headers: {} },
      response: { status: 200, headers: {}, body: '{"presence":"online"}' },
      duration_ms: 3,
    },
  ],
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
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
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
    expect(xml).to.match(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="matrix-presence-conformance against mock" tests="5" failures="1" errors="1" skipped="2" time="1\.500">/,
    );
    expect(xml).to.include('<testsuite name="status" tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).to.include('name="s#a Title of s#a &lt;&amp;&gt;"');
    expect(xml).to.include('<failure type="MUST fail" message="suites/s.yaml:41:9: content.presence: got &quot;online&quot;, want &quot;unavailable&quot;">');
    expect(xml).to.include('GET http://h/x\n  -&gt; 200 {&quot;presence&quot;:&quot;online&quot;}');
    expect(xml).to.include('<error type="error" message="suites/e.yaml:9:9: no complete response within 5000ms (GET /x)">');
    expect(xml).to.include('<skipped message="expected failure: known bug"/>');
    expect(xml.match(/<testcase /g)).to.have.length(5);
  });

  it("HTML: one self-contained page, the clause matrix from the report's catalogue, each failure's got/want folded", () => {
    const html = toHtml({ ...report, clauses: [{ id: 'c', level: 'MUST', scope: 'server', spec: 'v1.19', section: 'Presence', text: 'The <clause> text' }] });
    expect(html).to.match(/^<!doctype html>/);
    // Nothing fetched: no external script, style, image or font.
    expect(html).to.not.match(/<script[^>]*\ssrc=|<link\b|<img\b|@import|url\(/);
    expect(html).to.include('Title of s#a &lt;&amp;&gt;');
    expect(html).to.include('The &lt;clause&gt; text');
    expect(html).to.match(/<a class="t" style="background:#cf222e" href="#clause-c" title="c \(MUST\): deviates">M<\/a>/);
    expect(html).to.match(/<tr id="case-s-b" data-kind="case"[^>]*data-outcome="fail not-passed" data-level="must">/);
    expect(html).to.include('<details><summary>got/want of 1 failed check and the transcript</summary>');
    expect(html).to.include('<td class="gotwant got">&quot;online&quot;</td><td class="gotwant want">&quot;unavailable&quot;</td>');
    expect(html).to.include('GET http://h/x\n  -&gt; 200 {&quot;presence&quot;:&quot;online&quot;}');
    expect(html).to.include('2 gating cases</summary><a href="#case-s-b"><code>s#b</code></a>, <a href="#case-e-c"><code>e#c</code></a>');
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

const infoCheck = (passed: boolean) => ({
  path: 'errcode',
  expected: 'one of ["M_BAD_JSON"]',
  actual: passed ? 'M_BAD_JSON' : 'M_UNKNOWN',
  passed,
  level: 'INFO' as const,
  at: 'suites/e.yaml:25:15',
  message: `suites/e.yaml:25:15: errcode: ${passed ? '"M_BAD_JSON" is' : 'got "M_UNKNOWN", want'} one of ["M_BAD_JSON"]`,
});
const observed: Report = {
  ...report,
  cases: [
    result('e#i', 'errors', 'pass', { checks: [infoCheck(true)] }),
    result('e#j', 'errors', 'fail', { checks: [infoCheck(false), failed.checks[0]!], failed_at: ['suites/s.yaml:41:9'], message: failed.message }),
  ],
  summary: { ...report.summary, total: 2, pass: 1, fail: 1, error: 0, skip: 0, xfail: 0 },
  gating_failures: ['e#j'],
};

describe('INFO observations in every reporter', () => {
  it("JUnit: each case's observations are its system-out, passing or not, deviations marked", () => {
    const xml = toJUnitXml(observed);
    expect(xml).to.include(
      'name="e#i Title of e#i &lt;&amp;&gt;" file="suites/s.yaml" time="0.012">\n      <system-out>info: suites/e.yaml:25:15: errcode: &quot;M_BAD_JSON&quot; is one of [&quot;M_BAD_JSON&quot;]</system-out>\n    </testcase>',
    );
    expect(xml).to.match(
      /<failure type="MUST fail"[^>]*>[^<]*<\/failure>\n {6}<system-out>info \(deviating\): suites\/e\.yaml:25:15: errcode: got &quot;M_UNKNOWN&quot;/,
    );
  });

  it("GitHub: each observation is a notice at its matcher's line, after the errors", () => {
    expect(toAnnotations(observed)).to.deep.equal([
      '::error file=suites/s.yaml,line=41,col=9,title=MUST e#j (fail)::content.presence: got "online", want "unavailable"',
      '::notice file=suites/e.yaml,line=25,col=15,title=INFO e#i::errcode: "M_BAD_JSON" is one of ["M_BAD_JSON"]',
      '::notice file=suites/e.yaml,line=25,col=15,title=INFO e#j (deviating)::errcode: got "M_UNKNOWN", want one of ["M_BAD_JSON"]',
    ]);
  });

  it('console: counted in the summary line, also with --quiet, which hides the lines', () => {
    const text = (verbose: boolean) => {
      let out = '';
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          out += chunk.toString();
          done();
        },
      });
      new ConsoleReporter({ stream, colour: false, verbose }).onRunEnd(observed);
      return out;
    };
    expect(text(true)).to.include('      info: suites/e.yaml:25:15: errcode: "M_BAD_JSON" is one of ["M_BAD_JSON"]');
    expect(text(true).trim().split('\n').at(-1)).to.equal('2 cases: 1 pass, 1 fail in 1.5s; 2 info observations (1 deviating) — FAILED (1 gating: e#j)');
    expect(text(false)).to.not.include('info: suites');
    expect(text(false)).to.include('; 2 info observations (1 deviating), listed without --quiet — FAILED');
  });
});

describe('console progress', () => {
  function sink(isTTY: boolean) {
    const out = { text: '' };
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc, done) {
          out.text += chunk.toString();
          done();
        },
      }),
      { isTTY, columns: 200 },
    );
    return { out, stream };
  }
  const info = { ...report, planned: 3 };

  it('without a TTY: one line per case as it finishes, skips counted but not listed', () => {
    const { out, stream } = sink(false);
    const reporter = new ConsoleReporter({ stream, colour: false });
    reporter.onRunStart(info);
    reporter.onCaseEnd(result('e#d', 'errors', 'skip'));
    reporter.onCaseStart({ id: 's#a' });
    reporter.onCaseEnd(result('s#a', 'status', 'pass'));
    reporter.onCaseEnd(failed);
    const lines = out.text.split('\n');
    expect(lines[1]).to.equal('[2/3] ✓ pass    MUST   s#a (12ms)');
    expect(lines[2]).to.equal('[3/3] ✗ fail    MUST   s#b (12ms)');
    expect(out.text).to.not.include('e#d');
    expect(out.text).to.not.include('\x1b[');
  });

  it('on a TTY: a live block of each running case and what it waits for, redrawn in place', () => {
    const { out, stream } = sink(true);
    let now = 1_000_000;
    const reporter = new ConsoleReporter({ stream, colour: false, now: () => now, refreshMs: 60_000 });
    reporter.onRunStart(info);
    reporter.onCaseStart({ id: 'idle#online-becomes-unavailable' });
    reporter.onCaseStart({ id: 's#a' });
    reporter.onCaseProgress({
      id: 'idle#online-becomes-unavailable',
      activity: 'waiting for unavailable from alice (seen by bob)',
      started_at: now,
      limit_ms: 310_000,
    });
    now += 41_000;
    expect(reporter.liveBlock()).to.deep.equal([
      '0/3 done, 2 running',
      '  idle#online-becomes-unavailable: waiting for unavailable from alice (seen by bob), 41s of 5m 10s',
      '  s#a: starting, 41s',
    ]);
    reporter.onCaseEnd(failed);
    // The failure is printed, then the block below it; when the next case ends, the block is taken away
    // (cursor up over its three lines, clear down) and drawn again in place rather than appended.
    expect(out.text).to.include('  ✗ fail    MUST   s#b (12ms)\n1/3 done, 2 running\n');
    reporter.onCaseEnd(result('s#a', 'status', 'pass'));
    expect(out.text).to.include('  s#a: starting, 41s\n\x1b[3A\x1b[0J2/3 done, 1 running\n');
    expect(out.text).to.not.match(/✓ pass +MUST +s#a \(/);
    reporter.onRunEnd(report);
    expect(out.text.split('\x1b[0J').at(-1)).to.not.include('running');
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
      checks: [
        {
          path: 'content.displayname',
          expected: '"A, B"',
          actual: undefined,
          passed: false,
          level: 'SHOULD',
          at: 'suites/p.yaml:7:3',
          message: 'suites/p.yaml:7:3: line one\nline two 100%',
        },
      ],
    });
    const lines = toAnnotations({ ...report, cases: [should], gating_failures: [] });
    expect(lines).to.deep.equal(['::warning file=suites/p.yaml,line=7,col=3,title=SHOULD p#s (fail)::line one%0Aline two 100%25']);
  });

  it('prints nothing when every case passed', () => {
    let out = '';
    new GitHubAnnotationsReporter((t) => {
      out += t;
    }).onRunEnd({ ...report, cases: [result('s#a', 'status', 'pass')], gating_failures: [] });
    expect(out).to.equal('');
  });
});
