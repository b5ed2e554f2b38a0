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
    const parts = 'project|mock-server|runner|validator|reporters|cli|suites|schemas|fixtures|scripts|test|docs|\\.ci';
    const path = new RegExp(`^(?:${parts})/[\\w.@/-]*$`);
    const missing = documentationFiles().flatMap((file) =>
      proseLines(readDoc(file)).flatMap(({ line, text }) =>
        [...text.matchAll(/`([^`\s]+)`/g)]
          .map((m) => m[1]!.replace(/\/$/, ''))
          .filter((name) => path.test(name) && !existsSync(join(projectRoot, name)))
          .map((name) => `${file}:${line}: ${name}`),
      ),
    );
    expect(missing).to.deep.equal([]);
  });
});
