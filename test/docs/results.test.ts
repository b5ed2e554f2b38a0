// docs/results.md's summary is the one home of the counts of every measured and imitated run; the README
// repeats its rows at a glance. What is held to data: the real servers' rows to their saved runs, the
// personalities' and Synapse's v1.19 row to the generated comparison matrix, and the README to the summary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { markedSection } from '../../scripts/lib/generated-file.js';
import { readDoc, section } from './markdown.js';

const results = readDoc('docs/results.md');

/** The cells of every Markdown table row in text but the separators (no cell of these tables holds a `|`). */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** The summary's rows, by their command cell (`sudo npm run synapse`, `run --target .../x.yaml`). */
function summaryRows(): Map<string, { result: string; header: string }> {
  const [header, ...body] = rows(section(results, 'Summary'));
  const resultColumn = header!.findIndex((cell) => cell.startsWith('result'));
  return new Map(body.map((cells) => [cells[1]!.replace(/`/g, ''), { result: cells[resultColumn]!, header: header![resultColumn]! }]));
}

/** "59 pass, 27 skip, 16 xfail, exit 0 (the same ...)" -> "59 pass, 27 skip, 16 xfail". */
const counts = (result: string): string => result.replace(/, exit \d.*$/, '');

/** "..., exit 0 (the same ...)" -> 0. */
const exitCode = (result: string): number | undefined => {
  const m = /, exit (\d)/.exec(result);
  return m ? Number(m[1]) : undefined;
};

function savedRun(file: string): { counts: string; total: number; exitCode: number } {
  const { summary, exit_code } = JSON.parse(readFileSync(join(projectRoot, 'fixtures', 'reports', file), 'utf8')) as {
    summary: Record<string, number>;
    exit_code: number;
  };
  const text = (['pass', 'fail', 'error', 'timeout', 'skip', 'xfail', 'xpass', 'inconclusive', 'blocked'] as const)
    .filter((outcome) => (summary[outcome] ?? 0) > 0)
    .map((outcome) => `${summary[outcome]} ${outcome}`)
    .join(', ');
  return { counts: text, total: summary.total!, exitCode: exit_code };
}

describe('docs/results.md', () => {
  const summary = summaryRows();

  it("the summary's real-server rows are what their saved runs (fixtures/reports/) counted", () => {
    const saved: Record<string, string> = {
      'sudo npm run synapse': 'synapse-1.160.0.json',
      'sudo npm run synapse:r0': 'synapse-r0-1.160.0.json',
      'npm run dendrite': 'dendrite-v0.13.8.json',
      'npm run dendrite:r0': 'dendrite-r0-v0.13.8.json',
    };
    for (const [command, file] of Object.entries(saved)) {
      expect(counts(summary.get(command)!.result), command).to.equal(savedRun(file).counts);
      expect(exitCode(summary.get(command)!.result), command).to.equal(savedRun(file).exitCode);
      expect(summary.get(command)!.header, command).to.equal(`result (${savedRun(file).total} cases)`);
    }
  });

  it("the summary's personalities and Synapse (v1.19) are the comparison matrix's counts", () => {
    const matrix = rows(markedSection(results, 'compare')!);
    const names = matrix.find((cells) => cells[0] === '' && cells.includes('mock'))!;
    const cases = matrix.find((cells) => cells[0] === 'cases')!;
    const column = (name: string): string => cases[names.indexOf(name)]!;
    for (const personality of ['dendrite-like', 'conduwuit-like', 'tuwunel-like']) {
      expect(counts(summary.get(`run --target fixtures/targets/${personality}.yaml`)!.result), personality).to.equal(column(personality));
    }
    expect(counts(summary.get('sudo npm run synapse')!.result)).to.equal(column('synapse'));
    expect(counts(summary.get('npm run dendrite')!.result)).to.equal(column('dendrite'));
  });

  it("README.md's results at a glance are the summary's rows", () => {
    const readme = readDoc('README.md');
    const glance = section(readme, 'Results at a glance');
    const byServer = new Map(rows(glance).map((cells) => [cells[0]!, cells.slice(1)]));
    expect(byServer.get('Synapse 1.160.0 (Debian)')).to.deep.equal([
      counts(summary.get('sudo npm run synapse')!.result),
      counts(summary.get('sudo npm run synapse:r0')!.result),
    ]);
    expect(byServer.get('Dendrite v0.13.8')).to.deep.equal([
      counts(summary.get('npm run dendrite')!.result),
      counts(summary.get('npm run dendrite:r0')!.result),
    ]);
    expect(glance.replace(/\s+/g, ' ')).to.include(`(${savedRun('dendrite-v0.13.8.json').total} cases,`);
  });
});
