import { expect } from 'chai';
import { Writable } from 'node:stream';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleReporter, GitHubAnnotationsReporter, JsonReporter, toAnnotations, toHtml, toJUnitXml } from '../../reporters/index.js';
import type { CaseResult, Report } from '../../project/report.js';
import { loadSchemaRegistry } from '../../project/schemas.js';
import { PREMISE, diedMidRunReport, ownPresence404Report } from './report-fixtures.js';

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
  // A report of runner contract v1: its summary has no inconclusive and blocked counts.
  summary: { total: 5, pass: 1, fail: 1, error: 1, skip: 1, xfail: 1, xpass: 0, timeout: 0 } as Report['summary'],
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
    // A report of runner contract v1 has no root causes: no section for them.
    expect(out).to.not.include('ROOT CAUSES');
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

/** What a console reporter writes, on a stream of `columns` columns that is no TTY. */
function consoleSink(columns?: number) {
  const out = { text: '' };
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        out.text += chunk.toString();
        done();
      },
    }),
    { isTTY: false, columns },
  );
  return { out, stream };
}

/** The final output of the console reporter for a report. */
function finalConsole(r: Report, options: { verbose?: boolean; columns?: number } = {}): string {
  const { out, stream } = consoleSink(options.columns);
  new ConsoleReporter({ stream, colour: false, verbose: options.verbose ?? false }).onRunEnd(r);
  return out.text;
}

/** The ROOT CAUSES section: from its heading to the blank line after it. */
function causesSection(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('ROOT CAUSES'));
  expect(start, 'a ROOT CAUSES section').to.be.greaterThan(-1);
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

