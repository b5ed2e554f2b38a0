// What the documents state that the code can contradict: a transcript that shows its command is what
// that command prints today, every npm script they name exists, and every file of the project they
// name is there (a renamed folder cannot leave a document pointing at the old name).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { documentationFiles, proseLines, readDoc } from './markdown.js';

const exec = promisify(execFile);

interface Transcript {
  file: string;
  args: string[];
  lines: string[];
}

/** Fenced blocks without a language whose first line is `$ [npx] matrix-presence-conformance ARGS`. */
function transcripts(file: string): Transcript[] {
  const out: Transcript[] = [];
  for (const m of readDoc(file).matchAll(/^```\n\$ (?:npx )?matrix-presence-conformance ([^\n]*)\n([\s\S]*?)^```$/gm)) {
    out.push({ file, args: m[1]!.trim().split(/\s+/), lines: m[2]!.split('\n').filter((line) => line.trim() !== '' && line.trim() !== '...') });
  }
  return out;
}

/** What changes from run to run: the embedded mock's port, durations, the order in which cases finish. */
function steady(line: string): string {
  return line
    .trimEnd()
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/\(\d+(?:\.\d+)?m?s\)/g, '(T)')
    .replace(/ in \d+(?:\.\d+)?m?s;/g, ' in T;')
    .replace(/^\[\d+\//, '[n/');
}

/** A name that starts in one of the project's folders (`runner/judge/verdicts.ts`, `.ci/run`, `docs/`). */
const projectPath = /^(?:project|mock-server|runner|validator|reporters|cli|suites|schemas|fixtures|scripts|test|docs|\.ci)\/[\w.@/-]*$/;

/**
 * The project paths named in the code spans of prose that do not exist. A span is a command as often as
 * a name (`npx tsx scripts/reports/verdict-table.ts --check`), so every word of it is looked at.
 */
function missingPaths(file: string, text: string): string[] {
  return proseLines(text).flatMap(({ line, text: prose }) =>
    [...prose.matchAll(/`([^`]+)`/g)]
      .flatMap((m) => m[1]!.split(/\s+/))
      // Quoted, or a location (`suites/status.yaml:41:9:`), or a folder (`runner/judge/`): the file is what is checked.
      .map((word) =>
        word
          .replace(/^['"(]+|['"),;]+$/g, '')
          .replace(/(?::\d+)*:?$/, '')
          .replace(/\/$/, ''),
      )
      .filter((word) => projectPath.test(word) && !existsSync(join(projectRoot, word)))
      .map((word) => `${file}:${line}: ${word}`),
  );
}

describe('facts the documents state', function () {
  this.timeout(120_000);

  const all = documentationFiles().flatMap(transcripts);

  it('README.md, INTERPRETING.md and docs/cli.md show transcripts with their commands', () => {
    expect(all.map((t) => t.file)).to.include.members(['README.md', 'INTERPRETING.md', 'docs/cli.md']);
  });

  for (const transcript of all) {
    it(`${transcript.file}: \`${transcript.args.join(' ')}\` prints what the transcript shows`, async () => {
      const { stdout } = await exec(process.execPath, ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), ...transcript.args], {
        cwd: projectRoot,
        maxBuffer: 16 * 1024 * 1024,
      });
      const printed = new Set(stdout.split('\n').map(steady));
      expect(transcript.lines.map(steady).filter((line) => !printed.has(line))).to.deep.equal([]);
    });
  }

  it('every `npm run SCRIPT` a document names is a script of package.json', () => {
    const { scripts } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const missing = documentationFiles().flatMap((file) =>
      [...readDoc(file).matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!).flatMap((name) => (name in scripts ? [] : [`${file}: npm run ${name}`])),
    );
    expect(missing).to.deep.equal([]);
  });

  it('every file of the project a document names in code (`runner/judge/verdicts.ts`) exists', () => {
    expect(documentationFiles().flatMap((file) => missingPaths(file, readDoc(file)))).to.deep.equal([]);
  });

  it('a path is checked wherever it stands in a code span, and only outside fenced blocks', () => {
    const sample = [
      'Regenerate with `npx tsx scripts/reports/no-such-table.ts --check`; the mock is `mock-server/`.',
      'Run `bash scripts/reports/screenshot.sh` and read `runner/check/verdicts.ts`.',
      'It points at `suites/status.yaml:41:9: no-such-case` and `"runner/contact/no-such-file.ts",`.',
      '```',
      'cat runner/check/verdicts.ts `runner/check/verdicts.ts`',
      '```',
    ].join('\n');
    expect(missingPaths('sample.md', sample)).to.deep.equal([
      'sample.md:1: scripts/reports/no-such-table.ts',
      'sample.md:2: runner/check/verdicts.ts',
      'sample.md:3: runner/contact/no-such-file.ts',
    ]);
  });
});
