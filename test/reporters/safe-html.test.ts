// The HTML pages print what the server under test sent (a status_msg, an error body), so escaping is the
// tag's default: these tests hold the tag to it, and the two pages to having no way around it.
import { expect } from 'chai';
import fc from 'fast-check';
import { escapeHtml, joinHtml, safeHtml, type Html } from '../../project/html.js';
import { compareReports } from '../../reporters/compare-reports.js';
import { comparisonHtml } from '../../reporters/compare-html.js';
import { toHtml } from '../../reporters/html-reporter.js';
import { hostileReport, named } from './report-fixtures.js';

const HOSTILE = `</td></tr><script>alert(1)</script><img src=x onerror=alert(2)>" onmouseover="alert(3)' onfocus='alert(4) &amp; ]]>`;

/** What a browser reads back from escaped text: the five entities the tag writes. */
function unescape(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
}

describe('safeHtml: the escaping template tag', () => {
  it('escapes every interpolated text, and leaves the markup written in the template alone', () => {
    const value = `<b class="x">Tom & 'Jerry'</b>`;
    expect(safeHtml`<p>${value}</p>`.text).to.equal('<p>&lt;b class=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;</p>');
    expect(String(safeHtml`<p>${value}</p>`)).to.equal(safeHtml`<p>${value}</p>`.text);
  });

  it('inserts a fragment the tag made as it is, so nesting escapes each text once', () => {
    const inner = safeHtml`<code>${'a<b'}</code>`;
    expect(safeHtml`<td>${inner}</td>`.text).to.equal('<td><code>a&lt;b</code></td>');
    expect(safeHtml`<tr>${safeHtml`<td>${inner}</td>`}</tr>`.text).to.equal('<tr><td><code>a&lt;b</code></td></tr>');
    expect(safeHtml`${'&lt;'}`.text, 'an entity in text is text').to.equal('&amp;lt;');
  });

  it('joins arrays, escaping the texts in them and keeping the fragments; joinHtml escapes its separator', () => {
    const cells = ['<1>', safeHtml`<td>2</td>`, ['<3>', safeHtml`<i>4</i>`]];
    expect(safeHtml`<tr>${cells}</tr>`.text).to.equal('<tr>&lt;1&gt;<td>2</td>&lt;3&gt;<i>4</i></tr>');
    expect(joinHtml(['<a>', safeHtml`<b>`], ', ').text).to.equal('&lt;a&gt;, <b>');
    expect(joinHtml(['a', 'b'], '<br>').text).to.equal('a&lt;br&gt;b');
    expect(joinHtml(['a', 'b'], safeHtml`<br>`).text).to.equal('a<br>b');
    expect(joinHtml([], ' ').text).to.equal('');
  });

  it('prints numbers, and nothing for undefined, null and false (a condition not met)', () => {
    expect(safeHtml`${0}|${12.5}|${undefined}|${null}|${false}|${''}`.text).to.equal('0|12.5||||');
  });

  it('keeps a value inside its attribute, quoted either way', () => {
    const breakOut = `x" onclick="alert(1)`;
    expect(safeHtml`<a title="${breakOut}">`.text).to.equal('<a title="x&quot; onclick=&quot;alert(1)">');
    expect(safeHtml`<a title='${`x' onclick='alert(1)`}'>`.text).to.equal(`<a title='x&#39; onclick=&#39;alert(1)'>`);
  });

  it('trusts only what the tag made: an object shaped like a fragment is escaped', () => {
    const forged = { text: '<script>alert(1)</script>', toString: () => '<script>alert(1)</script>' } as Html;
    expect(safeHtml`<p>${forged}</p>`.text).to.equal('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(joinHtml([forged], ' ').text).to.equal('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapeHtml: no character that ends text or an attribute survives, and reading it back gives the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeHtml(text);
        expect(escaped).to.not.match(/[<>"']/);
        expect(escaped).to.not.match(/&(?!(lt|gt|quot|#39|amp);)/);
        expect(unescape(escaped)).to.equal(text);
      }),
    );
  });
});

/** Every tag name and every attribute name in a page, read off the markup. */
function markup(page: string): { tags: string[]; attributes: string[] } {
  const tags = [...page.matchAll(/<([a-zA-Z][\w-]*)([^<>]*)>/g)];
  return {
    tags: tags.map((m) => m[1]!.toLowerCase()),
    attributes: tags.flatMap((m) => [...m[2]!.matchAll(/([^\s="'<>/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g)].map((a) => a[1]!.toLowerCase())),
  };
}

describe('the HTML pages with hostile text in every field', () => {
  const pages = {
    report: toHtml(hostileReport(HOSTILE)),
    comparison: comparisonHtml(compareReports(named([hostileReport(HOSTILE), hostileReport(`${HOSTILE} 2`)]))),
  };
  const clean = {
    report: toHtml(hostileReport('plain')),
    comparison: comparisonHtml(compareReports(named([hostileReport('plain'), hostileReport('plain 2')]))),
  };

  for (const [name, page] of Object.entries(pages)) {
    it(`${name}: the text shows as text, and adds no element, no attribute, no script`, () => {
      expect(page.match(/<script\b/gi), 'only the page its own script').to.have.length(1);
      expect(page).to.include(
        '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot; onmouseover=&quot;alert(3)&#39; onfocus=&#39;alert(4)',
      );
      const hostile = markup(page);
      const plain = markup(clean[name as keyof typeof clean]);
      expect(new Set(hostile.tags)).to.deep.equal(new Set(plain.tags));
      expect(new Set(hostile.attributes)).to.deep.equal(new Set(plain.attributes));
      expect(hostile.attributes.filter((a) => a.startsWith('on'))).to.deep.equal([]);
      expect(page).to.not.match(/href="javascript:/i);
    });
  }

  it("report: a web address in an expectation's issue is a link; anything else stays text", () => {
    expect(pages.report).to.include(`(<a href="https://example.org/${escapeHtml(HOSTILE)}">`);
    expect(pages.report).to.include('(javascript:alert(5))');
  });
});
