// The HTML report in a real browser (Debian's chromium, driven by playwright-core): a report of a real
// run against the mock with a fault is opened from disk, with every non-file request refused and
// recorded; the test uses the filter, follows the matrix to a failure, opens its details and reads the
// got/want shown, and checks what printing shows. Without the browser it fails, saying how to get it.
import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { runSuites } from '../../runner/index.js';
import { toHtml } from '../../reporters/index.js';
import type { Report } from '../../project/report.js';
import { clauseRows } from '../../project/clause-verdict.js';
import { launchChromium, type Browser } from '../../scripts/reports/chromium.js';
import { hostileReport } from './report-fixtures.js';

describe('HTML report in Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  let report: Report;
  const outside: string[] = [];
  let launchMs = 0;

  before(async () => {
    report = await runSuites({ grep: '^(status|errors|auth)#', faults: ['status-msg-dropped'], mockIsolation: 'in-process', expectations: false });
    const file = join(await mkdtemp(join(tmpdir(), 'mpc-html-')), 'report.html');
    await writeFile(file, toHtml(report));
    const started = Date.now();
    browser = await launchChromium();
    launchMs = Date.now() - started;
    page = await browser.context.newPage();
    await page.route(
      (url) => url.protocol !== 'file:',
      (route) => {
        outside.push(route.request().url());
        return route.abort();
      },
    );
    await page.goto(pathToFileURL(file).href);
  });

  after(async () => {
    await browser?.close();
  });

  const visibleCases = () => page.locator('tr[data-kind="case"]:visible');
  const visibleClauses = () => page.locator('tr[data-kind="clause"]:visible');

  it('opens from disk with nothing fetched, the verdict and the matrix at a glance', async () => {
    expect(report.summary.fail).to.be.greaterThan(0);
    expect(await page.title()).to.equal('mock: presence conformance');
    expect(await page.locator('h1').textContent()).to.equal('mock: presence conformance');
    expect(await page.getByText('FAILED', { exact: true }).isVisible()).to.equal(true);
    const rows = clauseRows(report);
    expect(await page.locator('table.glance a.t').count()).to.equal(rows.length);
    expect(await page.locator('table.glance a.t[title$=": deviates"]').count()).to.equal(rows.filter((r) => r.verdict.verdict === 'deviates').length);
    expect(await visibleCases().count()).to.equal(report.cases.length);
    // The filter appears only once its script ran.
    expect(await page.locator('form.filter').isVisible()).to.equal(true);
    expect(outside).to.deep.equal([]);
    console.log(`      (chromium launched in ${launchMs} ms)`);
  });

  it('filters by text, outcome and level, and says how many rows it shows', async () => {
    await page.fill('form.filter input[type=search]', 'round-trip');
    const shown = await visibleCases().allTextContents();
    expect(shown.length).to.be.greaterThan(1).and.lessThan(report.cases.length);
    for (const text of shown) expect(text).to.include('round-trip');
    expect(await page.locator('[data-count="case"]').textContent()).to.equal(`${shown.length} of ${report.cases.length}`);

    await page.fill('form.filter input[type=search]', '');
    await page.selectOption('select[name=outcome]', 'fail');
    const failing = report.cases.filter((c) => c.outcome === 'fail');
    expect(await visibleCases().count()).to.equal(failing.length);
    for (const badge of await visibleCases().locator(':scope > td:first-child > .b').allTextContents()) expect(badge).to.equal('fail');
    // Clauses stay only where one of their cases failed; empty area groups disappear.
    const clauses = await visibleClauses().count();
    expect(clauses).to.be.greaterThan(0).and.lessThan(clauseRows(report).length);
    expect(await page.locator('tr.group:visible').count()).to.be.lessThan(await page.locator('tr.group').count());

    await page.selectOption('select[name=outcome]', '');
    await page.selectOption('select[name=level]', 'should');
    const should = report.cases.filter((c) => c.level === 'SHOULD').length;
    expect(await visibleCases().count()).to.equal(should);
    await page.selectOption('select[name=level]', '');
    expect(await visibleCases().count()).to.equal(report.cases.length);
  });

  it('leads from a deviating clause to its failed case, whose details show got and want', async () => {
    const failed = report.cases.find((c) => c.outcome === 'fail' && c.id.startsWith('status#'))!;
    const check = failed.checks.find((c) => !c.passed && c.level !== 'INFO')!;
    const clause = failed.clauses[0]!;
    await page.click(`table.glance a.t[href="#clause-${clause.replace(/[^A-Za-z0-9_-]+/g, '-')}"]`);
    expect(new URL(page.url()).hash).to.equal(`#clause-${clause.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    const clauseRow = page.locator(`tr#clause-${clause.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    expect(await clauseRow.locator('td:first-child').textContent()).to.equal('deviates');
    // The case's chip in the clause row opens the case with its details.
    await clauseRow.locator(`a.b[href="#case-${failed.id.replace(/[^A-Za-z0-9_-]+/g, '-')}"]`).click();
    const caseRow = page.locator(`tr#case-${failed.id.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    const gotWant = caseRow.locator('table.checks tr', { hasText: check.at });
    await gotWant.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await gotWant.locator('td.got').textContent()).to.equal(check.actual === undefined ? 'nothing' : JSON.stringify(check.actual));
    expect(await gotWant.locator('td.want').textContent()).to.equal(check.expected);
    expect(await caseRow.locator('pre.transcript').isVisible()).to.equal(true);
    expect(await caseRow.locator('pre.transcript').textContent()).to.include('/_matrix/client/v3/presence/');

    // Another failure: one click on its summary.
    const other = report.cases.filter((c) => c.outcome === 'fail' && c.id !== failed.id)[0]!;
    const otherRow = page.locator(`tr#case-${other.id.replace(/[^A-Za-z0-9_-]+/g, '-')}`);
    expect(await otherRow.locator('table.checks').isVisible()).to.equal(false);
    await otherRow.locator('details > summary').first().click();
    expect(await otherRow.locator('table.checks').isVisible()).to.equal(true);
  });

  it('prints without the filter, every detail open', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form.filter').isVisible()).to.equal(false);
    await page.evaluate("window.dispatchEvent(new Event('beforeprint'))");
    expect(await page.locator('details:not([open])').count()).to.equal(0);
    await page.evaluate("window.dispatchEvent(new Event('afterprint'))");
    await page.emulateMedia({ media: 'screen' });
    expect(await page.locator('details:not([open])').count()).to.be.greaterThan(0);
    expect(outside).to.deep.equal([]);
  });

  it("shows a server's hostile text as text: no script of its own runs, no element or handler is added", async () => {
    const hostile = `<script>document.title='owned'</script><img src=x onerror="document.title='owned'">" onmouseover="document.title='owned'`;
    const file = join(await mkdtemp(join(tmpdir(), 'mpc-html-')), 'hostile.html');
    await writeFile(file, toHtml(hostileReport(hostile)));
    const other = await browser.context.newPage();
    const dialogs: string[] = [];
    other.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await other.route(
      (url) => url.protocol !== 'file:',
      (route) => {
        outside.push(route.request().url());
        return route.abort();
      },
    );
    await other.goto(pathToFileURL(file).href);
    // A string, evaluated in the page: the project is compiled without the DOM's types.
    const found: unknown = await other.evaluate(`({
      title: document.title,
      scripts: document.scripts.length,
      images: document.images.length,
      handlers: [...document.querySelectorAll('*')].flatMap((e) => e.getAttributeNames().filter((n) => n.startsWith('on'))),
    })`);
    expect(found).to.deep.equal({ title: `target ${hostile}: presence conformance`, scripts: 1, images: 0, handlers: [] });
    expect(await other.locator('h1').textContent()).to.equal(`target ${hostile}: presence conformance`);
    const failed = other.locator('tr#case-status-fail');
    await failed.locator('details > summary').first().click();
    expect(await failed.locator('td.got').first().textContent()).to.equal(JSON.stringify({ presence: 'online', status_msg: hostile }));
    expect(dialogs).to.deep.equal([]);
    expect(outside).to.deep.equal([]);
    await other.close();
  });
});