/** The case ids listed in the lines of a section (after "outcome: " or on continuation lines). */
function idsIn(lines: string[]): string[] {
  return lines.flatMap((l) =>
    l
      .replace(/^ +[a-z]+: /, '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  );
}

describe('runner contract v2: inconclusive and blocked cases, root causes', () => {
  const conduwuit = ownPresence404Report();
  const died = diedMidRunReport();
  const blockedIds = conduwuit.cases.filter((c) => c.outcome === 'blocked').map((c) => c.id);

  it('the fixtures: one cause of 20 cases and a timeout; a dead server is one cause of every error', () => {
    expect(conduwuit.causes!.map((c) => [c.id, c.level, c.cases.length])).to.deep.equal([
      ['c1', 'MUST', 20],
      ['c2', 'SHOULD', 1],
    ]);
    expect(conduwuit.cases.find((c) => c.id === 'idle#relies-1')!.cause).to.equal('c1');
    expect(conduwuit.cases.find((c) => c.id === 'idle#online-becomes-unavailable')!.cause).to.equal(undefined);
    expect(died.causes!.map((c) => c.cases.length)).to.deep.equal([25]);
  });

  it('console: inconclusive and blocked counted apart in the summary line', () => {
    const out = finalConsole(conduwuit);
    expect(out.trim().split('\n').at(-1)).to.equal(
      '24 cases: 2 pass, 4 fail, 1 timeout, 1 inconclusive, 16 blocked in 2s — FAILED (4 gating: status#get-own, status#round-trip, status#status-msg-kept, status#offline-own)',
    );
  });

  it('console: under an inconclusive case what was seen and what to change; under a blocked case what failed and what tests it', () => {
    const out = finalConsole(conduwuit);
    expect(out).to.include(
      `  ? inconclusive MUST   idle#online-becomes-unavailable: Title of idle#online-becomes-unavailable (5ms)\n      premise: ${PREMISE.seen}; change: ${PREMISE.change}\n`,
    );
    expect(out).to.include(
      '  ⊘ blocked MUST   idle#relies-1: Title of idle#relies-1 (5ms)\n      blocked: suites/idle.yaml:3:9 failed; tested by status#get-own\n',
    );
    // Counted in their area, not as passes.
    expect(out).to.include('idle (0/7 pass)');
  });

  it('console: ROOT CAUSES, one line per cause (level, cases, summary) and its cases by outcome under it', () => {
    const section = causesSection(finalConsole(conduwuit));
    expect(section.slice(0, 3)).to.deep.equal([
      'ROOT CAUSES (2 causes of 21 cases)',
      '  c1 MUST, 20 cases: GET {api}/presence/{me}/status: status: got 404, want 200',
      '      fail: status#get-own, status#round-trip, status#status-msg-kept, status#offline-own',
    ]);
    const c2 = section.findIndex((l) => l.startsWith('  c2 '));
    expect(section[3]).to.match(/^ {6}blocked: idle#relies-1, idle#relies-2, /);
    // Several ids to a line, the continuation lines aligned under the first id.
    expect(c2 - 3).to.be.within(2, 4);
    for (const line of section.slice(4, c2)) expect(line).to.match(/^ {15}\S/);
    expect(idsIn(section.slice(3, c2))).to.deep.equal(blockedIds);
    expect(section.slice(c2)).to.deep.equal(['  c2 SHOULD, 1 case: timeout: no complete response within 30000ms (GET /sync)', '      timeout: sync#long-poll']);
    for (const line of section) expect(line.length).to.be.at.most(119);
    // Also with --verbose, and before the warnings, the coverage and the summary line.
    const verbose = finalConsole(conduwuit, { verbose: true });
    expect(causesSection(verbose)).to.deep.equal(section);
  });

  it('console: a server that died mid-run is one cause, its cases listed compactly', () => {
    const section = causesSection(finalConsole(died, { columns: 80 }));
    expect(section.filter((l) => /^ {2}c\d+ /.test(l))).to.deep.equal([
      '  c1 MUST, 25 cases: connect ECONNREFUSED 127.0.0.1:8448 (PUT /_matrix/client/v3/presence/@user/status)',
    ]);
    expect(section[0]).to.equal('ROOT CAUSES (1 cause of 25 cases)');
    expect(section[2]).to.match(/^ {6}error: status#after-death-1, idle#after-death-2,/);
    expect(idsIn(section.slice(2))).to.deep.equal(died.cases.filter((c) => c.outcome === 'error').map((c) => c.id));
    for (const line of section.slice(2)) expect(line.length).to.be.at.most(79);
    expect(section.length).to.be.lessThan(12);
  });

  it('console, while the run goes: the mark and the line under an inconclusive or blocked case, on a TTY or not', () => {
    const inconclusive = conduwuit.cases.find((c) => c.outcome === 'inconclusive')!;
    const blocked = conduwuit.cases.find((c) => c.id === 'idle#relies-1')!;
    const { out, stream } = consoleSink();
    const reporter = new ConsoleReporter({ stream, colour: false });
    reporter.onRunStart({ ...conduwuit, planned: 2 });
    reporter.onCaseEnd(inconclusive);
    reporter.onCaseEnd(blocked);
    expect(out.text.split('\n').slice(1)).to.deep.equal([
      '[1/2] ? inconclusive MUST   idle#online-becomes-unavailable (5ms)',
      `      premise: ${PREMISE.seen}; change: ${PREMISE.change}`,
      '[2/2] ⊘ blocked MUST   idle#relies-1 (5ms)',
      '      blocked: suites/idle.yaml:3:9 failed; tested by status#get-own',
      '',
    ]);
    const tty = consoleSink();
    const live = new ConsoleReporter({ stream: Object.assign(tty.stream, { isTTY: true }), colour: true, refreshMs: 60_000 });
    live.onRunStart({ ...conduwuit, planned: 2 });
    live.onCaseEnd(inconclusive);
    live.onCaseEnd(blocked);
    live.onRunEnd(conduwuit);
    expect(tty.out.text).to.include('\x1b[35m? inconclusive\x1b[39m MUST   idle#online-becomes-unavailable (5ms)\n      premise: ');
    expect(tty.out.text).to.include(
      '\x1b[33m⊘ blocked\x1b[39m MUST   idle#relies-1 (5ms)\n      blocked: suites/idle.yaml:3:9 failed; tested by status#get-own\n',
    );
  });

  it('JUnit: blocked and inconclusive cases are skipped with what to change or what tests them; failures start with their cause', () => {
    const xml = toJUnitXml(conduwuit);
    expect(xml).to.include('<testsuites name="matrix-presence-conformance against mock" tests="24" failures="4" errors="1" skipped="17"');
    expect(xml).to.include('<testsuite name="idle" tests="7" failures="0" errors="0" skipped="7"');
    expect(xml).to.include(`<skipped message="inconclusive: ${PREMISE.seen}; change: ${PREMISE.change}"/>`);
    expect(xml).to.include('<skipped message="blocked: suites/idle.yaml:3:9 failed; tested by status#get-own"/>');
    expect(xml).to.include(
      '<failure type="MUST fail" message="[c1] GET {api}/presence/{me}/status: status: got 404, want 200">suites/status.yaml:10:9: status: got 404, want 200</failure>',
    );
    expect(xml).to.include('<error type="timeout" message="[c2] timeout: no complete response within 30000ms (GET /sync)">');
    // Each suite lists the causes of its cases.
    expect(xml).to.include(
      '<testsuite name="sync" tests="7" failures="0" errors="1" skipped="6" time="0.035">\n    <properties>\n      <property name="cause c1" value="MUST, 20 cases: GET {api}/presence/{me}/status: status: got 404, want 200"/>\n      <property name="cause c2" value="SHOULD, 1 case: timeout: no complete response within 30000ms (GET /sync)"/>\n    </properties>\n    <testcase ',
    );
    expect(xml).to.include('<testsuite name="auth" tests="1" failures="0" errors="0" skipped="0" time="0.005">\n    <testcase ');
    expect(toJUnitXml(report)).to.not.include('<properties>');
  });

  it('GitHub: one annotation per root cause, at the decisive check of its first failing case; inconclusive cases as notices', () => {
    const blocked = blockedIds.join(', ');
    expect(toAnnotations(conduwuit)).to.deep.equal([
      `::error file=suites/status.yaml,line=10,col=9,title=MUST c1%3A GET {api}/presence/{me}/status%3A status%3A got 404%2C want 200 (20 cases)::fail: status#get-own, status#round-trip, status#status-msg-kept, status#offline-own%0Ablocked: ${blocked}`,
      '::warning file=suites/sync.yaml,line=1,col=5,title=SHOULD c2%3A timeout%3A no complete response within 30000ms (GET /sync) (1 case)::timeout: sync#long-poll',
      `::notice file=suites/idle.yaml,line=52,col=11,title=MUST idle#online-becomes-unavailable (inconclusive)::premise: ${PREMISE.seen}; change: ${PREMISE.change}`,
    ]);
    const dead = toAnnotations(died);
    expect(dead).to.have.length(1);
    expect(dead[0]).to.match(
      /^::error file=suites\/status\.yaml,line=1,col=5,title=MUST c1%3A connect ECONNREFUSED .* \(25 cases\)::error: status#after-death-1, /,
    );
  });

  it('GitHub: a cause whose cases were only blocked is a notice; one of expected failures only, none', () => {
    const onlyBlocked = { ...conduwuit, cases: conduwuit.cases.filter((c) => c.outcome === 'blocked'), gating_failures: [] };
    const causes = [{ ...conduwuit.causes![0]!, cases: blockedIds.map((id) => ({ id, outcome: 'blocked' as const })) }];
    expect(toAnnotations({ ...onlyBlocked, causes })[0]).to.match(/^::notice file=suites\/idle\.yaml,line=3,col=9,title=MUST c1%3A /);
    const xfail = [{ ...causes[0]!, cases: [{ id: 'idle#relies-1', outcome: 'xfail' as const }] }];
    expect(toAnnotations({ ...onlyBlocked, causes: xfail, cases: [] })).to.deep.equal([]);
  });

  it('HTML: the new outcomes counted in the header, a root causes table before the clauses, premise and blocked_by in the cases', () => {
    const html = toHtml(conduwuit);
    expect(html).to.match(/<span class="b" style="background:#8250df">1 inconclusive<\/span> <span class="b" style="background:#1b7c83">16 blocked<\/span>/);
    expect(html.indexOf('<h2 id="root-causes">Root causes</h2>')).to.be.greaterThan(0).and.lessThan(html.indexOf('<h2>Clauses</h2>'));
    const row =
      /<tr id="cause-c1" data-kind="cause"[^>]*data-level="must"><td><code>c1<\/code><\/td><td class="gotwant">GET \{api\}\/presence\/\{me\}\/status: status: got 404, want 200<\/td><td>MUST<\/td><td>(.*?)<\/td><\/tr>/.exec(
        html,
      );
    expect(row, 'the row of c1').to.not.equal(null);
    const links = [...row![1]!.matchAll(/href="#(case-[^"]+)"/g)].map((m) => m[1]);
    expect(links).to.have.length(20);
    for (const link of links) expect(html).to.include(`<tr id="${link}" data-kind="case"`);
    expect(row![1]).to.include('20 cases:');
    expect(html).to.include('<tr id="cause-c2" data-kind="cause"');
    expect(html).to.include(`<p class="note">premise (<code>${PREMISE.at}</code>): ${PREMISE.seen}<br><strong>change:</strong> ${PREMISE.change}</p>`);
    expect(html).to.include(
      '<p class="note">blocked: <code>suites/idle.yaml:3:9</code> failed; tested by <a href="#case-status-get-own"><code>status#get-own</code></a></p>',
    );
    expect(html).to.match(/<tr id="case-idle-relies-1" data-kind="case"[^>]*data-outcome="blocked not-passed"/);
    expect(html).to.include('<a class="small" href="#cause-c1" title="GET {api}/presence/{me}/status: status: got 404, want 200">(cause c1)</a>');
    expect(html).to.include('<option value="inconclusive">inconclusive</option><option value="blocked">blocked</option>');
    // A report of runner contract v1 has no root causes.
    expect(toHtml(report)).to.not.include('Root causes');
  });
});

describe('a partial run: interrupted and not-run cases in every reporter', () => {
  const partialReport: Report = {
    ...report,
    runner_contract: 'v2',
    planned: 4,
    summary: { total: 4, pass: 1, fail: 1, error: 0, skip: 0, xfail: 0, xpass: 0, timeout: 0, inconclusive: 0, blocked: 0, interrupted: 1, not_run: 1 },
    exit_code: 130,
    gating_failures: ['s#b'],
    partial: { reason: 'interrupted', signal: 'SIGINT', accepted: false, missing: ['s#c', 's#d'] },
    cases: [
      result('s#a', 'status', 'pass'),
      failed,
      result('s#c', 'status', 'interrupted', { message: 'interrupted (SIGINT): still running 2s after the stop, and abandoned' }),
      result('s#d', 'status', 'not_run', { message: 'not run: the run was interrupted (SIGINT) before it started', duration_ms: 0 }),
    ],
  };

  const consoleText = (r: Report, verbose: boolean) => {
    let out = '';
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    new ConsoleReporter({ stream, colour: false, verbose }).onRunEnd(r);
    return out;
  };

  it('console: the missing cases by outcome and a summary line that says the run was interrupted', () => {
    const lines = consoleText(partialReport, false).trim().split('\n');
    expect(lines.slice(-4)).to.deep.equal([
      'interrupted by SIGINT: 2 cases did not finish',
      '  interrupted: s#c',
      '  not run: s#d',
      '4 cases: 1 pass, 1 fail, 1 interrupted, 1 not_run in 1.5s — INTERRUPTED by SIGINT (2 cases did not finish; FAILED (1 gating: s#b))',
    ]);
    // --quiet lists the interrupted case with why, and leaves the not-run one to the list above.
    expect(lines).to.include('      interrupted (SIGINT): still running 2s after the stop, and abandoned');
    expect(lines.join('\n')).to.not.include('not run: the run was interrupted');
  });

  it('console: out of time, accepted or not', () => {
    const outOfTime = (accepted: boolean): Report => ({
      ...partialReport,
      exit_code: 1,
      partial: { reason: 'max_time', max_time_ms: 600_000, accepted, missing: ['s#c', 's#d'] },
    });
    expect(consoleText(outOfTime(false), false).trim().split('\n').at(-1)).to.match(
      /— PARTIAL \(2 cases left out for time; not accepted without --allow-partial; FAILED \(1 gating: s#b\)\)$/,
    );
    expect(consoleText(outOfTime(true), false).trim().split('\n').at(-1)).to.match(
      /— FAILED \(1 gating: s#b\) \(partial, accepted: 2 cases left out for time\)$/,
    );
    expect(consoleText(outOfTime(true), false)).to.include('out of time: 2 cases left out, their time limits did not fit in what was left of --max-time 10m');
  });

  it('JUnit: both are skipped with their reason, never a pass, a failure or an error', () => {
    const xml = toJUnitXml(partialReport);
    expect(xml).to.match(/<testsuites [^>]* tests="4" failures="1" errors="0" skipped="2"/);
    expect(xml).to.include('<skipped message="interrupted (SIGINT): still running 2s after the stop, and abandoned"/>');
    expect(xml).to.include('<skipped message="not run: the run was interrupted (SIGINT) before it started"/>');
  });

  it('HTML and GitHub: the partial run said once, with its missing cases', () => {
    const html = toHtml(partialReport);
    expect(html).to.include('interrupted by SIGINT: 2 cases did not finish; the verdict covers only the cases that finished.');
    expect(html).to.include('2 missing cases');
    expect(toAnnotations(partialReport)).to.include('::warning title=interrupted by SIGINT%3A 2 cases did not finish::missing: s#c, s#d');
  });

  it('JSON: valid against schemas/report.schema.json', () => {
    expect(loadSchemaRegistry().validate('report', JSON.parse(JSON.stringify(partialReport)))).to.deep.equal([]);
  });
});
