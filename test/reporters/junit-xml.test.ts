// The JUnit file read by an XML parser, as CI reads it: well-formed whatever the server sent (control
// characters, a CDATA end, quotes, emoji, lone surrogates), and the counts CI shows right.
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { toJUnitXml } from '../../reporters/junit-reporter.js';
import type { Report } from '../../project/report.js';
import { hostileReport } from './report-fixtures.js';

const HOSTILE = `nul\u0000 bell\u0007 esc\u001b vt\u000b ff\u000c ]]> <![CDATA[ "double" 'single' & &amp; <tag> 😀 lone\ud800 high\udbff low\udc00 nonchar\ufffe\uffff tab\t end`;

/** XML 1.0's Char production: what a document may contain at all. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** The text as the file carries it: what XML cannot hold dropped, everything else kept. */
const kept = (text: string) => [...text].filter((ch) => !NOT_XML_CHAR.test(ch)).join('');

interface Parsed {
  testsuites: Record<string, string> & {
    testsuite: (Record<string, string> & { testcase: Record<string, unknown>[] })[];
  };
}

function parse(xml: string): Parsed {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return parser.parse(xml) as Parsed;
}

describe('JUnit XML read by a parser', () => {
  const report: Report = hostileReport(HOSTILE);
  const xml = toJUnitXml(report);

  it('is well-formed, and holds only characters XML allows, whatever the server sent', () => {
    expect(XMLValidator.validate(xml)).to.equal(true);
    expect(xml).to.not.match(NOT_XML_CHAR);
    // Sanity: the check above finds what it is meant to.
    expect(HOSTILE).to.match(NOT_XML_CHAR);
  });

  it('counts per run and per area what CI shows: tests, failures, errors, skipped', () => {
    const { testsuites } = parse(xml);
    // Inconclusive and blocked cases judged nothing: skipped, as skip and xfail are.
    expect(testsuites).to.include({ tests: '9', failures: '2', errors: '2', skipped: '4' });
    const suites = Object.fromEntries(testsuites.testsuite.map((s) => [s.name, s]));
    expect(Object.keys(suites)).to.deep.equal(['status', 'errors', 'idle']);
    expect(suites.status).to.include({ tests: '4', failures: '1', errors: '2', skipped: '0' });
    expect(suites.errors).to.include({ tests: '3', failures: '1', errors: '0', skipped: '2' });
    expect(suites.idle).to.include({ tests: '2', failures: '0', errors: '0', skipped: '2' });
    expect(suites.status!.testcase).to.have.length(4);
    expect(suites.errors!.testcase).to.have.length(3);
  });

  it('carries the texts back as they were, less only what XML cannot hold', () => {
    const { testsuites } = parse(xml);
    expect(testsuites.name).to.equal('matrix-presence-conformance against ' + kept(`target ${HOSTILE}`));
    const cases = testsuites.testsuite.flatMap((s) => s.testcase) as (Record<string, string> & Record<string, Record<string, string>>)[];
    const byName = (id: string) => cases.find((c) => c.name!.startsWith(`${id} `))!;
    expect(byName('status#fail').name).to.equal(kept(`status#fail title ${HOSTILE}`));
    // A failure's message is its root cause: "[c1] <summary>", on one line.
    const cause = (id: string) => report.causes!.find((c) => c.cases.some((k) => k.id === id))!;
    expect(byName('status#fail').failure).to.include({
      type: 'MUST fail',
      message: kept(`[${cause('status#fail').id}] ${cause('status#fail').summary.split('\n')[0]}`),
    });
    expect(byName('status#fail').failure!['#text']).to.include(kept(JSON.stringify({ presence: 'online', status_msg: HOSTILE })));
    expect(byName('status#error').error).to.include({ type: 'error', message: kept(`[${cause('status#error').id}] message ${HOSTILE}`) });
    expect(byName('idle#inconclusive').skipped).to.include({ message: kept(`inconclusive: seen ${HOSTILE}; change: change ${HOSTILE}`) });
    expect(byName('idle#blocked').skipped).to.include({ message: kept(`blocked: suites/idle.yaml:7:7 ${HOSTILE} failed; tested by status#${HOSTILE}`) });
    const status = testsuites.testsuite[0] as unknown as { properties: { property: Record<string, string>[] | Record<string, string> } };
    expect([status.properties.property].flat().map((p) => p.name)).to.deep.equal(
      [...new Set(['status#fail', 'status#error', 'status#timeout'].map((id) => `cause ${cause(id).id}`))].sort(),
    );
    expect(byName('status#timeout').error).to.include({ type: 'timeout' });
    expect(byName('errors#xpass').failure).to.include({ type: 'MUST xpass' });
    expect(byName('errors#xfail').skipped).to.include({ message: kept(`expected failure: reason ${HOSTILE}`) });
    expect(byName('errors#skip').skipped).to.include({ message: kept(`message ${HOSTILE}`) });
    expect(byName('status#pass')['system-out']).to.equal(
      kept(`info: suites/status.yaml:9:9: content.status_msg: got ${JSON.stringify(HOSTILE)}\nsecond line ${HOSTILE}`),
    );
    expect(byName('status#pass').failure).to.equal(undefined);
    // The emoji, a pair of surrogates, is one character XML allows: kept whole.
    expect(byName('status#pass').name).to.include('😀');
  });
});
